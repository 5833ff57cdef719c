package worker_test

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/workflowservice/v1"
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
	base := takeBaseline(t, tq)
	for wf, want := range map[string]string{
		"spin":           "Script execution timed out after 1000ms",
		"spinAfterSleep": "Script execution timed out after 1000ms",
		"deepRecursion":  "RangeError: Maximum call stack size exceeded",
		// goja's stack overflow cannot be caught (see docs/production.md):
		// the catch block does not run and the task fails.
		"catchRecursion": "RangeError: Maximum call stack size exceeded",
	} {
		f := runTaskFailure(t, tq, wf)
		if !strings.Contains(f.GetMessage(), want) {
			t.Errorf("%s: task failure %q, want %q", wf, f.GetMessage(), want)
		}
		if wf == "spin" && !strings.Contains(f.GetMessage()+f.GetStackTrace(), "hostile.ts:") {
			t.Errorf("runaway loop failure has no source location: %q %q", f.GetMessage(), f.GetStackTrace())
		}
		// Other runs keep completing on the same worker.
		var s string
		mustExecute(t, tq, "quick", &s)
		if s != "quick" {
			t.Fatalf("quick: %q", s)
		}
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
	base.check(t)
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
	if _, err := testClient.QueryWorkflow(ctx, run.GetID(), "", "spin"); err == nil || !strings.Contains(err.Error(), "Script execution timed out after 1000ms") {
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

// TestHostileQueryDefaultLimits runs a spinning query handler under the
// default limits: the execution timeout (5s) stops it and the client gets
// that error before its own deadline (10s for the Go SDK's QueryWorkflow),
// with the sticky cache on (the query goes to the worker's sticky queue) and
// off.
func TestHostileQueryDefaultLimits(t *testing.T) {
	tq := startWorkerWithLimits(t, worker.Limits{})
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "spinningQuery")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") }()
	var ok string
	queryInto(t, run.GetID(), "ok", &ok)
	start := time.Now()
	_, err = testClient.QueryWorkflow(ctx, run.GetID(), "", "spin")
	if err == nil || !strings.Contains(err.Error(), "Script execution timed out after 5000ms") {
		t.Fatalf("spinning query: %v, want the execution timeout", err)
	}
	t.Logf("spinning query failed after %v", time.Since(start).Round(time.Millisecond))
	queryInto(t, run.GetID(), "ok", &ok)
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "done", nil); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := run.Get(ctx, &s); err != nil || s != "finished" {
		t.Fatalf("got %q %v", s, err)
	}
}

// TestHostileChurningHandlers runs handlers that loop forever allocating
// garbage: the execution timeout stops them, not the memory budget (garbage
// is not kept memory), however much garbage the process's heap may hold
// between collections.
func TestHostileChurningHandlers(t *testing.T) {
	tq := startLimitedWorker(t)
	ctx := context.Background()
	// A big live heap, as in a worker with many cached runs: the garbage
	// collector lets about as much garbage pile up between collections,
	// far more than the memory budget (48 MiB).
	ballast := make([]byte, 192<<20)
	defer runtime.KeepAlive(ballast)
	base := takeBaseline(t, tq)
	start := func() client.WorkflowRun {
		t.Helper()
		run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "churningHandlers")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") })
		var s string
		queryInto(t, run.GetID(), "__stack_trace", &s) // its first task is done
		return run
	}
	for _, tc := range []struct{ name, update string }{{name: "signal"}, {name: "update", update: "churn"}} {
		t.Run(tc.name, func(t *testing.T) {
			run := start()
			began := time.Now()
			if tc.update == "" {
				if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "churn", nil); err != nil {
					t.Fatal(err)
				}
			} else {
				uctx, cancel := context.WithCancel(ctx)
				defer cancel()
				go func() {
					_, _ = testClient.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(),
						UpdateName: tc.update, WaitForStage: client.WorkflowUpdateStageAccepted})
				}()
			}
			msg := waitRunTaskFailure(t, run.GetID()).GetMessage()
			if !strings.Contains(msg, "Script execution timed out after 1000ms") {
				t.Fatalf("task failure %q, want the execution timeout", msg)
			}
			t.Logf("%s handler: task failed after %v", tc.name, time.Since(began).Round(time.Millisecond))
		})
	}
	t.Run("validator", func(t *testing.T) {
		run := start()
		began := time.Now()
		uctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		h, err := testClient.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(),
			UpdateName: "validated", WaitForStage: client.WorkflowUpdateStageAccepted})
		if err == nil {
			err = h.Get(uctx, nil)
		}
		if err == nil || !strings.Contains(err.Error(), "Script execution timed out after 1000ms") {
			t.Fatalf("update with a churning validator: %v, want the execution timeout", err)
		}
		t.Logf("validator: update rejected after %v", time.Since(began).Round(time.Millisecond))
	})
	terminateAll(t, tq)
	base.check(t)
}

