package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
)

// TestSDKStackTraceText pins how the Go SDK writes its __stack_trace
// answer, which the loop's selector name and the client's converter
// (jsstack.Answer, jsstack.Converter) rely on: a coroutine blocked in a
// selector reads "coroutine NAME [blocked on <selector name>.Select]:",
// coroutines are separated by a blank line, and the answer is one string
// encoded with the client's data converter. The in-memory test suite does
// not answer __stack_trace, so the test reads the Go SDK's source in the
// module cache; worker's stack trace tests check the answer end to end.
func TestSDKStackTraceText(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal")
	for _, tt := range []struct{ file, want, what string }{
		{"internal_workflow.go", `state.yield("blocked on " + s.name + ".Select")`, "a blocked selector's status"},
		{"internal_workflow.go", `top := fmt.Sprintf("coroutine %s [%s]:", coroutineName, status)`, "a coroutine's header line"},
		{"internal_workflow.go", `result += "\n\n"`, "the blank line between coroutines"},
		{"internal_event_handlers.go", `return weh.encodeArg(weh.StackTrace())`, "the answer, one string encoded with the data converter"},
		{"internal_event_handlers.go", `return wc.GetDataConverter().ToPayloads(arg)`, "encodeArg, a single value given to ToPayloads"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), tt.want) {
			t.Errorf("the Go SDK no longer writes %s as %s (%s); the loop's selector name (%q ... %q) and jsstack.Answer must follow its new format",
				tt.what, tt.want, tt.file, selectorNamePrefix, selectorNameSuffix)
		}
	}
}

// TestSDKCanceledMessage pins the message of the Go SDK's bare cancellation
// failure.
func TestSDKCanceledMessage(t *testing.T) {
	f := temporal.GetDefaultFailureConverter().ErrorToFailure(temporal.NewCanceledError())
	if got := f.GetMessage(); got != sdkCanceledMessage {
		t.Errorf("the Go SDK's cancellation failure reads %q, the engine expects %q", got, sdkCanceledMessage)
	}
}

// TestSDKUnknownQueryText pins the failure the Go SDK answers a query name
// without a handler with, which tsworker's client recognizes to answer
// __enhanced_stack_trace itself (client.EnhancedStackTraceInterceptor).
func TestSDKUnknownQueryText(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "internal_workflow.go"))
	if err != nil {
		t.Fatal(err)
	}
	const want = `fmt.Errorf("unknown queryType %v. KnownQueryTypes=%v", queryType, keys)`
	if !strings.Contains(string(src), want) {
		t.Errorf("the Go SDK no longer fails an unknown query with %s; client.EnhancedStackTraceInterceptor must follow its new text", want)
	}
}
