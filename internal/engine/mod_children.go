package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
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
	opts, abandon, err := r.childOptions(o)
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
	if abandon {
		ctx, _ = workflow.NewDisconnectedContext(ctx)
	}
	started, resolveStart, rejectStart := r.vm.NewPromise()
	result, resolveResult, rejectResult := r.vm.NewPromise()
	r.markHandled(r.vm.ToValue(result))
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(r.withOutHeaders(ctx), opts), wfType, args...)
	settled := false
	if abandon {
		sc.onCancel(func(reason goja.Value) {
			if !settled {
				settled = true
				_ = rejectStart(reason)
				_ = rejectResult(reason)
			}
		})
	}
	r.await(f.GetChildWorkflowExecution(), func(sf workflow.Future) {
		var exec workflow.Execution
		if err := sf.Get(r.ctx, &exec); err != nil {
			if !settled {
				settled = true
				_ = rejectStart(r.childStartError(err, opts.WorkflowID, wfType))
			}
			return
		}
		h := r.vm.NewObject()
		_ = h.Set("workflowId", exec.ID)
		_ = h.Set("firstExecutionRunId", exec.RunID)
		_ = h.Set("result", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(result) })
		_ = h.Set("signal", func(c goja.FunctionCall) goja.Value {
			name, arg := r.signalArgs("ChildWorkflowHandle.signal", c)
			return r.futureToPromise(f.SignalChildWorkflow(r.withOutHeaders(r.cur.scope.ctx), name, arg), nil, signalNotFound)
		})
		_ = resolveStart(h)
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

func (r children) childOptions(o *goja.Object) (workflow.ChildWorkflowOptions, bool, error) {
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
			return opts, false, err
		}
	}
	if opts.RetryPolicy, err = r.retryPolicy(o.Get("retry")); err != nil {
		return opts, false, fmt.Errorf("retry: %w", err)
	}
	abandon := false
	switch ct := str2(o.Get("cancellationType")); ct {
	case "", "WAIT_CANCELLATION_COMPLETED":
		opts.WaitForCancellation = true
	case "TRY_CANCEL", "WAIT_CANCELLATION_REQUESTED":
	case "ABANDON":
		abandon = true
	default:
		return opts, false, fmt.Errorf("unknown cancellationType %q", ct)
	}
	switch p := str2(o.Get("parentClosePolicy")); p {
	case "", "TERMINATE", "PARENT_CLOSE_POLICY_TERMINATE":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_TERMINATE
	case "ABANDON", "PARENT_CLOSE_POLICY_ABANDON":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_ABANDON
	case "REQUEST_CANCEL", "PARENT_CLOSE_POLICY_REQUEST_CANCEL":
		opts.ParentClosePolicy = enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL
	default:
		return opts, false, fmt.Errorf("unknown parentClosePolicy %q", p)
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
		return opts, false, fmt.Errorf("unknown workflowIdReusePolicy %q", p)
	}
	if m, ok := o.Get("memo").(*goja.Object); ok {
		if opts.Memo, err = r.rawMap(m); err != nil {
			return opts, false, fmt.Errorf("memo: %w", err)
		}
	}
	if sa, ok := o.Get("searchAttributes").(*goja.Object); ok {
		opts.SearchAttributes = r.searchAttributeMap(sa)
	}
	return opts, abandon, nil
}

// signalArgs reads (def | name, ...args) of a signal to another workflow.
// The Go SDK carries one argument in signals it sends.
func (r children) signalArgs(api string, c goja.FunctionCall) (string, any) {
	r.requireWritable(api)
	name := ""
	if o, ok := c.Argument(0).(*goja.Object); ok && str2(o.Get("name")) != "" {
		name = str2(o.Get("name"))
	} else {
		name = c.Argument(0).String()
	}
	if len(c.Arguments) > 2 {
		panic(r.vm.NewTypeError("%s: tsworker sends signals to other workflows with at most one argument; wrap several in an object", api))
	}
	var arg any
	if len(c.Arguments) == 2 {
		p, err := r.rt.ToPayload(c.Arguments[1])
		if err != nil {
			panic(r.vm.NewTypeError("%s: %v", api, err))
		}
		arg = converter.NewRawValue(p)
	}
	return name, arg
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
		name, arg := r.signalArgs("ExternalWorkflowHandle.signal", c)
		return r.futureToPromise(workflow.SignalExternalWorkflow(r.withOutHeaders(r.cur.scope.ctx), id, runID, name, arg), nil, signalNotFound)
	})
	_ = h.Set("cancel", func(goja.FunctionCall) goja.Value {
		r.requireWritable("ExternalWorkflowHandle.cancel")
		return r.futureToPromise(workflow.RequestCancelExternalWorkflow(r.cur.scope.ctx, id, runID), nil,
			"Unable to cancel external workflow because not found")
	})
	return h
}
