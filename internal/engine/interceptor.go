package engine

import (
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
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
	header   map[string]*commonpb.Payload // for inbound interceptors
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
	// header is the workflow's start header, msgHeader the header of the
	// query or update validation being handled: for inbound interceptors.
	header, msgHeader map[string]*commonpb.Payload
	msgUpdateID       string // the update being validated
}

func (in *inbound) ExecuteWorkflow(ctx workflow.Context, input *interceptor.ExecuteWorkflowInput) (any, error) {
	in.js = in.w.known(workflow.GetInfo(ctx).WorkflowType.Name)
	in.header = interceptor.WorkflowHeader(ctx)
	return in.Next.ExecuteWorkflow(workflow.WithValue(ctx, ctxKey{}, in), input)
}

func (in *inbound) HandleSignal(ctx workflow.Context, input *interceptor.HandleSignalInput) error {
	if !in.js && !in.w.known(workflow.GetInfo(ctx).WorkflowType.Name) {
		return in.Next.HandleSignal(ctx, input)
	}
	in.pending = append(in.pending, signal{name: input.SignalName, payloads: in.decodeSignal(input.Arg), header: interceptor.WorkflowHeader(ctx)})
	if in.run != nil {
		in.run.wake()
	}
	return nil
}

// HandleQuery implements interceptor.WorkflowInboundInterceptor: the
// query's header is kept for the run's inbound interceptors.
func (in *inbound) HandleQuery(ctx workflow.Context, input *interceptor.HandleQueryInput) (any, error) {
	in.msgHeader = interceptor.WorkflowHeader(ctx)
	defer func() { in.msgHeader = nil }()
	return in.Next.HandleQuery(ctx, input)
}

// ValidateUpdate implements interceptor.WorkflowInboundInterceptor: the
// update's header is kept for the run's inbound interceptors.
func (in *inbound) ValidateUpdate(ctx workflow.Context, input *interceptor.UpdateInput) error {
	in.msgHeader = interceptor.WorkflowHeader(ctx)
	if u := workflow.GetCurrentUpdateInfo(ctx); u != nil {
		in.msgUpdateID = u.ID
	}
	defer func() { in.msgHeader, in.msgUpdateID = nil, "" }()
	return in.Next.ValidateUpdate(ctx, input)
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

// Init implements interceptor.WorkflowInboundInterceptor: JS runs see their
// commands through outbound.
func (in *inbound) Init(next interceptor.WorkflowOutboundInterceptor) error {
	out := &outbound{in: in}
	out.Next = next
	return in.Next.Init(out)
}

// outbound sees the commands a run issues. Before each, it sends the
// commands the run's JS asked for before it and the engine holds (see
// hold), so that commands reach history in the order the JS issued them.
type outbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	in *inbound
}

func (o *outbound) flush() {
	if r := o.in.run; r != nil && len(r.held) > 0 {
		r.flushHeld()
	}
}

// addHeaders copies the headers the run's outbound interceptors set for a
// command (see run.withOutHeaders) into the header the Go SDK sends with it.
func (o *outbound) addHeaders(ctx workflow.Context) {
	if r := o.in.run; r == nil || r.icpt == nil {
		return
	}
	m, _ := ctx.Value(jsHeaderKey{}).(map[string]*commonpb.Payload)
	if len(m) == 0 {
		return
	}
	if h := interceptor.WorkflowHeader(ctx); h != nil {
		for k, v := range m {
			h[k] = v
		}
	}
}

func (o *outbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.flush()
	o.addHeaders(ctx)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *outbound) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.flush()
	o.addHeaders(ctx)
	return o.Next.ExecuteLocalActivity(ctx, activityType, args...)
}

func (o *outbound) ExecuteChildWorkflow(ctx workflow.Context, childWorkflowType string, args ...any) workflow.ChildWorkflowFuture {
	o.flush()
	o.addHeaders(ctx)
	return o.Next.ExecuteChildWorkflow(ctx, childWorkflowType, args...)
}

// ExecuteNexusOperation adds the Nexus header the run's
// startNexusOperation interceptors set for the operation (see
// heldNexus.start) to the header the Go SDK sends with it.
func (o *outbound) ExecuteNexusOperation(ctx workflow.Context, input interceptor.ExecuteNexusOperationInput) workflow.NexusOperationFuture {
	o.flush()
	if m, _ := ctx.Value(nexusHeaderKey{}).(map[string]string); len(m) > 0 {
		h := make(nexus.Header, len(input.NexusHeader)+len(m))
		for k, v := range input.NexusHeader {
			h[k] = v
		}
		for k, v := range m {
			h[k] = v
		}
		input.NexusHeader = h
	}
	return o.Next.ExecuteNexusOperation(ctx, input)
}

func (o *outbound) NewTimer(ctx workflow.Context, d time.Duration) workflow.Future {
	o.flush()
	return o.Next.NewTimer(ctx, d)
}

func (o *outbound) NewTimerWithOptions(ctx workflow.Context, d time.Duration, options workflow.TimerOptions) workflow.Future {
	o.flush()
	return o.Next.NewTimerWithOptions(ctx, d, options)
}

func (o *outbound) RequestCancelExternalWorkflow(ctx workflow.Context, workflowID, runID string) workflow.Future {
	o.flush()
	return o.Next.RequestCancelExternalWorkflow(ctx, workflowID, runID)
}

func (o *outbound) SignalExternalWorkflow(ctx workflow.Context, workflowID, runID, signalName string, arg any) workflow.Future {
	o.flush()
	o.addHeaders(ctx)
	return o.Next.SignalExternalWorkflow(ctx, workflowID, runID, signalName, arg)
}

func (o *outbound) SignalChildWorkflow(ctx workflow.Context, workflowID, signalName string, arg any) workflow.Future {
	o.flush()
	o.addHeaders(ctx)
	return o.Next.SignalChildWorkflow(ctx, workflowID, signalName, arg)
}

func (o *outbound) UpsertSearchAttributes(ctx workflow.Context, attributes map[string]any) error {
	o.flush()
	return o.Next.UpsertSearchAttributes(ctx, attributes)
}

func (o *outbound) UpsertTypedSearchAttributes(ctx workflow.Context, attributes ...temporal.SearchAttributeUpdate) error {
	o.flush()
	return o.Next.UpsertTypedSearchAttributes(ctx, attributes...)
}

func (o *outbound) UpsertMemo(ctx workflow.Context, memo map[string]any) error {
	o.flush()
	return o.Next.UpsertMemo(ctx, memo)
}

func (o *outbound) GetVersion(ctx workflow.Context, changeID string, minSupported, maxSupported workflow.Version) workflow.Version {
	o.flush()
	return o.Next.GetVersion(ctx, changeID, minSupported, maxSupported)
}

func (o *outbound) SideEffect(ctx workflow.Context, f func(ctx workflow.Context) any) converter.EncodedValue {
	o.flush()
	return o.Next.SideEffect(ctx, f)
}

func (o *outbound) NewContinueAsNewError(ctx workflow.Context, wfn any, args ...any) error {
	o.addHeaders(ctx)
	return o.Next.NewContinueAsNewError(ctx, wfn, args...)
}
