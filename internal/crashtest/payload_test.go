package crashtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/worker"
)

// The shared server's blob size limits, far below the defaults (2 MiB,
// warning at 512 KiB) so the tests move little data. Workers learn the
// error limit from the namespace when they start.
const (
	blobLimit     = 256 << 10
	blobLimitWarn = 64 << 10
)

var payloadLimits = map[string]any{
	"limit.blobSize.error": blobLimit,
	"limit.blobSize.warn":  blobLimitWarn,
}

const payloadWorkflows = "testdata/payload.ts"

// EchoLength returns the length of s.
func EchoLength(_ context.Context, s string) (int, error) { return len(s), nil }

// startPayloadWorker starts a worker of the payload workflows on c.
func startPayloadWorker(t *testing.T, c client.Client, tq string) {
	t.Helper()
	w, err := worker.New(c, tq, worker.Options{Workflows: payloadWorkflows})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivity(EchoLength)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// TestPayloadOverBlobLimit runs workflows that put a value over the
// namespace's blob size limit into a command: as their result, as an
// activity's input and as a child's input. As on the TypeScript SDK (whose
// core checks the same limit), the worker fails the workflow task itself
// with cause PAYLOADS_TOO_LARGE and the "[TMPRL1103] ... exceeded the error
// limit" message instead of sending the command, and the run stays
// running, its task retried, so that fixed code can be deployed; the
// server would terminate it. A start whose argument is over the limit is
// refused. The worker goes on serving: a normal workflow completes on it
// while those runs' tasks are being retried.
func TestPayloadOverBlobLimit(t *testing.T) {
	c, _ := server(t)
	tq := taskQueue(t)
	startPayloadWorker(t, c, tq)
	ctx := context.Background()
	parent := t
	for _, wf := range []string{"bigResult", "bigActivityInput", "bigChildInput"} {
		t.Run(wf, func(t *testing.T) {
			run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf, blobLimit+1000)
			if err != nil {
				t.Fatal(err)
			}
			// The run stays, its task retried, while the worker serves
			// the normal workflow at the end.
			parent.Cleanup(func() { terminate(parent, c, run.GetID()) })
			ev := waitTaskFailed(t, c, run.GetID())
			a := ev.GetWorkflowTaskFailedEventAttributes()
			if got, want := a.GetCause(), enumspb.WORKFLOW_TASK_FAILED_CAUSE_PAYLOADS_TOO_LARGE; got != want {
				t.Errorf("task failed with cause %s, want %s (%s)", got, want, a.GetFailure().GetMessage())
			}
			if msg := a.GetFailure().GetMessage(); !strings.Contains(msg, "[TMPRL1103]") || !strings.Contains(msg, "exceeded the error limit") {
				t.Errorf("task failure message %q, want the payload size limit's", msg)
			}
			k := countTypes(history(t, c, run.GetID()))
			for _, typ := range []enumspb.EventType{
				enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
				enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
				enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
				enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
			} {
				if k[typ] != 0 {
					t.Errorf("%d %s events; the command over the limit must not reach the server", k[typ], typ)
				}
			}
			d, err := c.DescribeWorkflowExecution(ctx, run.GetID(), "")
			if err != nil {
				t.Fatal(err)
			}
			if st := d.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Errorf("run is %s after the failed task, want it running (its task retried)", st)
			}
		})
	}
	t.Run("start", func(t *testing.T) {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "lengthOf", strings.Repeat("a", blobLimit+10))
		var invalid *serviceerror.InvalidArgument
		if !errors.As(err, &invalid) || !strings.Contains(err.Error(), "size exceeds limit") {
			t.Fatalf("start with an argument over the limit: %v; want InvalidArgument about the size limit", err)
		}
	})
	t.Run("signal", func(t *testing.T) {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "steps", 0, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer terminate(t, c, run.GetID())
		err = c.SignalWorkflow(ctx, run.GetID(), "", "add", strings.Repeat("b", blobLimit+10))
		var invalid *serviceerror.InvalidArgument
		if !errors.As(err, &invalid) || !strings.Contains(err.Error(), "size exceeds limit") {
			t.Fatalf("signal with an argument over the limit: %v; want InvalidArgument about the size limit", err)
		}
	})
	t.Run("after", func(t *testing.T) { runSmall(t, c, tq) })
}

// TestCompletionOverGRPCLimit runs a workflow whose result fits the blob
// size limit but not the worker's gRPC message limit (set low on its
// client, with a result that compresses poorly): the completion cannot be
// sent, the worker fails the task with cause GRPC_MESSAGE_TOO_LARGE (the Go
// SDK does it; the TypeScript SDK's core does the same), and the server
// ends the run on that cause: it records the task failure itself and
// terminates the run with reason GrpcMessageTooLarge. Nothing hangs, and
// the worker goes on serving.
func TestCompletionOverGRPCLimit(t *testing.T) {
	sc, hostPort := server(t)
	c, err := client.Dial(client.Options{
		HostPort:          hostPort,
		Logger:            quietLogger{},
		ConnectionOptions: client.ConnectionOptions{MaxPayloadSize: blobLimit / 8},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := taskQueue(t)
	startPayloadWorker(t, c, tq)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := sc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "noisyResult", blobLimit*3/4)
	if err != nil {
		t.Fatal(err)
	}
	var terr *temporal.TerminatedError
	if err := run.Get(ctx, nil); !errors.As(err, &terr) {
		t.Fatalf("workflow ended with %v, want it terminated", err)
	}
	var failed, terminated *historypb.HistoryEvent
	for _, ev := range history(t, sc, run.GetID()) {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			failed = ev
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
			terminated = ev
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
			t.Error("the workflow completed: its completion reached the server")
		}
	}
	if failed == nil || terminated == nil || terminated.GetEventId() != failed.GetEventId()+1 {
		t.Fatalf("want a workflow task failure followed by the termination; task failed: %v, terminated: %v", failed, terminated)
	}
	if got := terminated.GetWorkflowExecutionTerminatedEventAttributes().GetReason(); got != "GrpcMessageTooLarge" {
		t.Errorf("terminated with reason %q, want GrpcMessageTooLarge", got)
	}
	runSmall(t, sc, tq)
}

// waitTaskFailed waits for a run's first WorkflowTaskFailed event.
func waitTaskFailed(t *testing.T, c client.Client, id string) *historypb.HistoryEvent {
	t.Helper()
	var failed *historypb.HistoryEvent
	waitFor(t, 60*time.Second, "the workflow task to fail", func() bool {
		for _, ev := range history(t, c, id) {
			if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED {
				failed = ev
				return true
			}
		}
		return false
	})
	return failed
}

// runSmall runs a normal workflow on tq and checks its result.
func runSmall(t *testing.T, c client.Client, tq string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "small", "hello")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := run.Get(ctx, &n); err != nil || n != 5 {
		t.Fatalf("normal workflow after the failures: %d, %v; want 5", n, err)
	}
}

func terminate(t *testing.T, c client.Client, id string) {
	t.Helper()
	if err := c.TerminateWorkflow(context.Background(), id, "", "test done"); err != nil {
		t.Errorf("terminate %s: %v", id, err)
	}
}
