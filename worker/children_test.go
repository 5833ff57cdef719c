package worker_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/worker"
)

const childrenTS = "testdata/children.ts"

// GoChild is a native Go SDK workflow a JS parent runs as a child.
func GoChild(ctx workflow.Context, s string) (string, error) { return "go child got " + s, nil }

// GoParent is a native Go SDK workflow with a JS child.
func GoParent(ctx workflow.Context) (string, error) {
	var out string
	err := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{}), "child", "from go").Get(ctx, &out)
	return out, err
}

var localAttempts = map[string]int{}

func FlakyLocal(ctx context.Context, key string, failures int) (int, error) {
	localAttempts[key]++
	if localAttempts[key] <= failures {
		return 0, fmt.Errorf("local attempt %d failed", localAttempts[key])
	}
	return localAttempts[key], nil
}

func FailLocal(context.Context) error {
	return temporal.NewApplicationError("local broke", "LocalError")
}

func startMixedWorker(t *testing.T) string {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: childrenTS})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivity(FlakyLocal)
	w.RegisterActivity(FailLocal)
	sw := sdkWorkerOf(w)
	sw.RegisterWorkflowWithOptions(GoChild, workflow.RegisterOptions{Name: "GoChild"})
	sw.RegisterWorkflowWithOptions(GoParent, workflow.RegisterOptions{Name: "GoParent"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return tq
}

func sdkWorkerOf(w *worker.Worker) sdkworker.Worker { return w.GoWorker() }

func TestChildWorkflows(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq, ID: "parent-" + tq}, "parent")
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	id := run.GetID()
	want := []any{
		fmt.Sprintf("child a of %s root %s", id, id),
		id + "-w", "poked hello",
		"go child got from js",
		map[string]any{"cls": "ChildWorkflowFailure", "message": "Child Workflow execution failed", "workflowType": "failingChild",
			"retryState": "RETRY_POLICY_NOT_SET", "cause": "child broke", "causeType": "ChildError"},
		"already started: true",
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got  %v\nwant %v", out, want)
	}
	var s string
	mustExecute(t, tq, "GoParent", &s)
	if !strings.HasPrefix(s, "child from go of ") {
		t.Fatalf("Go parent, JS child: %q", s)
	}
}

func TestParentClosePolicies(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	ctx := context.Background()
	for policy, want := range map[string]enumspb.WorkflowExecutionStatus{
		"ABANDON":   enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
		"TERMINATE": enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED,
	} {
		var childID string
		mustExecute(t, tq, "parentClose", &childID, policy)
		deadline := time.Now().Add(10 * time.Second)
		var st enumspb.WorkflowExecutionStatus
		for time.Now().Before(deadline) {
			d, err := testClient.DescribeWorkflowExecution(ctx, childID, "")
			if err != nil {
				t.Fatal(err)
			}
			if st = d.GetWorkflowExecutionInfo().GetStatus(); st == want {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if st != want {
			t.Errorf("%s: child status %v, want %v", policy, st, want)
		}
		_ = testClient.TerminateWorkflow(ctx, childID, "", "test done")
	}
}

func TestChildCancelledWithScope(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	var out map[string]any
	mustExecute(t, tq, "cancelChild", &out)
	if out["cls"] != "ChildWorkflowFailure" || out["isCancellation"] != true || out["cause"] != "CancelledFailure" {
		t.Fatalf("got %v", out)
	}
}

func TestExternalWorkflows(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	ctx := context.Background()
	target, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "waitingChild")
	if err != nil {
		t.Fatal(err)
	}
	mustExecute(t, tq, "signalExternal", nil, target.GetID())
	var s string
	if err := target.Get(ctx, &s); err != nil || s != "poked external" {
		t.Fatalf("signalled: %q %v", s, err)
	}
	target, err = testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "waitingChild")
	if err != nil {
		t.Fatal(err)
	}
	mustExecute(t, tq, "cancelExternal", nil, target.GetID())
	var ce *temporal.CanceledError
	if err := target.Get(ctx, &s); !errorsAs(err, &ce) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestContinueAsNew(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	var out map[string]any
	mustExecute(t, tq, "countdown", &out, 3)
	if out["runs"] != float64(4) || out["distinct"] != float64(4) || out["historyLength"] != true || out["suggested"] != false {
		t.Fatalf("got %v", out)
	}
	var s string
	mustExecute(t, tq, "canToOther", &s)
	if !strings.HasPrefix(s, "child via continue-as-new") {
		t.Fatalf("got %q", s)
	}
}

func TestLocalActivities(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	ctx := context.Background()
	// A workflow task timeout of 1s: the 2s retry backoff is longer, so the
	// retry waits on a durable timer.
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq, WorkflowTaskTimeout: time.Second}, "localActs")
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	want := []any{float64(2), map[string]any{"cls": "ApplicationFailure", "message": "local broke", "type": "LocalError"}}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v want %v", out, want)
	}
	if n := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_TIMER_STARTED); n != 1 {
		t.Fatalf("%d timers, want 1 for the long retry backoff", n)
	}
}

func TestSearchAttributesAndMemo(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "searchAttrs")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	found := false
	for !found && time.Now().Before(deadline) {
		resp, err := testClient.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "CustomKeywordField = 'tsworker-sa' AND CustomIntField = 42",
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetExecutions() {
			found = found || e.GetExecution().GetWorkflowId() == run.GetID()
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !found {
		t.Fatal("workflow not found by its upserted search attributes")
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "poke", "x"); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"sa":      map[string]any{"CustomKeywordField": []any{"tsworker-sa"}, "CustomIntField": []any{float64(42)}},
		"memo":    map[string]any{"note": map[string]any{"z": float64(1), "a": float64(2)}},
		"details": "working on it",
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v want %v", out, want)
	}
}

func TestSetTimeout(t *testing.T) {
	t.Parallel()
	tq := startMixedWorker(t)
	var out []string
	mustExecute(t, tq, "timers", &out)
	if !reflect.DeepEqual(out, []string{"fired"}) {
		t.Fatalf("got %v", out)
	}
}
