package worker_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/worker"
)

const cancelTS = "testdata/cancel.ts"

// cancelActs are Go activities whose view of cancellation the tests check.
type cancelActs struct {
	mu      sync.Mutex
	seen    map[string]string // kind -> how the heartbeater ended
	flakies atomic.Int32
	panicks atomic.Int32
	running chan string // the kind of each Heartbeater, as it starts
}

func (a *cancelActs) Heartbeater(ctx context.Context, kind string) (string, error) {
	select {
	case a.running <- kind:
	default: // nobody waits for it
	}
	end := time.After(2500 * time.Millisecond)
	if kind == "WORKFLOW" {
		end = time.After(20 * time.Second)
	}
	for {
		activity.RecordHeartbeat(ctx, "beat")
		select {
		case <-ctx.Done():
			a.record(kind, "cancelled")
			return "", ctx.Err()
		case <-end:
			a.record(kind, "finished")
			return "finished", nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (a *cancelActs) record(kind, how string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen[kind] = how
}

func (a *cancelActs) ended(t *testing.T, kind string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		a.mu.Lock()
		how := a.seen[kind]
		a.mu.Unlock()
		if how != "" {
			return how
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "still running"
}

func (a *cancelActs) Cleanup(context.Context) (string, error) { return "ok", nil }

// Flaky fails the first `failures` attempts (-1: a non-retryable type).
func (a *cancelActs) Flaky(ctx context.Context, failures int) (int, error) {
	n := int(activity.GetInfo(ctx).Attempt)
	if failures < 0 {
		return 0, temporal.NewApplicationError("fatal", "Fatal")
	}
	if n <= failures {
		return 0, fmt.Errorf("attempt %d failed", n)
	}
	return n, nil
}

func (a *cancelActs) Slow(ctx context.Context, ms int) error {
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-ctx.Done():
	}
	return nil
}

func (a *cancelActs) Panics(context.Context) error {
	a.panicks.Add(1)
	panic("kaboom")
}

func (a *cancelActs) FailWithDetails(context.Context) error {
	return temporal.NewApplicationErrorWithOptions("with details", "MyType", temporal.ApplicationErrorOptions{
		Details: []any{map[string]int{"code": 42}, "two"},
		Cause:   errors.New("root cause"),
	})
}

func newCancelActs() *cancelActs {
	return &cancelActs{seen: map[string]string{}, running: make(chan string, 16)}
}

// waitRunning waits until a Heartbeater of kind runs. (The history cannot
// tell: the server writes ActivityTaskStarted only when the attempt ends.)
func (a *cancelActs) waitRunning(t *testing.T, kind string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case k := <-a.running:
			if k == kind {
				return
			}
		case <-timeout:
			t.Fatalf("no %s activity started", kind)
		}
	}
}

func TestCancellationScopes(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, cancelTS)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "scopes")
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	cancelled := func(msg string) map[string]any {
		return map[string]any{"cls": "CancelledFailure", "name": "CancelledFailure", "message": msg, "details": []any{}, "isCancellation": true}
	}
	want := []any{
		cancelled("Cancellation scope cancelled"),
		cancelled("Cancellation scope cancelled"),
		"inner:CancelledFailure:true",
		"shielded done",
		"requested:Cancellation scope cancelled",
		"dead:Cancellation scope cancelled",
		"trigger:true",
		"condition:true",
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got  %v\nwant %v", out, want)
	}
	// The timers cancelled before firing left no TimerFired behind: only the
	// 100ms shielded sleep and the 50ms/10ms/10ms scope timeouts fired.
	if n := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_TIMER_FIRED); n != 4 {
		t.Fatalf("%d timers fired, want 4", n)
	}
}

func TestActivityCancellationTypes(t *testing.T) {
	t.Parallel()
	acts := newCancelActs()
	_, tq := startWorker(t, cancelTS, acts)
	ctx := context.Background()
	for _, kind := range []string{"TRY_CANCEL", "WAIT_CANCELLATION_COMPLETED", "ABANDON"} {
		t.Run(kind, func(t *testing.T) {
			run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "cancelActivity", kind)
			if err != nil {
				t.Fatal(err)
			}
			var out map[string]any
			if err := run.Get(ctx, &out); err != nil {
				t.Fatal(err)
			}
			if out["cls"] != "ActivityFailure" || out["message"] != "Activity cancelled" || out["retryState"] != "CANCEL_REQUESTED" ||
				out["isCancellation"] != true {
				t.Fatalf("workflow saw %v", out)
			}
			if c, _ := out["cause"].(map[string]any); c["cls"] != "CancelledFailure" {
				t.Fatalf("cause: %v", out["cause"])
			}
			how := acts.ended(t, kind)
			requested := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
			canceled := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
			switch kind {
			case "TRY_CANCEL":
				if how != "cancelled" || requested != 1 {
					t.Fatalf("activity %s, %d cancel requests", how, requested)
				}
			case "WAIT_CANCELLATION_COMPLETED":
				// The workflow waited for the activity to confirm.
				if how != "cancelled" || requested != 1 || canceled != 1 {
					t.Fatalf("activity %s, %d cancel requests, %d cancelled", how, requested, canceled)
				}
			case "ABANDON":
				if how != "finished" || requested != 0 {
					t.Fatalf("activity %s, %d cancel requests", how, requested)
				}
			}
		})
	}
}

