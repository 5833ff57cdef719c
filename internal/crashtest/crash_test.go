package crashtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
)

// state is the workflows' state: the result of steps and the answer of
// their state query.
type state struct {
	Steps []string `json:"steps"`
	Added []int    `json:"added"`
}

// expected is the state a steps workflow must end with.
func expected(id, steps int, signals []int) state {
	s := state{Added: signals}
	for i := range steps {
		s.Steps = append(s.Steps, stepResult(id, i))
	}
	return s
}

// isPrefix reports whether got could be an earlier moment of want.
func (got state) isPrefix(want state) bool {
	return len(got.Steps) <= len(want.Steps) && slices.Equal(got.Steps, want.Steps[:len(got.Steps)]) &&
		len(got.Added) <= len(want.Added) && slices.Equal(got.Added, want.Added[:len(got.Added)])
}

// stepsRun returns the distinct "id step" pairs a worker process ran.
func stepsRun(p *workerProcess) map[string]bool {
	out := map[string]bool{}
	for _, m := range p.find("step ") {
		f := strings.Fields(m)
		out[f[1]+" "+f[2]] = true
	}
	return out
}

// workflowsStepped counts the workflows that ran at least one step on p.
func workflowsStepped(p *workerProcess) int {
	ids := map[string]bool{}
	for _, m := range p.find("step ") {
		ids[strings.Fields(m)[1]] = true
	}
	return len(ids)
}

