package jsruntime_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// TestIntlAsNode evaluates each expression of testdata/intl_cases.txt in a
// workflow sandbox and compares it with what Node 20 (full ICU, time zone
// UTC) gives, recorded in testdata/intl_node.json by intl_node.mjs.
func TestIntlAsNode(t *testing.T) {
	data, err := os.ReadFile("testdata/intl_node.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases [][2]string
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	// The bundle calls toLocaleString, so Run installs the locale methods.
	prog, err := jsruntime.Compile("intl.js", []byte(`globalThis.exports = { f() { return (1).toLocaleString(); } };
		Object.assign(globalThis, {
			d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67)),
			d2: new Date(Date.UTC(2023, 10, 25, 15, 30)),
			m: new Date(Date.UTC(2024, 0, 2, 0, 5)),
			summer: new Date(Date.UTC(2024, 6, 15, 12)),
		});`))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	if _, err := rt.Run(prog, "exports"); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		src, want := c[0], c[1]
		v, err := rt.VM.RunString(`(() => { try { return String(` + src + `); } catch (e) { return e.name + ': ' + e.message; } })()`)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := v.String(); got != want {
			t.Errorf("%s\n got: %s\nwant: %s", src, got, want)
		}
	}
}

// TestLocaleMethodsOnlyWhenUsed: a bundle that never calls a locale
// method keeps goja's built-in prototypes untouched.
func TestLocaleMethodsOnlyWhenUsed(t *testing.T) {
	prog, err := jsruntime.Compile("plain.js", []byte(`globalThis.exports = { f() {} };`))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	if _, err := rt.Run(prog, "exports"); err != nil {
		t.Fatal(err)
	}
	// goja's own toLocaleString formats numbers as toString does.
	if v, _ := rt.VM.RunString(`(1234.5)[['toLocale', 'String'].join('')]()`); v.String() != "1234.5" {
		t.Fatalf("got %s: the locale methods were installed for a bundle that does not use them", v)
	}
}
