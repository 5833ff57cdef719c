package worker

import (
	"slices"
	"testing"

	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// A run replayed anew while the execution it replaces is still unwinding
// (a worker replaced by one with new code, a cache eviction) has two
// executions with one run ID. The older one's end, however late, neither
// closes nor takes the newer one's record: the newer one's commands are
// what the failure converter compares with the history.
func TestDiagnosticsRecordsPerExecution(t *testing.T) {
	d := NewDiagnostics()
	var replaying bool
	steps := func(ctx workflow.Context) error {
		replaying = workflow.IsReplaying(ctx)
		older, newer := d.execution(), d.execution()
		older.start(ctx)
		newer.start(ctx)
		older.record(ctx, "ActivityTaskScheduled", "greet")
		older.end(ctx)
		newer.record(ctx, "TimerStarted", "2s")
		newer.end(ctx)
		return nil
	}
	r := sdkworker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(steps, workflow.RegisterOptions{Name: "order"})
	// The replay itself fails (the history has the commands of other
	// code): only what Diagnostics kept matters here.
	_ = r.ReplayWorkflowHistoryFromJSONFile(nopLogger{}, "testdata/histories/order.json")
	if !replaying {
		t.Fatal("the workflow did not run while replaying")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.runs) != 0 || len(d.ended) != 1 {
		t.Fatalf("runs %d, ended %d; want the newer execution ended, alone", len(d.runs), len(d.ended))
	}
	want := []command{{kind: "TimerStarted", detail: "2s"}}
	if got := d.ended[0].commands; !slices.Equal(got, want) {
		t.Errorf("recorded %+v, want %+v", got, want)
	}
}