// TestKillMidFlightLosesNothing kills a worker process with SIGKILL while
// 50 workflows run activities and timers, sends signals while no worker
// runs, and starts a new worker process: every workflow ends with exactly
// the result it would have had without the crash, every signal handled
// once and in order, and runs whose cached state died with the process
// answer queries after replay.
func TestKillMidFlightLosesNothing(t *testing.T) {
	c, hostPort := server(t)
	tq := taskQueue(t)
	const n, steps = 50, 5
	// Three signals per workflow, in an order the result must keep.
	signals := func(id int) []int { return []int{id*3 + 7, 100 - id, id % 4} }
	ctx := context.Background()

	w1 := startWorkerProcess(t, hostPort, tq, 5*time.Second)
	runs := make([]client.WorkflowRun, n)
	for i := range n {
		var err error
		runs[i], err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:        fmt.Sprintf("%s-%d", tq, i),
			TaskQueue: tq,
			// A task that dies with the worker is retried after this.
			WorkflowTaskTimeout: 5 * time.Second,
		}, "steps", i, steps, len(signals(i)))
		if err != nil {
			t.Fatalf("start workflow %d: %v", i, err)
		}
	}

	// In the middle: every workflow has run a step, and on average two.
	w1.waitFor(90*time.Second, "every workflow to run a step", func() bool {
		return workflowsStepped(w1) == n && w1.count("step ") >= 2*n
	})
	for i, r := range runs {
		if err := c.SignalWorkflow(ctx, r.GetID(), "", "add", signals(i)[0]); err != nil {
			t.Fatalf("signal %d: %v", i, err)
		}
	}
	w1.waitFor(90*time.Second, "two and a half steps per workflow", func() bool { return w1.count("step ") >= n*steps/2 })
	w1.kill()
	before := stepsRun(w1)
	t.Logf("killed the worker process after %d of %d steps", len(before), n*steps)

	// The other signals arrive while no worker runs.
	for i, r := range runs {
		for _, v := range signals(i)[1:] {
			if err := c.SignalWorkflow(ctx, r.GetID(), "", "add", v); err != nil {
				t.Fatalf("signal %d: %v", i, err)
			}
		}
	}

	w2 := startWorkerProcess(t, hostPort, tq, 5*time.Second)
	// Queries are not spent waiting for the process to start.
	w2.waitFor(60*time.Second, "the new worker process to start", func() bool { return w2.count("ready") > 0 })
	// Nothing is cached in the new process: it replays a run to answer.
	for _, i := range []int{0, n / 2, n - 1} {
		got := queryState(t, c, runs[i].GetID())
		if want := expected(i, steps, signals(i)); !got.isPrefix(want) {
			t.Errorf("workflow %d: state query after the restart %+v is not a moment of %+v", i, got, want)
		}
	}

	for i, r := range runs {
		rctx, cancel := context.WithTimeout(ctx, 120*time.Second)
		var got state
		err := r.Get(rctx, &got)
		cancel()
		if err != nil {
			t.Fatalf("workflow %d: %v", i, err)
		}
		if want := expected(i, steps, signals(i)); !reflect.DeepEqual(got, want) {
			t.Errorf("workflow %d:\n got %+v\nwant %+v", i, got, want)
		}
	}

	// A closed run answers queries too, replayed from its whole history.
	for _, i := range []int{1, n - 2} {
		if got, want := queryState(t, c, runs[i].GetID()), expected(i, steps, signals(i)); !reflect.DeepEqual(got, want) {
			t.Errorf("workflow %d: state query after completion %+v, want %+v", i, got, want)
		}
	}

	// Each history holds each step, timer and signal once, and no task
	// failed: replay after the crash made the same commands.
	for i, r := range runs {
		evs := history(t, c, r.GetID())
		k := countTypes(evs)
		for typ, want := range map[enumspb.EventType]int{
			enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:             steps,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:             steps,
			enumspb.EVENT_TYPE_TIMER_STARTED:                       steps,
			enumspb.EVENT_TYPE_TIMER_FIRED:                         steps,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:         len(signals(i)),
			enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:                0,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:        1,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:                0,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: 0,
		} {
			if k[typ] != want {
				t.Errorf("workflow %d: %d %s events, want %d", i, k[typ], typ, want)
			}
		}
	}

	// The new process finished what the killed one left.
	after := stepsRun(w2)
	all := map[string]bool{}
	for k := range before {
		all[k] = true
	}
	for k := range after {
		all[k] = true
	}
	if len(after) == 0 || len(all) != n*steps {
		t.Errorf("steps run: %d before the kill, %d after, %d distinct; want some after and %d in all", len(before), len(after), len(all), n*steps)
	}
	redone, retried := 0, 0
	for k := range after {
		if before[k] {
			redone++
		}
	}
	for _, m := range w2.find("step ") {
		if f := strings.Fields(m); f[3] != "1" {
			retried++
		}
	}
	// Steps whose completion died with the process run again: activities
	// are at least once. Never more than the steps that were in flight.
	t.Logf("steps run after the restart: %d (%d of them again, %d retried attempts)", len(after), redone, retried)
	if redone > n {
		t.Errorf("%d steps ran again after the restart; at most one per workflow was in flight", redone)
	}
	if code := w2.terminate(30 * time.Second); code != 0 {
		t.Errorf("worker process exited %d after SIGTERM", code)
	}
}

// queryState returns the answer of a run's state query. After a worker
// process dies, a query can wait longer than one call may last: the Go SDK
// ends each call after at most 10s, whatever the context's deadline, and
// does not retry a call that ran out of time (it fails with "context
// deadline exceeded", or "RST_STREAM CANCEL" when the server's end of the
// stream gives up first). A query on a run with a pending workflow task
// waits for that task; a task scheduled on the sticky queue of the dead
// worker moves to the normal queue only after the sticky schedule-to-start
// timeout (at least 10s by default), and a task the dead worker had started
// is retried after the workflow task timeout. A query on an idle run goes
// to the dead worker's sticky queue itself and waits as long, then the
// server clears the run's stickiness. So a query that ran out of time is
// asked again until the new worker answers, for at most two minutes; any
// other error fails at once.
func queryState(t *testing.T, c client.Client, id string) state {
	t.Helper()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		// Above 20s the SDK still gives the call 10s.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		v, err := c.QueryWorkflow(ctx, id, "", "state")
		cancel()
		if err == nil {
			var s state
			if err := v.Get(&s); err != nil {
				t.Fatalf("query %s: decode: %v", id, err)
			}
			return s
		}
		switch code := serviceerror.ToStatus(err).Code(); {
		case code != codes.DeadlineExceeded && code != codes.Canceled:
			t.Fatalf("query %s: %v", id, err)
		case time.Since(start) > 2*time.Minute:
			t.Fatalf("query %s: no answer after %d attempts in %v; the last: %v", id, attempt, time.Since(start).Round(time.Second), err)
		}
		t.Logf("query %s: attempt %d ran out of time after %v (%v); asking again", id, attempt, time.Since(start).Round(time.Millisecond), err)
	}
}

