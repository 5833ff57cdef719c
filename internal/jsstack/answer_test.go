package jsstack

import (
	"context"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
)

// goAnswer is a __stack_trace answer as the Go SDK writes it for a run
// whose loop waits in a selector named name, with another coroutine.
func goAnswer(name string) string {
	return "coroutine root [blocked on " + name + ".Select]:\n" +
		"go.temporal.io/sdk/internal.(*selectorImpl).Select(0xc000)\n" +
		"\t/home/u/go/pkg/mod/go.temporal.io/sdk@v1.50.0/internal/internal_workflow.go:1573 +0x3a5\n\n" +
		"coroutine 2 [blocked on chan-1.Receive]:\n" +
		"go.temporal.io/sdk/internal.(*channelImpl).Receive(0xc001)\n\t/home/u/internal_workflow.go:855 +0x2"
}

func TestAnswer(t *testing.T) {
	stacks := "    at sleep (@temporalio/workflow)\n    at nap (workflows.ts:9:9)\n\n    at condition (@temporalio/workflow)\n    at waiting (workflows.ts:18:9)"
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"JS stacks", goAnswer(SelectorNamePrefix + stacks + SelectorNameSuffix), stacks, true},
		{"waiting on nothing with a stack", goAnswer(IdleSelectorName), "", true},
		{"a Go workflow", goAnswer("selector"), "", false},
		{"any string", "hello", "", false},
		{"the marker outside a coroutine header", "coroutine root [running]:\nx [blocked on " + IdleSelectorName + ".Select]:", "", false},
		{"no end", "coroutine root [blocked on " + SelectorNamePrefix + stacks, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Answer(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Answer = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// The converter rewrites a __stack_trace answer before the wrapped
// converter (a codec here) encodes it, leaves everything else alone, and
// keeps doing so through the contexts the Go SDK gives it.
func TestConverter(t *testing.T) {
	stacks := "    at nap (workflows.ts:9:9)"
	answer := goAnswer(SelectorNamePrefix + stacks + SelectorNameSuffix)
	codec := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}))
	dc := Converter(codec)
	if Converter(dc) != dc {
		t.Error("Converter wraps its own converter again")
	}
	ctxs := map[string]converter.DataConverter{
		"plain":                 dc,
		"context":               dc.(converter.ContextAware).WithContext(context.Background()),
		"serialization context": dc.(converter.DataConverterWithSerializationContext).WithSerializationContext(converter.WorkflowSerializationContext{Namespace: "default", WorkflowID: "w"}),
	}
	for name, dc := range ctxs {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct {
				in   []any
				want []string
			}{
				{[]any{answer}, []string{stacks}},
				{[]any{"hello"}, []string{"hello"}},
				{[]any{answer, answer}, []string{answer, answer}},
			} {
				ps, err := dc.ToPayloads(tt.in...)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps.GetPayloads() {
					if enc := string(p.GetMetadata()["encoding"]); enc != "binary/zlib" {
						t.Errorf("payload encoding %q: the codec did not encode it", enc)
					}
				}
				got := make([]string, len(tt.want))
				ptrs := make([]any, len(got))
				for i := range got {
					ptrs[i] = &got[i]
				}
				if err := dc.FromPayloads(ps, ptrs...); err != nil {
					t.Fatal(err)
				}
				if strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("ToPayloads(%.30q...) decodes to %q, want %q", tt.in, got, tt.want)
				}
			}
		})
	}
}
