package crashtest

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

// TestDevServerRestartKeepsState stops a dev server that keeps its state
// in a file while a workflow waits for a 4s timer and a second signal,
// starts it again on the same file, and the workflow carries on: its
// history from before the restart is there, the timer set before the
// restart fires after it, and a signal sent after the restart completes it.
func TestDevServerRestartKeepsState(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dev.db")
	ctx := context.Background()
	tq := taskQueue(t)
	id := tq + "-durable"

	srv1, c1 := startFileServer(t, db)
	w1 := startInProcessWorker(t, c1, tq)
	run, err := c1.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, "durable", 4000, 2)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the timer to start", func() bool {
		return countTypes(history(t, c1, id))[enumspb.EVENT_TYPE_TIMER_STARTED] == 1
	})
	if err := c1.SignalWorkflow(ctx, id, "", "add", 5); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the first signal to be handled", func() bool {
		return slices.Equal(queryState(t, c1, id).Added, []int{5})
	})
	before := history(t, c1, id)
	if countTypes(before)[enumspb.EVENT_TYPE_TIMER_FIRED] != 0 {
		// Only on a very slow machine: the rest of the test still holds.
		t.Log("the timer fired before the server stopped, not after its restart")
	}
	w1.Stop()
	c1.Close()
	srv1.Stop()

	_, c2 := startFileServer(t, db)
	after := history(t, c2, id)
	if len(after) < len(before) {
		t.Fatalf("history after the restart has %d events, before it had %d", len(after), len(before))
	}
	for i, ev := range before {
		if a := after[i]; a.GetEventId() != ev.GetEventId() || a.GetEventType() != ev.GetEventType() {
			t.Fatalf("event %d: %d %s after the restart, %d %s before", i, a.GetEventId(), a.GetEventType(), ev.GetEventId(), ev.GetEventType())
		}
	}
	if err := c2.SignalWorkflow(ctx, id, "", "add", 9); err != nil {
		t.Fatal(err)
	}
	startInProcessWorker(t, c2, tq)
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var res struct {
		Added []int `json:"added"`
		Slept bool  `json:"slept"`
	}
	if err := c2.GetWorkflow(ctx, id, run.GetRunID()).Get(rctx, &res); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Added, []int{5, 9}) || !res.Slept {
		t.Fatalf("result %+v; want added [5 9] and the timer fired", res)
	}
	k := countTypes(history(t, c2, id))
	for typ, want := range map[enumspb.EventType]int{
		enumspb.EVENT_TYPE_TIMER_STARTED:                1,
		enumspb.EVENT_TYPE_TIMER_FIRED:                  1,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:  2,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:         0,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: 1,
	} {
		if k[typ] != want {
			t.Errorf("%d %s events, want %d", k[typ], typ, want)
		}
	}
}

// startFileServer starts a dev server on the database file db and a
// client of it; both are closed when the test ends.
func startFileServer(t testing.TB, db string) (*devserver.Server, client.Client) {
	t.Helper()
	s, err := devserver.Start(context.Background(), devserver.Options{DBFile: db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	c, err := client.Dial(client.Options{HostPort: s.FrontendHostPort(), Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return s, c
}

func startInProcessWorker(t *testing.T, c client.Client, tq string) *worker.Worker {
	t.Helper()
	w, err := worker.New(c, tq, worker.Options{Workflows: workflowsFile})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivity(Step)
	w.RegisterActivity(Slow)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}
