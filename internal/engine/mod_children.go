package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// childrenModule: child workflows and handles to external workflows.
var childrenModule = module{name: "children", exports: exports{
	"startChild":     func(r *run) any { return children{r}.startChild },
	"externalHandle": func(r *run) any { return children{r}.externalHandle },
}}

// children starts child workflows and makes workflow handles; it has no
// state of its own.
type children struct{ *run }

// startChild backs startChild(type, options): it resolves with a handle once
// the child has started.
func (r children) startChild(c goja.FunctionCall) goja.Value {
	r.requireContext("startChild")
	r.requireWritable("startChild")
	wfType := c.Argument(0).String()
	o, _ := c.Argument(1).(*goja.Object)
	if o == nil {
		o = r.vm.NewObject()
	}
	opts, ct, err := r.childOptions(o)
	if err != nil {
		panic(r.vm.NewTypeError("startChild %s: %v", wfType, err))
	}
	args, err := r.payloadArgs(o.Get("args"))
	if err != nil {
		panic(r.vm.NewTypeError("startChild %s: %v", wfType, err))
	}
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	ctx := sc.ctx
	abandon := ct == childAbandon
	if abandon {
		ctx, _ = workflow.NewDisconnectedContext(ctx)
	}
	started, resolveStart, rejectStart := r.vm.NewPromise()
	result, resolveResult, rejectResult := r.vm.NewPromise()
	r.markHandled(r.vm.ToValue(result))
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(r.withOutHeaders(ctx), opts), wfType, args...)
	settled := false
	// Under TRY_CANCEL and ABANDON the result rejects as soon as the scope
	// is cancelled, with the failure of a cancelled child once it started;
	// the Go SDK's child future, which TRY_CANCEL still cancels, settles
	// only when the child closes. The other types wait for that.
	var exec *workflow.Execution
	if ct == childTryCancel || abandon {
		sc.onCancel(func(reason goja.Value) {
			if settled || (exec == nil && !abandon) {
				return
			}
			settled = true
			if exec == nil {
				_ = rejectStart(reason)
				_ = rejectResult(reason)
				return
			}
			_ = rejectResult(r.childCancelledFailure(*exec, wfType))
		})
	}
	r.await(f.GetChildWorkflowExecution(), func(sf workflow.Future) {
		var we workflow.Execution
		if err := sf.Get(r.ctx, &we); err != nil {
			if !settled {
				settled = true
				_ = rejectStart(r.childStartError(err, opts.WorkflowID, wfType))
			}
			return
		}
		exec = &we
		h := r.vm.NewObject()
		_ = h.Set("workflowId", we.ID)
		_ = h.Set("firstExecutionRunId", we.RunID)
		_ = h.Set("result", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(result) })
		_ = h.Set("signal", func(c goja.FunctionCall) goja.Value {
			name, args := r.signalArgs("ChildWorkflowHandle.signal", c)
			return r.futureToPromise(f.SignalChildWorkflow(r.signalContext(), name, args), nil, signalNotFound)
		})
		_ = resolveStart(h)
		if ct == childTryCancel && sc.consideredCancelled() && !settled {
			// Cancelled while starting: the Go SDK requests the child's
			// cancellation now.
			settled = true
			_ = rejectResult(r.childCancelledFailure(we, wfType))
		}
		r.await(f, func(f workflow.Future) {
			if settled {
				return
			}
			settled = true
			var raw converter.RawValue
			if err := f.Get(r.ctx, &raw); err != nil {
				_ = rejectResult(r.toJSError(err))
				return
			}
			_ = resolveResult(r.payloadToJS(raw.Payload()))
		})
	})
	return r.vm.ToValue(started)
}

// childStartError maps a failed child start: an ID already in use is the
// TypeScript SDK's WorkflowExecutionAlreadyStartedError.
func (r children) childStartError(err error, id, wfType string) goja.Value {
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &already) && r.ensureClasses().alreadyStarted != nil {
		v, e := r.vm.New(r.classes.alreadyStarted, r.vm.ToValue("Workflow execution already started"), r.vm.ToValue(id), r.vm.ToValue(wfType))
		if e == nil {
			return v
		}
	}
	return r.toJSError(err)
}

// childCancelledFailure is the failure a child's result rejects with when
// its scope is cancelled under TRY_CANCEL or ABANDON, before the child
// closes, as the TypeScript SDK makes it (without the child's event IDs,
// which the Go SDK does not tell before the child closes).
func (r children) childCancelledFailure(exec workflow.Execution, wfType string) goja.Value {
	f := &failurepb.Failure{
		Message: "Child Workflow execution cancelled",
		FailureInfo: &failurepb.Failure_ChildWorkflowExecutionFailureInfo{ChildWorkflowExecutionFailureInfo: &failurepb.ChildWorkflowExecutionFailureInfo{
			Namespace:         workflow.GetInfo(r.ctx).Namespace,
			WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: exec.ID, RunId: exec.RunID},
			WorkflowType:      &commonpb.WorkflowType{Name: wfType},
			RetryState:        enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE,
		}},
		Cause: &failurepb.Failure{FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}}},
	}
	return r.failureToJS(f, f)
}

