package cli_test

import "testing"

// TestDevWorkflowInterceptors runs a workflow with --workflow-interceptors:
// the module's execute interceptor wraps the result.
func TestDevWorkflowInterceptors(t *testing.T) {
	t.Parallel()
	out, errOut, err := tsworker(t, "dev", workflows, "--headless", "--port", "0", "--log-level", "warn",
		"--workflow-interceptors", "testdata/interceptors.ts", "--run", "pair", "--input", `["x", 2]`)
	if err != nil {
		t.Fatalf("error: %v\nstderr:\n%s", err, errOut)
	}
	if want := `{"intercepted":{"b":2,"a":"x"}}` + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}
