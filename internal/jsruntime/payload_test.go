package jsruntime_test

import (
	"testing"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// TestPayloadJSONAsJSON checks that payloads are encoded as JSON.stringify
// and decoded as JSON.parse would, for the values the fast paths take and
// for those next to them that they must leave to JSON.
func TestPayloadJSONAsJSON(t *testing.T) {
	r := jsruntime.New(jsruntime.Env{Now: time.Now})
	for _, src := range []string{
		`"hello 1"`, `""`, `"a\"b"`, `"a\\b"`, `"tab\t"`, `"é"`, `"\u007f"`, `"\ud800"`, `"</script>"`,
		`0`, `-0`, `7`, `-42`, `2**53 - 1`, `-(2**53 - 1)`, `2**53`, `1e21`, `1.5`, `NaN`, `Infinity`,
		`true`, `false`, `null`, `new String("x")`, `({a: 1})`, `[1, "b"]`, `({toJSON() { return 5 }})`,
	} {
		v, err := r.VM.RunString("(" + src + ")")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		p, err := r.ToPayloadDefault(v)
		if err != nil {
			t.Fatalf("ToPayloadDefault(%s): %v", src, err)
		}
		want, err := r.VM.RunString("JSON.stringify(" + src + ")")
		if err != nil {
			t.Fatal(err)
		}
		if string(p.Data) != want.String() {
			t.Errorf("ToPayloadDefault(%s) = %s, want %s as JSON.stringify", src, p.Data, want)
		}
	}
	for _, text := range []string{
		`"hello 1"`, `""`, `"a\"b"`, `"\u0041"`, `"é"`, `0`, `-0`, `7`, `-42`, `007`, `-`, `1e3`, `9007199254740991`,
		`123456789012345678`, `true`, `false`, `null`, ` 1`, `[1]`, `{"a":1}`,
	} {
		p := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(text)}
		got, gotErr := r.FromPayloadDefault(p)
		want, wantErr := r.VM.RunString("JSON.parse(" + jsQuote(text) + ")")
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("FromPayloadDefault(%s): error %v, JSON.parse's %v", text, gotErr, wantErr)
			continue
		}
		if gotErr != nil {
			continue
		}
		if _, isObj := want.(*goja.Object); isObj {
			continue // the slow path, JSON.parse itself
		}
		if !got.SameAs(want) || got.ExportType() != want.ExportType() {
			t.Errorf("FromPayloadDefault(%s) = %v (%v), want %v (%v) as JSON.parse", text, got, got.ExportType(), want, want.ExportType())
		}
	}
}

// jsQuote writes s as a JS string literal.
func jsQuote(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\'' || c == '\\' {
			out = append(out, '\\', c)
		} else {
			out = append(out, c)
		}
	}
	return string(append(out, '\''))
}
