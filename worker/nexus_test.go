package worker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"
	enumspb "go.temporal.io/api/enums/v1"
	nexuspb "go.temporal.io/api/nexus/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/temporalnexus"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/worker"
)

const nexusTS = "testdata/nexus.ts"

// RunInput is the input of the handler's workflow-run operation.
type RunInput struct {
	ID, Mode, S string
}

// HandlerWorkflow backs the "run" operation: mode "ok" returns, "fail"
// fails, "block" waits until cancelled.
func HandlerWorkflow(ctx workflow.Context, in RunInput) (string, error) {
	switch in.Mode {
	case "fail":
		return "", temporal.NewNonRetryableApplicationError("handler workflow failed", "HandlerFailed", nil)
	case "block":
		ctx.Done().Receive(ctx, nil)
		return "", ctx.Err()
	}
	return "ran " + in.S, nil
}

// testNexusService is the Go Nexus service testdata/nexus.ts calls.
func testNexusService(t *testing.T) *nexus.Service {
	t.Helper()
	svc := nexus.NewService("tsw-test")
	echo := nexus.NewSyncOperation("echo", func(_ context.Context, s string, _ nexus.StartOperationOptions) (string, error) {
		return "echo " + s, nil
	})
	fail := nexus.NewSyncOperation("fail", func(_ context.Context, s string, _ nexus.StartOperationOptions) (string, error) {
		return "", nexus.NewOperationFailedErrorf("operation failed on %s", s)
	})
	run := temporalnexus.NewWorkflowRunOperation("run", HandlerWorkflow,
		func(_ context.Context, in RunInput, _ nexus.StartOperationOptions) (client.StartWorkflowOptions, error) {
			return client.StartWorkflowOptions{ID: in.ID}, nil
		})
	if err := svc.Register(echo, fail, run); err != nil {
		t.Fatal(err)
	}
	return svc
}

// startNexusWorker starts a tsworker worker for nexus.ts that also
// handles the Nexus service, and an endpoint targeting its task queue.
func startNexusWorker(t *testing.T) (tq, endpoint string) {
	t.Helper()
	tq = fmt.Sprintf("nexus-%d", queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: nexusTS})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterNexusService(testNexusService(t))
	w.RegisterActivity(Echo)
	w.GoWorker().RegisterWorkflow(HandlerWorkflow)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	endpoint = "ep-" + tq
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = testClient.OperatorService().CreateNexusEndpoint(ctx, &operatorservice.CreateNexusEndpointRequest{Spec: &nexuspb.EndpointSpec{
		Name: endpoint,
		Target: &nexuspb.EndpointTarget{Variant: &nexuspb.EndpointTarget_Worker_{
			Worker: &nexuspb.EndpointTarget_Worker{Namespace: "default", TaskQueue: tq},
		}},
	}})
	if err != nil {
		t.Fatalf("create nexus endpoint: %v", err)
	}
	return tq, endpoint
}

