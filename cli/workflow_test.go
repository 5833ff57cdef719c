package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWorkflowCommands drives one workflow through every workflow command,
// against a worker started with `run` on the shared server.
func TestWorkflowCommands(t *testing.T) {
	t.Parallel()
	tq := fmt.Sprintf("wf-%d", queueSeq.Add(1))
	w := startBackground(t, "run", "testdata/messages.ts", "-q", tq, "--address", server.FrontendHostPort(), "--log-level", "off")
	w.waitFor(t, &w.out, "Worker for task queue "+tq)
	addr := []string{"--address", server.FrontendHostPort()}
	ok := func(args ...string) string {
		t.Helper()
		out, errOut, err := tsworker(t, append(append([]string{"workflow"}, args...), addr...)...)
		if err != nil {
			t.Fatalf("workflow %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
		}
		return out
	}
	fails := func(want string, args ...string) {
		t.Helper()
		_, _, err := tsworker(t, append(append([]string{"workflow"}, args...), addr...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("workflow %s: error %v, want %q", strings.Join(args, " "), err, want)
		}
	}
	id := "order-" + tq

	out := ok("start", "--type", "order", "-w", id, "-t", tq, "-i", `"ada"`, "-i", "3")
	if !strings.Contains(out, "WorkflowId  "+id) || !strings.Contains(out, "TaskQueue   "+tq) {
		t.Errorf("start printed:\n%s", out)
	}
	if out := ok("query", "-w", id, "--name", "status", "-i", `"p"`); out != `{"prefix":"p","customer":"ada","quantity":3,"approvedBy":""}`+"\n" {
		t.Errorf("query printed %q", out)
	}
	if out := ok("query", "-w", id, "--name", "status", "-i", `"j"`, "-o", "json"); !strings.Contains(out, `"queryResult": {`) {
		t.Errorf("query -o json printed %q", out)
	}
	if out := ok("update", "execute", "-w", id, "--name", "setQuantity", "-i", "5"); out != "3\n" {
		t.Errorf("update printed %q, want the old quantity", out)
	}
	fails("quantity must be positive", "update", "execute", "-w", id, "--name", "setQuantity", "-i", "0")
	if out := ok("signal", "-w", id, "--name", "approve", "-i", `"bob"`, "-i", "2"); !strings.Contains(out, "Signalled approve to workflow "+id) {
		t.Errorf("signal printed %q", out)
	}
	if out := ok("result", "-w", id); out != `{"customer":"ada","quantity":5,"approvedBy":"bob"}`+"\n" {
		t.Errorf("result printed %q", out)
	}

	out = ok("describe", "-w", id)
	for _, want := range []string{"Type           order", "Status         Completed", "TaskQueue      " + tq} {
		if !strings.Contains(out, want) {
			t.Errorf("describe has no %q:\n%s", want, out)
		}
	}
	var desc struct {
		WorkflowExecutionInfo struct {
			Status string `json:"status"`
		} `json:"workflowExecutionInfo"`
	}
	if err := json.Unmarshal([]byte(ok("describe", "-w", id, "-o", "json")), &desc); err != nil || desc.WorkflowExecutionInfo.Status == "" {
		t.Errorf("describe -o json: %v %+v", err, desc)
	}

	out = ok("show", "-w", id)
	for _, want := range []string{"WorkflowExecutionStarted order", "WorkflowExecutionUpdateAccepted setQuantity", "WorkflowExecutionSignaled approve", "WorkflowExecutionCompleted"} {
		if !strings.Contains(out, want) {
			t.Errorf("show has no %q:\n%s", want, out)
		}
	}
	// The JSON history replays against the workflows.
	history := filepath.Join(t.TempDir(), "order.json")
	if err := os.WriteFile(history, []byte(ok("show", "-w", id, "-o", "json")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := tsworker(t, "replay", "testdata/messages.ts", "--history", history); err != nil || !strings.Contains(out, "OK") {
		t.Errorf("replay of show -o json: %v\n%s%s", err, out, errOut)
	}

	// Visibility catches up a moment after the workflow closes.
	var listed string
	for range 100 {
		if listed = ok("list", "--query", "WorkflowId='"+id+"'"); strings.Contains(listed, "Completed") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(listed, "Completed  "+id+"  order") {
		t.Errorf("list printed:\n%s", listed)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(ok("list", "--query", "WorkflowId='"+id+"'", "-o", "json")), &rows); err != nil || len(rows) != 1 {
		t.Errorf("list -o json: %v, %d rows", err, len(rows))
	}

	// execute: arguments as written, key order kept; JSON output.
	out, errOut, err := tsworker(t, append([]string{"workflow", "execute", "--type", "echo", "-t", tq, "-i", `"x"`, "-i", `{"b":1,"a":2}`}, addr...)...)
	if err != nil || out != `["x",{"b":1,"a":2}]`+"\n" || !strings.Contains(errOut, "WorkflowExecutionCompleted") {
		t.Errorf("execute: %v\nstdout %q\nstderr:\n%s", err, out, errOut)
	}
	var exec struct {
		Status string          `json:"status"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(ok("execute", "--type", "echo", "-t", tq, "-o", "json")), &exec); err != nil || exec.Status != "Completed" || string(exec.Result) != "[]" {
		t.Errorf("execute -o json: %v %+v", err, exec)
	}

	// cancel and terminate.
	ok("start", "--type", "waits", "-w", "c-"+id, "-t", tq)
	ok("cancel", "-w", "c-"+id, "--reason", "test")
	fails("workflow waits was cancelled", "result", "-w", "c-"+id)
	ok("start", "--type", "waits", "-w", "t-"+id, "-t", tq)
	if out := ok("terminate", "-w", "t-"+id, "--reason", "enough"); !strings.Contains(out, "Terminated workflow t-"+id) {
		t.Errorf("terminate printed %q", out)
	}
	if out := ok("describe", "-w", "t-"+id); !strings.Contains(out, "Terminated") {
		t.Errorf("describe after terminate:\n%s", out)
	}
	if err := w.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestWorkflowCommandErrors(t *testing.T) {
	t.Parallel()
	addr := server.FrontendHostPort()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no type", []string{"start"}, `required flag(s) "type" not set`},
		{"unquoted string", []string{"start", "--type", "x", "-i", "Temporal"}, `--input is not valid JSON (invalid character 'T' looking for beginning of value); strings are quoted in JSON: --input '"Temporal"'`},
		{"bad output", []string{"describe", "-w", "x", "-o", "yaml"}, `--output "yaml": want text or json`},
		{"unknown workflow", []string{"describe", "-w", "no-such-workflow"}, "describe workflow no-such-workflow: "},
		{"no id", []string{"signal", "--name", "s"}, `required flag(s) "workflow-id" not set`},
		{"bad policy", []string{"start", "--type", "x", "--id-reuse-policy", "sometimes"}, `--id-reuse-policy "sometimes": want AllowDuplicate`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tsworker(t, append(append([]string{"workflow"}, tt.args...), "--address", addr)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestDevRunOnServingServer runs `dev --run` on the port of a `dev` that is
// serving: it uses that server instead of failing on the busy port.
func TestDevRunOnServingServer(t *testing.T) {
	t.Parallel()
	port := strconv.Itoa(freePort(t))
	dev := startBackground(t, "dev", workflows, "--headless", "--port", port, "--log-level", "off")
	dev.waitFor(t, &dev.out, "Watching for changes")
	out, errOut, err := tsworker(t, "dev", workflows, "--headless", "--port", port, "--log-level", "warn", "--run", "hello", "--input", `"again"`)
	if err != nil || out != `"Hello, again!"`+"\n" {
		t.Fatalf("dev --run on a serving port: %v\nstdout %q\nstderr:\n%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "Using the Temporal server already serving on 127.0.0.1:"+port) || strings.Contains(errOut, "Starting Temporal server") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// And `workflow execute` runs on the serving worker.
	out, errOut, err = tsworker(t, "workflow", "execute", "--type", "pair", "-i", `"w"`, "-i", "1", "--address", "127.0.0.1:"+port)
	if err != nil || out != `{"b":1,"a":"w"}`+"\n" {
		t.Fatalf("workflow execute on dev: %v\nstdout %q\nstderr:\n%s", err, out, errOut)
	}
	if err := dev.stop(t); err != nil {
		t.Fatal(err)
	}
}