// TestSigtermDrainsRunningActivity sends SIGTERM to a worker process while
// a heartbeating Go activity runs that needs 1.5s more once the worker
// begins stopping. With a 5s graceful stop timeout the activity finishes
// uncancelled, its result is recorded, the process exits 0, and the
// workflow completes on the next worker with that result, the activity not
// run again.
func TestSigtermDrainsRunningActivity(t *testing.T) {
	c, hostPort := server(t)
	tq := taskQueue(t)
	ctx := context.Background()
	w1 := startWorkerProcess(t, hostPort, tq, 5*time.Second)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "drain", 1500)
	if err != nil {
		t.Fatal(err)
	}
	w1.waitFor(60*time.Second, "the activity to start", func() bool { return w1.count("slow-start") > 0 })
	if code := w1.terminate(60 * time.Second); code != 0 {
		t.Fatalf("worker process exited %d after SIGTERM", code)
	}
	if got := w1.find("slow-"); !reflect.DeepEqual(got, []string{"slow-start 1", "slow-stop-seen", "slow-done canceled=false"}) {
		t.Fatalf("activity on the stopping worker: %q; want it to start, see the worker stop and finish uncancelled", got)
	}
	if w1.count("stopped") != 1 {
		t.Fatal("worker.Run did not return after SIGTERM")
	}

	// The result was recorded before the process exited.
	k := countTypes(history(t, c, run.GetID()))
	if k[enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED] != 1 {
		t.Fatalf("after the process exited: %d activity completions in history, want 1", k[enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED])
	}
	desc, err := c.DescribeWorkflowExecution(ctx, run.GetID(), "")
	if err != nil {
		t.Fatal(err)
	}
	// The Go SDK stops polling workflow tasks before it drains activities,
	// so the task that follows the activity waits for the next worker.
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("workflow %s after the drained worker exited, want it running until the next worker", st)
	}

	w2 := startWorkerProcess(t, hostPort, tq, 5*time.Second)
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var res SlowResult
	if err := run.Get(rctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Attempt != 1 || res.Canceled || !res.StopSeen || res.Beats == 0 {
		t.Fatalf("activity result %+v; want attempt 1, not cancelled, worker stop seen, heartbeats", res)
	}
	if n := w2.count("slow-start"); n != 0 {
		t.Fatalf("the activity ran %d more times on the new worker", n)
	}
	evs := history(t, c, run.GetID())
	k = countTypes(evs)
	for typ, want := range map[enumspb.EventType]int{
		enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: 1,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:   1,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: 1,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:    0,
	} {
		if k[typ] != want {
			t.Errorf("%d %s events, want %d", k[typ], typ, want)
		}
	}
	var lastTask string
	for _, ev := range evs {
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() != 1 {
			t.Errorf("activity started with attempt %d, want 1", a.GetAttempt())
		}
		if a := ev.GetWorkflowTaskStartedEventAttributes(); a != nil {
			lastTask = a.GetIdentity()
		}
	}
	// The Go SDK's identity of a worker starts with its process id.
	if want := fmt.Sprintf("%d@", w2.cmd.Process.Pid); !strings.HasPrefix(lastTask, want) {
		t.Errorf("the last workflow task ran on %q, want the new worker process (%s...)", lastTask, want)
	}
	if code := w2.terminate(30 * time.Second); code != 0 {
		t.Errorf("second worker process exited %d after SIGTERM", code)
	}
}