func TestNexus(t *testing.T) {
	tq, ep := startNexusWorker(t)
	for _, tc := range []struct {
		name     string
		workflow string
		args     []any
		check    func(t *testing.T, got map[string]any)
	}{
		{"sync", "nexusSync", []any{ep, "hi"}, func(t *testing.T, got map[string]any) {
			want := map[string]any{"service": "tsw-test", "operation": "echo", "token": "", "result": "echo hi", "byDefinition": "echo hi!"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		}},
		{"async", "nexusAsync", []any{ep, "x"}, func(t *testing.T, got map[string]any) {
			want := map[string]any{"hasToken": true, "result": "ran x"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		}},
		{"sync failure", "nexusFailure", []any{ep, "fail"}, func(t *testing.T, got map[string]any) {
			checkNexusFailure(t, got, ep, "fail", false)
			if c, _ := got["cause"].(map[string]any); c == nil || c["message"] != "operation failed on x" {
				t.Errorf("cause: got %v, want the handler's message", got["cause"])
			}
		}},
		{"async failure", "nexusFailure", []any{ep, "run"}, func(t *testing.T, got map[string]any) {
			checkNexusFailure(t, got, ep, "run", true)
			c, _ := got["cause"].(map[string]any)
			if c == nil || c["application"] != true || c["message"] != "handler workflow failed" {
				t.Errorf("cause: got %v, want the handler workflow's ApplicationFailure", got["cause"])
			}
		}},
		{"timeout", "nexusTimeout", []any{ep}, func(t *testing.T, got map[string]any) {
			// Whether the operation started before it timed out depends
			// on timing: the token is not checked.
			got["hasToken"] = true
			checkNexusFailure(t, got, ep, "run", true)
			c, _ := got["cause"].(map[string]any)
			if c == nil || c["timeout"] != true || c["timeoutType"] != "SCHEDULE_TO_CLOSE" {
				t.Errorf("cause: got %v, want a SCHEDULE_TO_CLOSE TimeoutFailure", got["cause"])
			}
		}},
		{"cancel before start", "nexusCancelBeforeStart", []any{ep}, func(t *testing.T, got map[string]any) {
			// Never scheduled: a NexusOperationFailure without a token
			// around a CancelledFailure, as the TypeScript SDK's core.
			checkNexusFailure(t, got, ep, "echo", false)
			if c, _ := got["cause"].(map[string]any); c == nil || c["cancelled"] != true {
				t.Errorf("cause: got %v, want a CancelledFailure", got["cause"])
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]any
			mustExecute(t, tq, tc.workflow, &got, tc.args...)
			tc.check(t, got)
		})
	}
	for _, ct := range []string{"WAIT_CANCELLATION_COMPLETED", "WAIT_CANCELLATION_REQUESTED", "TRY_CANCEL", "ABANDON"} {
		t.Run("cancel "+ct, func(t *testing.T) {
			var got map[string]any
			mustExecute(t, tq, "nexusCancel", &got, ep, ct)
			checkNexusFailure(t, got, ep, "run", true)
			if c, _ := got["cause"].(map[string]any); c == nil || c["cancelled"] != true {
				t.Errorf("cause: got %v, want a CancelledFailure", got["cause"])
			}
		})
	}
}

// TestNexusCommands checks what a workflow's Nexus calls put in history.
func TestNexusCommands(t *testing.T) {
	tq, ep := startNexusWorker(t)
	t.Run("order", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "nexusCommandOrder", ep)
		if err != nil {
			t.Fatal(err)
		}
		var got []any
		if err := run.Get(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if want := []any{"a", "echo n1", nil, "ran n2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("result: got %v, want %v", got, want)
		}
		var order []string
		it := testClient.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED, enumspb.EVENT_TYPE_TIMER_STARTED:
				order = append(order, e.GetEventType().String())
			}
		}
		want := []string{"ActivityTaskScheduled", "NexusOperationScheduled", "TimerStarted", "NexusOperationScheduled"}
		if !reflect.DeepEqual(order, want) {
			t.Errorf("commands: got %v, want %v", order, want)
		}
	})
	t.Run("unknown operation", func(t *testing.T) {
		var got map[string]any
		mustExecute(t, tq, "nexusUnknownOperation", &got, ep)
		checkNexusFailure(t, got, ep, "", false)
		c, _ := got["cause"].(map[string]any)
		if c == nil || c["name"] != "HandlerError" || c["type"] != "NOT_FOUND" || c["retryable"] != false || c["nexus"] != false || c["isError"] != true {
			t.Errorf("cause: got %v, want nexus-rpc's HandlerError NOT_FOUND", got["cause"])
		}
	})
}

func checkNexusFailure(t *testing.T, got map[string]any, ep, op string, token bool) {
	t.Helper()
	if got["nexus"] != true || got["endpoint"] != ep || got["service"] != "tsw-test" || got["operation"] != op {
		t.Errorf("got %v, want a NexusOperationFailure of %s/tsw-test/%s", got, ep, op)
	}
	if got["hasToken"] != token {
		t.Errorf("operationToken set: got %v, want %v", got["hasToken"], token)
	}
}

// TestNexusReplay replays a history with a Nexus operation: against the
// same code, and against code that calls another operation, which the
// report names with the JS line.
func TestNexusReplay(t *testing.T) {
	tq, ep := startNexusWorker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "nexusSync", ep, "r")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	h := fetchOne(t, run.GetID(), run.GetRunID())
	if r := worker.ReplayHistories(ctx, loadWorkflows(t, nexusTS), h); !r[0].OK() {
		t.Fatalf("replay against the same code: %v", r[0].Err)
	}
	changed := filepath.Join(t.TempDir(), "workflows.ts")
	src := `import * as wf from '@temporalio/workflow';
const service = { name: 'tsw-test', operations: { echo: { name: 'echo' }, run: { name: 'run' } } };
export async function nexusSync(endpoint: string, s: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return client.executeOperation('run', s);
}
`
	if err := os.WriteFile(changed, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := worker.ReplayHistories(ctx, loadWorkflows(t, changed), h)
	var re *worker.ReplayError
	if !errors.As(r[0].Err, &re) || !re.Nondeterministic {
		t.Fatalf("replay against changed code: got %v, want a nondeterminism ReplayError", r[0].Err)
	}
	for _, want := range []string{"starts Nexus operation tsw-test/run", "workflows.ts:5:", "tsw-test/echo"} {
		if !strings.Contains(re.Reason, want) {
			t.Errorf("reason %q does not say %q", re.Reason, want)
		}
	}
}