// TestHostileAllocation runs a workflow that keeps allocating: the memory
// budget fails its task, the run stays open and its task is retried, other
// runs are served meanwhile, and once it is terminated the worker is back
// to its goroutines and heap before.
func TestHostileAllocation(t *testing.T) {
	// A long execution timeout, so that the budget is what stops it.
	tq := startWorkerWithLimits(t, worker.Limits{ExecutionTimeout: 30 * time.Second, MemoryBudget: 48 << 20})
	ctx := context.Background()
	base := takeBaseline(t, tq)
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "hog")
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") }()
	msg := waitRunTaskFailure(t, run.GetID()).GetMessage()
	if !strings.Contains(msg, "memory budget") {
		t.Fatalf("hog: task failure %q, want the memory budget", msg)
	}
	t.Logf("hog: task failed after %v", time.Since(began).Round(time.Millisecond))
	var s string
	mustExecute(t, tq, "quick", &s)
	// The task is retried (later attempts are not written to history).
	deadline := time.Now().Add(30 * time.Second)
	for {
		desc, err := testClient.DescribeWorkflowExecution(ctx, run.GetID(), "")
		if err != nil {
			t.Fatal(err)
		}
		if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Fatalf("hog: status %v, want running", st)
		}
		if desc.GetPendingWorkflowTask().GetAttempt() >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hog: its workflow task is not retried (pending task %v)", desc.GetPendingWorkflowTask())
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustExecute(t, tq, "quick", &s)
	if err := testClient.TerminateWorkflow(ctx, run.GetID(), "", "done"); err != nil {
		t.Fatal(err)
	}
	base.check(t)
}

// TestHostileAllocationConcurrent runs two workflows that keep allocating
// at the same time: the heap is shared, so neither growth can be told
// apart, and both are stopped once it exceeds a budget each.
func TestHostileAllocationConcurrent(t *testing.T) {
	tq := startWorkerWithLimits(t, worker.Limits{ExecutionTimeout: 30 * time.Second, MemoryBudget: 48 << 20})
	base := takeBaseline(t, tq)
	ctx := context.Background()
	began := time.Now()
	var ids []string
	for range 2 {
		run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "hog")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") })
		ids = append(ids, run.GetID())
	}
	for _, id := range ids {
		if msg := waitRunTaskFailure(t, id).GetMessage(); !strings.Contains(msg, "memory budget") {
			t.Errorf("hog: task failure %q, want the memory budget", msg)
		}
	}
	t.Logf("two hogs at once: both tasks failed after %v", time.Since(began).Round(time.Millisecond))
	for _, id := range ids {
		_ = testClient.TerminateWorkflow(ctx, id, "", "done")
	}
	base.check(t)
}

// runTaskFailure starts wf and returns its first workflow task failure.
func runTaskFailure(t *testing.T, tq, wf string) *failurepb.Failure {
	t.Helper()
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "test done") }()
	return waitRunTaskFailure(t, run.GetID())
}

// waitRunTaskFailure waits for the first workflow task failure of a run
// and returns it; the run must still be open.
func waitRunTaskFailure(t *testing.T, id string) *failurepb.Failure {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if ev := findEvent(ctx, id, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); ev != nil {
			desc, err := testClient.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Fatalf("status %v, want running", st)
			}
			return ev.GetWorkflowTaskFailedEventAttributes().GetFailure()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no workflow task failure")
	return nil
}

// terminateAll terminates the open runs of a task queue's tests.
func terminateAll(t *testing.T, tq string) {
	t.Helper()
	ctx := context.Background()
	resp, err := testClient.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("TaskQueue = %q AND ExecutionStatus = 'Running'", tq)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.GetExecutions() {
		_ = testClient.TerminateWorkflow(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), "done")
	}
}

// baseline is the process's goroutines and live heap when a test's worker
// is warm (it has run a workflow) and idle.
type baseline struct {
	goroutines int
	heap       uint64
}

// The embedded server runs in the test's process too: its goroutines and
// heap move a little on their own.
const (
	goroutineSlack = 25
	heapSlack      = 16 << 20 // below one memory budget of the tests
)

func takeBaseline(t *testing.T, tq string) baseline {
	t.Helper()
	var s string
	mustExecute(t, tq, "quick", &s)
	return readBaseline()
}

func readBaseline() baseline {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return baseline{goroutines: runtime.NumGoroutine(), heap: m.HeapAlloc}
}

// check waits for the process to come back to the baseline, within the
// slack, and fails the test if it does not within 30s.
func (b baseline) check(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		now := readBaseline()
		if now.goroutines <= b.goroutines+goroutineSlack && now.heap <= b.heap+heapSlack {
			t.Logf("back to baseline: %d goroutines (%d before), heap %d MiB (%d MiB before)",
				now.goroutines, b.goroutines, now.heap>>20, b.heap>>20)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("not back to baseline: %d goroutines (%d before), heap %d MiB (%d MiB before)",
				now.goroutines, b.goroutines, now.heap>>20, b.heap>>20)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
