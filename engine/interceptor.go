package engine

import (
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/workflow"
)

type workerInterceptor struct {
	interceptor.WorkerInterceptorBase
	w      *Workflows
	lookup ActivityLookup
}

func (i *workerInterceptor) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	in := &inbound{w: i.w, lookup: i.lookup}
	in.Next = next
	return in
}

// signal is one delivered signal, kept until a handler takes it.
type signal struct {
	name     string
	payloads []*commonpb.Payload
}

// inbound sees every message of one workflow execution. For JS runs it
// queues signals in history order (the Go SDK hands them over in that order
// across names) until the run's loop picks them up.
type inbound struct {
	interceptor.WorkflowInboundInterceptorBase
	w       *Workflows
	lookup  ActivityLookup
	js      bool
	run     *run
	pending []signal
}

func (in *inbound) ExecuteWorkflow(ctx workflow.Context, input *interceptor.ExecuteWorkflowInput) (any, error) {
	in.js = in.w.known[workflow.GetInfo(ctx).WorkflowType.Name]
	return in.Next.ExecuteWorkflow(workflow.WithValue(ctx, ctxKey{}, in), input)
}

func (in *inbound) HandleSignal(ctx workflow.Context, input *interceptor.HandleSignalInput) error {
	if !in.js && !in.w.known[workflow.GetInfo(ctx).WorkflowType.Name] {
		return in.Next.HandleSignal(ctx, input)
	}
	in.pending = append(in.pending, signal{name: input.SignalName, payloads: input.Arg.GetPayloads()})
	if in.run != nil {
		in.run.wake()
	}
	return nil
}
