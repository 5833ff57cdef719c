package worker_test

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

const hostileTS = "testdata/hostile.ts"

func startLimitedWorker(t *testing.T) string {
	return startWorkerWithLimits(t, worker.Limits{ExecutionTimeout: time.Second, MemoryBudget: 48 << 20})
}

func startWorkerWithLimits(t *testing.T, limits worker.Limits) string {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: hostileTS, Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return tq
}

func TestHostileCodeFailsOnlyItsTask(t *testing.T) {
	tq := startLimitedWorker(t)
	for wf, want := range map[string]string{
		"spin":           "Script execution timed out after 1000ms",
		"spinAfterSleep": "Script execution timed out after 1000ms",
		"deepRecursion":  "RangeError: Maximum call stack size exceeded",
	} {
		msg := waitTaskFailure(t, tq, wf)
		if !strings.Contains(msg, want) || !strings.Contains(msg, "workflow "+wf) {
			t.Errorf("%s: task failure %q, want %q", wf, msg, want)
		}
		// Other runs keep completing on the same worker.
		var s string
		mustExecute(t, tq, "quick", &s)
		if s != "quick" {
			t.Fatalf("quick: %q", s)
		}
	}
	// Unbounded allocation is stopped by the memory budget (with a long
	// execution timeout, so that the budget is what stops it).
	hogQueue := startWorkerWithLimits(t, worker.Limits{ExecutionTimeout: 20 * time.Second, MemoryBudget: 48 << 20})
	if msg := waitTaskFailure(t, hogQueue, "hog"); !strings.Contains(msg, "memory budget") {
		t.Errorf("hog: task failure %q, want the memory budget", msg)
	}
	if strings.Contains(waitTaskFailure(t, tq, "spin"), "hostile.ts:") == false {
		t.Errorf("runaway loop failure has no source location")
	}
	// Interrupted VMs are not left running: no goroutine is inside the JS
	// interpreter any more.
	deadline := time.Now().Add(10 * time.Second)
	for jsRunning() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if jsRunning() {
		t.Errorf("a goroutine is still running JS after the hostile runs were interrupted")
	}
}

func jsRunning() bool {
	buf := make([]byte, 64<<20)
	n := runtime.Stack(buf, true)
	return strings.Contains(string(buf[:n]), "goja.(*vm).run(")
}

func TestHostileHandlers(t *testing.T) {
	tq := startLimitedWorker(t)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "spinningQuery")
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	queryInto(t, run.GetID(), "ok", &ok)
	if _, err := testClient.QueryWorkflow(ctx, run.GetID(), "", "spin"); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("spinning query: %v", err)
	}
	// The run is unharmed.
	queryInto(t, run.GetID(), "ok", &ok)
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "done", nil); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := run.Get(ctx, &s); err != nil || s != "finished" {
		t.Fatalf("got %q %v", s, err)
	}

	run, err = testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "spinningSignal")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") }()
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "spin", nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ev := findEventAfterSignal(ctx, run.GetID()); ev != "" {
			if !strings.Contains(ev, "timed out") {
				t.Fatalf("signal handler failure: %s", ev)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no task failure for the spinning signal handler")
}

func TestRunsAreIsolated(t *testing.T) {
	tq := startLimitedWorker(t)
	for i := 0; i < 2; i++ {
		var out map[string]any
		mustExecute(t, tq, "isolated", &out)
		want := map[string]any{"seen": nil, "proto": true, "weakRef": "function", "fr": "function"}
		if !reflect.DeepEqual(out, want) {
			t.Fatalf("run %d: got %v want %v", i, out, want)
		}
	}
}
