package engine

import (
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
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
	in.pending = append(in.pending, signal{name: input.SignalName, payloads: in.decodeSignal(input.Arg)})
	if in.run != nil {
		in.run.wake()
	}
	return nil
}

// decodeSignal applies the worker's payload codec, if any, to a signal's
// payloads: the Go SDK hands them to interceptors as they came.
func (in *inbound) decodeSignal(ps *commonpb.Payloads) []*commonpb.Payload {
	dc := in.w.opts.DataConverter
	if dc == nil || len(ps.GetPayloads()) == 0 {
		return ps.GetPayloads()
	}
	raws := make([]converter.RawValue, len(ps.GetPayloads()))
	ptrs := make([]any, len(raws))
	for i := range raws {
		ptrs[i] = &raws[i]
	}
	if err := dc.FromPayloads(ps, ptrs...); err != nil {
		return ps.GetPayloads()
	}
	out := make([]*commonpb.Payload, len(raws))
	for i, r := range raws {
		out[i] = r.Payload()
	}
	return out
}