// childCancellation is a child's ChildWorkflowCancellationType as the Go SDK
// runs it.
type childCancellation int

const (
	// childWaitCompleted (WAIT_CANCELLATION_COMPLETED, the default, and
	// WAIT_CANCELLATION_REQUESTED): the result settles when the child
	// closes.
	childWaitCompleted childCancellation = iota
	// childTryCancel: the child's cancellation is requested and the result
	// rejects at once.
	childTryCancel
	// childAbandon: the child is not cancelled and the result rejects at
	// once.
	childAbandon
)

func (r children) childOptions(o *goja.Object) (workflow.ChildWorkflowOptions, childCancellation, error) {
	var opts workflow.ChildWorkflowOptions
	var err error
	opts.WorkflowID = str2(o.Get("workflowId"))
	if opts.WorkflowID == "" {
		opts.WorkflowID = r.uuid4()
	}
	opts.TaskQueue = str2(o.Get("taskQueue"))
	opts.CronSchedule = str2(o.Get("cronSchedule"))
	for _, f := range []struct {
		key string
		dst *time.Duration
	}{
		{"workflowExecutionTimeout", &opts.WorkflowExecutionTimeout},
		{"workflowRunTimeout", &opts.WorkflowRunTimeout},
		{"workflowTaskTimeout", &opts.WorkflowTaskTimeout},
	} {
		if *f.dst, err = optDuration(o, f.key); err != nil {
			return opts, 0, err
		}
	}
	if opts.RetryPolicy, err = r.retryPolicy(o.Get("retry")); err != nil {
		return opts, 0, fmt.Errorf("retry: %w", err)
	}
	ct := childWaitCompleted
	switch s := str2(o.Get("cancellationType")); s {
	case "", "WAIT_CANCELLATION_COMPLETED", "WAIT_CANCELLATION_REQUESTED":
		// The TypeScript SDK's WAIT_CANCELLATION_REQUESTED also settles the
		// result when the child closes (measured by the conformance suite).
		opts.WaitForCancellation = true
	case "TRY_CANCEL":
		ct = childTryCancel
	case "ABANDON":
		ct = childAbandon
	default:
		return opts, 0, fmt.Errorf("unknown cancellationType %q", s)
	}
	switch p := str2(o.Get("parentClosePolicy")); p {
	case "", "TERMINATE", "PARENT_CLOSE_POLICY_TERMINATE":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_TERMINATE
	case "ABANDON", "PARENT_CLOSE_POLICY_ABANDON":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_ABANDON
	case "REQUEST_CANCEL", "PARENT_CLOSE_POLICY_REQUEST_CANCEL":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL
	default:
		return opts, 0, fmt.Errorf("unknown parentClosePolicy %q", p)
	}
	switch p := str2(o.Get("workflowIdReusePolicy")); p {
	case "":
	case "ALLOW_DUPLICATE", "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE":
		opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	case "ALLOW_DUPLICATE_FAILED_ONLY", "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY":
		opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
	case "REJECT_DUPLICATE", "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE":
		opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	default:
		return opts, 0, fmt.Errorf("unknown workflowIdReusePolicy %q", p)
	}
	if m, ok := o.Get("memo").(*goja.Object); ok {
		if opts.Memo, err = r.rawMap(m); err != nil {
			return opts, 0, fmt.Errorf("memo: %w", err)
		}
	}
	if sa, ok := o.Get("searchAttributes").(*goja.Object); ok {
		opts.SearchAttributes = r.searchAttributeMap(sa)
	}
	return opts, ct, nil
}

// signalArgs reads (def | name, ...args) of a signal to another workflow:
// its name and its arguments, each converted by the run's payload converter.
func (r children) signalArgs(api string, c goja.FunctionCall) (string, signalArgList) {
	r.requireWritable(api)
	name := ""
	if o, ok := c.Argument(0).(*goja.Object); ok && str2(o.Get("name")) != "" {
		name = str2(o.Get("name"))
	} else {
		name = c.Argument(0).String()
	}
	var args signalArgList
	if len(c.Arguments) > 1 {
		args = make(signalArgList, 0, len(c.Arguments)-1)
		for _, v := range c.Arguments[1:] {
			p, err := r.rt.ToPayload(v)
			if err != nil {
				panic(r.vm.NewTypeError("%s: %v", api, err))
			}
			args = append(args, p)
		}
	}
	return name, args
}

// signalContext is the context of a signal the workflow sends: the current
// scope's, with the outbound headers and signalArgsConverter as its data
// converter. The Go SDK's SignalExternalWorkflow and SignalChildWorkflow
// take one argument, which they encode with the context's data converter;
// through signalArgsConverter that one signalArgList becomes the input of
// 0..n payloads that the TypeScript SDK sends.
func (r children) signalContext() workflow.Context {
	dc := r.w.opts.DataConverter
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	return workflow.WithDataConverter(r.withOutHeaders(r.cur.scope.ctx), signalArgsConverter{dc})
}

