package worker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/worker"
)

// A workflow runs on v1 of its code; the worker is replaced by one running
// v2, which calls another activity first. The next workflow task replays
// the run and fails; with Diagnostics its failure says what changed and
// where, not only the Go SDK's message.
func TestDiagnosticsExplainLiveNondeterminism(t *testing.T) {
	t.Parallel()
	diag := worker.NewDiagnostics()
	c, err := client.Dial(diag.ClientOptions(client.Options{HostPort: serverAddr, Logger: quietLogger{}}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	ctx := context.Background()

	w1, err := worker.New(c, tq, worker.Options{Workflows: "testdata/nondet/v1.ts", Diagnostics: diag})
	if err != nil {
		t.Fatal(err)
	}
	w1.RegisterActivity(Greet)
	w1.RegisterActivity(Echo)
	if err := w1.Start(); err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "longLived")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.TerminateWorkflow(ctx, run.GetID(), "", "test over") }()
	waitForEvent(t, run.GetID(), enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
	// The run waits on its condition; let its workflow task complete.
	waitForEvent(t, run.GetID(), enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 2)
	w1.Stop()
	// The Go SDK's cache of runs is the process's, not the worker's: empty
	// it, as a new worker process would start.
	sdkworker.PurgeStickyWorkflowCache()

	w2, err := worker.New(c, tq, worker.Options{Workflows: "testdata/nondet/v2.ts", Diagnostics: diag})
	if err != nil {
		t.Fatal(err)
	}
	w2.RegisterActivity(Greet)
	w2.RegisterActivity(Echo)
	if err := w2.Start(); err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	if err := c.SignalWorkflow(ctx, run.GetID(), "", "proceed", nil); err != nil {
		t.Fatal(err)
	}
	msg := waitForEvent(t, run.GetID(), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).
		GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage()
	t.Logf("workflow task failure: %.300s", msg)
	for _, want := range []string{
		"[TMPRL1100] nondeterministic: history event 5 is ActivityTaskScheduled greet, where the code now schedules activity echo (at testdata/nondet/v2.ts:16:",
		"(Go SDK: ",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("workflow task failure:\n%s\nwant it to contain %q", msg, want)
		}
	}
}

// waitForEvent waits until the run's history has n events of type typ
// (default 1) and returns the last.
func waitForEvent(t *testing.T, id string, typ enumspb.EventType, n ...int) *historypb.HistoryEvent {
	t.Helper()
	want := 1
	if len(n) > 0 {
		want = n[0]
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if found := eventsOf(t, id, typ); len(found) >= want {
			return found[len(found)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("workflow %s: no %d %v event(s) after 20s", id, want, typ)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
