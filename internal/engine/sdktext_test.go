package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
)

// TestSDKStackTraceText pins how the Go SDK prints a coroutine blocked in a
// selector in __stack_trace answers, which the loop's selector name relies
// on. The in-memory test suite does not answer __stack_trace, so the test
// reads the Go SDK's source in the module cache; worker's stack trace tests
// check the answer end to end.
func TestSDKStackTraceText(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "internal_workflow.go"))
	if err != nil {
		t.Fatal(err)
	}
	const want = `state.yield("blocked on " + s.name + ".Select")`
	if !strings.Contains(string(src), want) {
		t.Errorf("the Go SDK no longer reports a blocked selector as %s; the loop's selector name (%q ... %q) must follow its new format",
			want, selectorNamePrefix, selectorNameSuffix)
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