// signalArgList is the arguments of a signal the workflow sends, as the
// payloads the run's payload converter made of them.
type signalArgList []*commonpb.Payload

// signalArgsConverter is the worker's data converter, except that it makes
// a signalArgList given as the only value into one payload per argument,
// each passed through the worker's converter as a single raw value (a
// payload codec encodes it). No arguments make no input, as the TypeScript
// SDK sends.
type signalArgsConverter struct{ converter.DataConverter }

// ToPayloads implements converter.DataConverter.
func (c signalArgsConverter) ToPayloads(values ...any) (*commonpb.Payloads, error) {
	var args signalArgList
	ok := len(values) == 1
	if ok {
		args, ok = values[0].(signalArgList)
	}
	if !ok {
		return c.DataConverter.ToPayloads(values...)
	}
	if len(args) == 0 {
		return nil, nil
	}
	out := &commonpb.Payloads{Payloads: make([]*commonpb.Payload, 0, len(args))}
	for i, p := range args {
		enc, err := c.DataConverter.ToPayload(converter.NewRawValue(p))
		if err != nil {
			return nil, fmt.Errorf("signal argument %d: %w", i, err)
		}
		out.Payloads = append(out.Payloads, enc)
	}
	return out, nil
}

// WithSerializationContext implements
// converter.DataConverterWithSerializationContext: the context goes to the
// worker's converter.
func (c signalArgsConverter) WithSerializationContext(sc converter.SerializationContext) converter.DataConverter {
	return signalArgsConverter{converter.WithDataConverterSerializationContext(c.DataConverter, sc)}
}

// WithWorkflowContext implements converter.ContextAware for a worker's
// converter that is.
func (c signalArgsConverter) WithWorkflowContext(ctx converter.WorkflowContext) converter.DataConverter {
	if ca, ok := c.DataConverter.(converter.ContextAware); ok {
		return signalArgsConverter{ca.WithWorkflowContext(ctx)}
	}
	return c
}

// WithContext implements converter.ContextAware for a worker's converter
// that is.
func (c signalArgsConverter) WithContext(ctx context.Context) converter.DataConverter {
	if ca, ok := c.DataConverter.(converter.ContextAware); ok {
		return signalArgsConverter{ca.WithContext(ctx)}
	}
	return c
}

// futureToPromise turns a Go SDK future into a JS promise, with onValue
// producing the resolved value (undefined when nil). notFound is the message
// of the failure when the workflow addressed does not exist.
func (r children) futureToPromise(f workflow.Future, onValue func() goja.Value, notFound string) goja.Value {
	p, resolve, reject := r.vm.NewPromise()
	r.await(f, func(f workflow.Future) {
		if err := f.Get(r.ctx, nil); err != nil {
			var unknown *temporal.UnknownExternalWorkflowExecutionError
			if notFound != "" && errors.As(err, &unknown) {
				// The failure the TypeScript SDK's core makes.
				nf := &failurepb.Failure{Message: notFound, FailureInfo: &failurepb.Failure_ApplicationFailureInfo{
					ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "ExternalWorkflowExecutionNotFound"}}}
				_ = reject(r.failureToJS(nf, nf))
				return
			}
			_ = reject(r.toJSError(err))
			return
		}
		if onValue != nil {
			_ = resolve(onValue())
		} else {
			_ = resolve(goja.Undefined())
		}
	})
	return r.vm.ToValue(p)
}

// signalNotFound is the message of the failure of a signal to a workflow
// that does not exist, as the TypeScript SDK's core words it.
const signalNotFound = "Unable to signal external workflow because it was not found"

func (r children) externalHandle(c goja.FunctionCall) goja.Value {
	r.requireContext("getExternalWorkflowHandle")
	id := c.Argument(0).String()
	runID := ""
	if v := c.Argument(1); !goja.IsUndefined(v) && !goja.IsNull(v) {
		runID = v.String()
	}
	h := r.vm.NewObject()
	_ = h.Set("workflowId", id)
	if runID != "" {
		_ = h.Set("runId", runID)
	}
	_ = h.Set("signal", func(c goja.FunctionCall) goja.Value {
		name, args := r.signalArgs("ExternalWorkflowHandle.signal", c)
		return r.futureToPromise(workflow.SignalExternalWorkflow(r.signalContext(), id, runID, name, args), nil, signalNotFound)
	})
	_ = h.Set("cancel", func(goja.FunctionCall) goja.Value {
		r.requireWritable("ExternalWorkflowHandle.cancel")
		return r.futureToPromise(workflow.RequestCancelExternalWorkflow(r.cur.scope.ctx, id, runID), nil,
			"Unable to cancel external workflow because not found")
	})
	return h
}