func TestWorkflowCancelledFromClient(t *testing.T) {
	t.Parallel()
	acts := newCancelActs()
	_, tq := startWorker(t, cancelTS, acts)
	ctx := context.Background()
	for _, rethrow := range []bool{true, false} {
		run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "cancelledByClient", rethrow)
		if err != nil {
			t.Fatal(err)
		}
		acts.waitRunning(t, "WORKFLOW")
		if err := testClient.CancelWorkflow(ctx, run.GetID(), ""); err != nil {
			t.Fatal(err)
		}
		var out string
		err = run.Get(ctx, &out)
		if rethrow {
			var ce *temporal.CanceledError
			if !errors.As(err, &ce) {
				t.Fatalf("want the run cancelled, got %v / %q", err, out)
			}
		} else if err != nil || out != "cleaned up: ok" {
			t.Fatalf("got %q, %v", out, err)
		}
		// The cleanup activity ran in its non-cancellable scope.
		if n := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED); n != 1 {
			t.Fatalf("%d activities completed, want the cleanup", n)
		}
	}
}

func TestFailureShapesAndRetries(t *testing.T) {
	t.Parallel()
	acts := newCancelActs()
	_, tq := startWorker(t, cancelTS, acts)
	var out []any
	mustExecute(t, tq, "failures", &out)
	if len(out) != 6 {
		t.Fatalf("got %d results: %v", len(out), out)
	}
	if out[0] != float64(3) {
		t.Errorf("flaky(2): %v, want success on attempt 3", out[0])
	}
	check := func(i int, path string, want any) {
		t.Helper()
		var v any = out[i]
		for _, k := range splitPath(path) {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("result %d %s: got %#v want %#v (whole: %v)", i, path, v, want, out[i])
		}
	}
	check(1, "cls", "ActivityFailure")
	check(1, "message", "Activity task failed")
	check(1, "retryState", "MAXIMUM_ATTEMPTS_REACHED")
	check(1, "cause.cls", "ApplicationFailure")
	check(1, "cause.message", "attempt 3 failed")
	check(1, "cause.nonRetryable", false)
	check(2, "retryState", "NON_RETRYABLE_FAILURE")
	check(2, "cause.type", "Fatal")
	check(3, "message", "Activity task timed out")
	check(3, "retryState", "MAXIMUM_ATTEMPTS_REACHED")
	check(3, "cause.cls", "TimeoutFailure")
	check(3, "cause.timeoutType", "START_TO_CLOSE")
	check(4, "cause.cls", "ApplicationFailure")
	check(4, "cause.message", "kaboom")
	check(4, "cause.type", "PanicError")
	check(5, "cause.type", "MyType")
	check(5, "cause.message", "with details")
	check(5, "cause.details", []any{map[string]any{"code": float64(42)}, "two"})
	check(5, "cause.cause.message", "root cause")
	if n := acts.panicks.Load(); n != 1 {
		t.Errorf("panicking activity ran %d times, want 1 (maximumAttempts 1)", n)
	}
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

func TestThrowNullFailsTask(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, cancelTS)
	msg := waitTaskFailure(t, tq, "throwsNull")
	// As the TypeScript SDK words a thrown value that is not an Error.
	if msg != "null [A non-Error value was thrown from your code. We recommend throwing Error objects so that we can provide a stack trace]" {
		t.Fatalf("task failure: %q", msg)
	}
}

func TestFailureErrorTypes(t *testing.T) {
	t.Parallel()
	// By default a plain error fails the task...
	_, tq := startWorker(t, cancelTS)
	if msg := waitTaskFailure(t, tq, "throwsCustom"); msg == "" {
		t.Fatal("no task failure")
	}
	// ...unless the workflow opts in with setWorkflowOptions...
	app := applicationError(t, execute(t, tq, "throwsCustomOpted", nil))
	if app.Message() != "opted in" || app.Type() != "SubError" {
		t.Fatalf("got %v (type %s)", app, app.Type())
	}
	// ...or the worker lists the class (a base class matches subclasses).
	tq2 := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq2, worker.Options{Workflows: cancelTS, WorkflowFailureErrorTypes: []string{"CustomError"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	app = applicationError(t, execute(t, tq2, "throwsCustom", nil))
	if app.Message() != "custom failure" || app.Type() != "SubError" {
		t.Fatalf("got %v (type %s)", app, app.Type())
	}
}
