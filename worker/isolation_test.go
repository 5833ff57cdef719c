package worker_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// isolationReport is the report of testdata/isolation.ts's workflows.
type isolationReport struct {
	Names, Before, After, Resumed, Refused []string
	Total                                  int
}

// TestRunIsolation checks that one run's changes to built-ins, prototypes,
// function names and lengths, globals, module state and the workflow
// module's objects are invisible to every other run on the worker: to a
// run of the same workflow type and one of another type started while the
// tainted run sits in the cache, and to runs started after it completed.
func TestRunIsolation(t *testing.T) {
	_, tq := startWorker(t, "testdata/isolation.ts")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	tainted := startTaint(ctx, t, tq)
	a := queryReport(ctx, t, tainted)
	if len(a.Before) != 0 {
		t.Fatalf("the first run sees changed values before changing any: %v", a.Before)
	}
	if a.Total < 30 || len(a.Names) != a.Total {
		t.Fatalf("only %d checks ran", a.Total)
	}
	// Every change must take, or the check that should see it proves
	// nothing; a change may only be refused by the module's own objects.
	for _, name := range a.Names {
		took := slices.Contains(a.After, name)
		refused := slices.ContainsFunc(a.Refused, func(r string) bool { return strings.HasPrefix(r, name+": ") })
		if took == refused {
			t.Errorf("change %q: took %v, refused %v (refused: %v)", name, took, refused, a.Refused)
		}
	}
	for _, r := range a.Refused {
		t.Logf("refused: %s", r)
	}

	// Another run of the same type, also kept in the cache, and a run of
	// another type, while the tainted run is cached.
	same := startTaint(ctx, t, tq)
	if b := queryReport(ctx, t, same); len(b.Before) != 0 {
		t.Errorf("a run of the same type sees the other run's changes: %v", b.Before)
	}
	if o := executeObserve(ctx, t, tq); len(o.Before)+len(o.After) != 0 {
		t.Errorf("a run of another type sees the tainted run's changes: before %v, after a timer %v", o.Before, o.After)
	}

	// The tainted run keeps its own changes across tasks.
	a = releaseReport(ctx, t, tainted)
	if !reflect.DeepEqual(a.Resumed, a.After) {
		t.Errorf("the tainted run lost changes across a task: after %v, resumed %v", a.After, a.Resumed)
	}
	if b := releaseReport(ctx, t, same); len(b.Before) != 0 || !reflect.DeepEqual(b.Resumed, b.After) {
		t.Errorf("second run: before %v, after %v, resumed %v", b.Before, b.After, b.Resumed)
	}

	// Runs after both completed see nothing of them either.
	if o := executeObserve(ctx, t, tq); len(o.Before)+len(o.After) != 0 {
		t.Errorf("a later run sees earlier runs' changes: before %v, after %v", o.Before, o.After)
	}
	again := startTaint(ctx, t, tq)
	if c := queryReport(ctx, t, again); len(c.Before) != 0 {
		t.Errorf("a later run of the same type sees earlier runs' changes: %v", c.Before)
	}
	releaseReport(ctx, t, again)
}

func startTaint(ctx context.Context, t *testing.T, tq string) client.WorkflowRun {
	t.Helper()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "taint")
	if err != nil {
		t.Fatalf("start taint: %v", err)
	}
	return run
}

// queryReport asks a taint run for its report once its first task is done.
func queryReport(ctx context.Context, t *testing.T, run client.WorkflowRun) isolationReport {
	t.Helper()
	var rep isolationReport
	for {
		v, err := testClient.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "report")
		if err == nil {
			if err := v.Get(&rep); err != nil {
				t.Fatalf("report: %v", err)
			}
			if rep.Total > 0 {
				return rep
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("query report of %s: %v", run.GetID(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func releaseReport(ctx context.Context, t *testing.T, run client.WorkflowRun) isolationReport {
	t.Helper()
	if err := testClient.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "release", nil); err != nil {
		t.Fatalf("signal release: %v", err)
	}
	var rep isolationReport
	if err := run.Get(ctx, &rep); err != nil {
		t.Fatalf("taint %s: %v", run.GetID(), err)
	}
	return rep
}

func executeObserve(ctx context.Context, t *testing.T, tq string) isolationReport {
	t.Helper()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "observe")
	if err != nil {
		t.Fatalf("start observe: %v", err)
	}
	var rep isolationReport
	if err := run.Get(ctx, &rep); err != nil {
		t.Fatalf("observe: %v", err)
	}
	if rep.Total == 0 || slices.Contains(rep.Before, "") {
		t.Fatalf("observe ran no checks: %+v", rep)
	}
	return rep
}
