package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	nexuspb "go.temporal.io/api/nexus/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/temporalnexus"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The Nexus endpoint both runtimes' workflows call (testdata/nexus.ts), and
// the task queue of the Go worker that handles its service.
const (
	nexusEndpoint = "conformance-nexus"
	nexusQueue    = "conformance-nexus"
)

// NexusRunInput is the input of the "run" operation.
type NexusRunInput struct {
	ID, Mode, S string
}

// NexusHandlerWorkflow backs the "run" operation: mode "ok" returns,
// "fail" fails, "block" waits until cancelled, "delay" too but takes a
// second to accept its cancellation (so that the caller sees the cancel
// request completed well before the operation).
func NexusHandlerWorkflow(ctx workflow.Context, in NexusRunInput) (string, error) {
	switch in.Mode {
	case "fail":
		return "", temporal.NewNonRetryableApplicationError("handler workflow failed", "HandlerFailed", nil, "hd")
	case "block", "delay":
		ctx.Done().Receive(ctx, nil)
		if in.Mode == "delay" {
			dc, _ := workflow.NewDisconnectedContext(ctx)
			_ = workflow.Sleep(dc, time.Second)
		}
		return "", ctx.Err()
	}
	return "ran " + in.S, nil
}

// nexusService is the Go service of the endpoint: "echo" completes
// synchronously, "headers" too with the request's Nexus headers whose names
// start with "icpt-", "fail" fails as an operation, "bad" rejects the
// request (a handler error), "run" is a workflow run.
func nexusService() (*nexus.Service, error) {
	svc := nexus.NewService("conformance")
	echo := nexus.NewSyncOperation("echo", func(_ context.Context, in any, _ nexus.StartOperationOptions) (any, error) {
		return map[string]any{"echo": in}, nil
	})
	headers := nexus.NewSyncOperation("headers", func(_ context.Context, _ any, o nexus.StartOperationOptions) (map[string]string, error) {
		out := map[string]string{}
		for k, v := range o.Header {
			if k = strings.ToLower(k); strings.HasPrefix(k, "icpt-") {
				out[k] = v
			}
		}
		return out, nil
	})
	fail := nexus.NewSyncOperation("fail", func(_ context.Context, s string, _ nexus.StartOperationOptions) (string, error) {
		return "", nexus.NewOperationFailedErrorf("operation failed on %s", s)
	})
	bad := nexus.NewSyncOperation("bad", func(_ context.Context, s string, _ nexus.StartOperationOptions) (string, error) {
		return "", nexus.NewHandlerErrorf(nexus.HandlerErrorTypeBadRequest, "bad input %s", s)
	})
	run := temporalnexus.NewWorkflowRunOperation("run", NexusHandlerWorkflow,
		func(_ context.Context, in NexusRunInput, _ nexus.StartOperationOptions) (client.StartWorkflowOptions, error) {
			return client.StartWorkflowOptions{ID: in.ID}, nil
		})
	runNoCancel := refuseCancel{temporalnexus.NewWorkflowRunOperation("runNoCancel", NexusHandlerWorkflow,
		func(_ context.Context, in NexusRunInput, _ nexus.StartOperationOptions) (client.StartWorkflowOptions, error) {
			return client.StartWorkflowOptions{ID: in.ID}, nil
		})}
	return svc, svc.Register(echo, headers, fail, bad, run, runNoCancel)
}

// refuseCancel is a workflow-run operation whose handler refuses to cancel.
type refuseCancel struct {
	nexus.Operation[NexusRunInput, string]
}

func (refuseCancel) Cancel(context.Context, string, nexus.CancelOperationOptions) error {
	return nexus.NewHandlerErrorf(nexus.HandlerErrorTypeNotImplemented, "cancel refused")
}

// startNexusHandler starts the Go worker of the Nexus service and creates
// the endpoint that targets it.
func startNexusHandler(ctx context.Context, c client.Client) (stop func(), err error) {
	svc, err := nexusService()
	if err != nil {
		return nil, fmt.Errorf("conformance: nexus service: %w", err)
	}
	w := sdkworker.New(c, nexusQueue, sdkworker.Options{})
	w.RegisterNexusService(svc)
	w.RegisterWorkflow(NexusHandlerWorkflow)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("conformance: start the Nexus handler worker: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_, err = c.OperatorService().CreateNexusEndpoint(ctx, &operatorservice.CreateNexusEndpointRequest{Spec: &nexuspb.EndpointSpec{
		Name: nexusEndpoint,
		Target: &nexuspb.EndpointTarget{Variant: &nexuspb.EndpointTarget_Worker_{
			Worker: &nexuspb.EndpointTarget_Worker{Namespace: "default", TaskQueue: nexusQueue},
		}},
	}})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		w.Stop()
		return nil, fmt.Errorf("conformance: create the Nexus endpoint: %w", err)
	}
	return w.Stop, nil
}

func TestNexus(t *testing.T) {
	cancelWhenStarted := func(workflowType string, args ...any) func(d *driver) {
		return func(d *driver) {
			d.start(workflowType, args...)
			if d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
				return e.GetEventType() == enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED
			}) == nil {
				d.obs.add("operation started", "not within the wait")
			}
			d.cancel()
			d.result()
		}
	}
	runCases(t, []tcase{
		{"nexusSync", run("nexusSync")},
		{"nexusAsync", run("nexusAsync")},
		{"nexusOperationFails", run("nexusOperationFails")},
		{"nexusHandlerError", run("nexusHandlerError")},
		{"nexusAsyncFails", run("nexusAsyncFails")},
		{"nexusTimeout", run("nexusTimeout")},
		{"nexusCancelWaitCompleted", run("nexusCancelScope", "WAIT_CANCELLATION_COMPLETED")},
		{"nexusCancelWaitRequested", run("nexusCancelScope", "WAIT_CANCELLATION_REQUESTED")},
		{"nexusCancelTry", run("nexusCancelScope", "TRY_CANCEL")},
		{"nexusCancelAbandon", run("nexusCancelScope", "ABANDON")},
		{"nexusCancelRequestFails", run("nexusCancelScope", "WAIT_CANCELLATION_REQUESTED", "runNoCancel")},
		{"nexusCancelBeforeStart", run("nexusCancelBeforeStart")},
		{"nexusInCancelledScope", run("nexusInCancelledScope")},
		{"nexusWorkflowCancelled", cancelWhenStarted("nexusWorkflowCancelled")},
		{"nexusUnknownOperation", run("nexusUnknownOperation")},
	})
}
