package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/dop251/goja"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// ---- child workflows -----------------------------------------------------

// startChild backs startChild(type, options): it resolves with a handle once
// the child has started.
func (r *run) startChild(c goja.FunctionCall) goja.Value {
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
	f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, opts), wfType, args...)
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
			return r.futureToPromise(f.SignalChildWorkflow(r.cur.scope.ctx, name, arg), nil)
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
func (r *run) childStartError(err error, id, wfType string) goja.Value {
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &already) && r.ensureClasses().alreadyStarted != nil {
		v, e := r.vm.New(r.classes.alreadyStarted, r.vm.ToValue("Workflow execution already started"), r.vm.ToValue(id), r.vm.ToValue(wfType))
		if e == nil {
			return v
		}
	}
	return r.toJSError(err)
}

func (r *run) childOptions(o *goja.Object) (workflow.ChildWorkflowOptions, bool, error) {
	var opts workflow.ChildWorkflowOptions
	var err error
	opts.WorkflowID = str2(o.Get("workflowId"))
	if opts.WorkflowID == "" {
		opts.WorkflowID = r.rt.UUID4()
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

// rawMap encodes a JS object's values as payloads, keeping them as JS wrote
// them.
func (r *run) rawMap(o *goja.Object) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range o.Keys() {
		p, err := r.rt.ToPayload(o.Get(k))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = converter.NewRawValue(p)
	}
	return out, nil
}

// searchAttributeMap reads the TypeScript SDK's (untyped) search attributes,
// Record<string, value[]>, as the Go SDK's map; single-valued attributes are
// unwrapped from their array.
func (r *run) searchAttributeMap(o *goja.Object) map[string]any {
	out := map[string]any{}
	for _, k := range o.Keys() {
		v := o.Get(k).Export()
		if arr, ok := v.([]any); ok && len(arr) == 1 {
			v = arr[0]
		}
		if t, ok := o.Get(k).Export().(time.Time); ok {
			v = t
		}
		out[k] = v
	}
	return out
}

// signalArgs reads (def | name, ...args) of a signal to another workflow.
// The Go SDK carries one argument in signals it sends.
func (r *run) signalArgs(api string, c goja.FunctionCall) (string, any) {
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
// producing the resolved value (undefined when nil).
func (r *run) futureToPromise(f workflow.Future, onValue func() goja.Value) goja.Value {
	p, resolve, reject := r.vm.NewPromise()
	r.await(f, func(f workflow.Future) {
		if err := f.Get(r.ctx, nil); err != nil {
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

// ---- external workflows --------------------------------------------------

func (r *run) externalHandle(c goja.FunctionCall) goja.Value {
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
		return r.futureToPromise(workflow.SignalExternalWorkflow(r.cur.scope.ctx, id, runID, name, arg), nil)
	})
	_ = h.Set("cancel", func(goja.FunctionCall) goja.Value {
		r.requireWritable("ExternalWorkflowHandle.cancel")
		return r.futureToPromise(workflow.RequestCancelExternalWorkflow(r.cur.scope.ctx, id, runID), nil)
	})
	return h
}

// ---- continue-as-new -----------------------------------------------------

// continueAsNew builds the Go SDK's continue-as-new error for
// makeContinueAsNewFunc(options)(...args); the JS side throws it wrapped in
// a ContinueAsNew error.
func (r *run) continueAsNew(c goja.FunctionCall) goja.Value {
	r.requireContext("continueAsNew")
	r.requireWritable("continueAsNew")
	o, _ := c.Argument(0).(*goja.Object)
	if o == nil {
		o = r.vm.NewObject()
	}
	args, err := r.payloadArgs(c.Argument(1))
	if err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	}
	ctx := r.ctx
	wfType := str2(o.Get("workflowType"))
	if wfType == "" {
		wfType = workflow.GetInfo(ctx).WorkflowType.Name
	}
	if tq := str2(o.Get("taskQueue")); tq != "" {
		ctx = workflow.WithTaskQueue(ctx, tq)
	}
	if d, err := optDuration(o, "workflowRunTimeout"); err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	} else if d > 0 {
		ctx = workflow.WithWorkflowRunTimeout(ctx, d)
	}
	if d, err := optDuration(o, "workflowTaskTimeout"); err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	} else if d > 0 {
		ctx = workflow.WithWorkflowTaskTimeout(ctx, d)
	}
	canErr := workflow.NewContinueAsNewError(ctx, wfType, args...)
	cmd := r.vm.NewObject()
	_ = cmd.Set("workflowType", wfType)
	r.keepGoError(cmd, canErr)
	return cmd
}

// ---- versioning ----------------------------------------------------------

func (r *run) patched(c goja.FunctionCall) goja.Value {
	r.requireContext("patched")
	id := c.Argument(0).String()
	if r.readOnly != "" {
		// Queries may ask, as in the TypeScript SDK; they see the memoized answer.
		return r.vm.ToValue(r.patches[id])
	}
	v := workflow.GetVersion(r.ctx, id, workflow.DefaultVersion, 1) == 1
	if r.patches == nil {
		r.patches = map[string]bool{}
	}
	r.patches[id] = v
	return r.vm.ToValue(v)
}

func (r *run) deprecatePatch(c goja.FunctionCall) goja.Value {
	r.requireContext("deprecatePatch")
	r.requireWritable("deprecatePatch")
	// Runs with or without the marker both take the new code path.
	_ = workflow.GetVersion(r.ctx, c.Argument(0).String(), workflow.DefaultVersion, 1)
	return goja.Undefined()
}

// ---- local activities ----------------------------------------------------

func (r *run) localActivity(c goja.FunctionCall) goja.Value {
	r.requireContext("proxyLocalActivities")
	name := c.Argument(0).String()
	r.requireWritable("local activity " + name)
	o, ok := c.Argument(2).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("proxyLocalActivities: options must be an object"))
	}
	var lo workflow.LocalActivityOptions
	var err error
	if lo.StartToCloseTimeout, err = optDuration(o, "startToCloseTimeout"); err != nil {
		panic(r.vm.NewTypeError("local activity options: %v", err))
	}
	if lo.ScheduleToCloseTimeout, err = optDuration(o, "scheduleToCloseTimeout"); err != nil {
		panic(r.vm.NewTypeError("local activity options: %v", err))
	}
	if lo.StartToCloseTimeout == 0 && lo.ScheduleToCloseTimeout == 0 {
		panic(r.vm.NewTypeError("Required either scheduleToCloseTimeout or startToCloseTimeout"))
	}
	if lo.RetryPolicy, err = r.retryPolicy(o.Get("retry")); err != nil {
		panic(r.vm.NewTypeError("local activity options: retry: %v", err))
	}
	// localRetryThreshold: the Go SDK retries a local activity in the worker
	// while the backoff is at most the workflow task timeout and waits on a
	// durable timer for longer backoffs; that timeout is the threshold.
	if _, err := optDuration(o, "localRetryThreshold"); err != nil {
		panic(r.vm.NewTypeError("local activity options: %v", err))
	}
	args, err := r.payloadArgs(c.Argument(1))
	if err != nil {
		panic(r.vm.NewTypeError("local activity %s: %v", name, err))
	}
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	goArgs, err := r.localArgs(name, args)
	if err != nil {
		panic(r.vm.NewTypeError("local activity %s: %v", name, err))
	}
	p, resolve, reject := r.vm.NewPromise()
	f := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(sc.ctx, lo), name, goArgs...)
	r.await(f, func(f workflow.Future) {
		var raw converter.RawValue
		err := f.Get(r.ctx, &raw)
		switch {
		case err == nil:
			_ = resolve(r.payloadToJS(raw.Payload()))
		case sc.consideredCancelled():
			_ = reject(sc.reason)
		default:
			// The TypeScript SDK rejects with the activity's own failure,
			// not an ActivityFailure around it.
			var actErr *temporal.ActivityError
			if errors.As(err, &actErr) && errors.Unwrap(actErr) != nil {
				err = errors.Unwrap(actErr)
			}
			_ = reject(r.toJSError(err))
		}
	})
	return r.vm.ToValue(p)
}

// localArgs decodes local activity arguments to the parameter types of the
// Go function registered under name. Unknown names (as in a replayer, where
// nothing runs) keep the payloads.
func (r *run) localArgs(name string, args []any) ([]any, error) {
	if r.in == nil || r.in.lookup == nil {
		return args, nil
	}
	fn, ok := r.in.lookup(name)
	if !ok {
		return args, nil
	}
	t := reflect.TypeOf(fn)
	first := 0
	if t.NumIn() > 0 && t.In(0) == contextType {
		first = 1
	}
	n := t.NumIn() - first
	out := make([]any, n)
	dc := converter.GetDefaultDataConverter()
	for i := 0; i < n; i++ {
		pt := t.In(first + i)
		ptr := reflect.New(pt)
		if i < len(args) {
			if err := dc.FromPayload(args[i].(converter.RawValue).Payload(), ptr.Interface()); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i, err)
			}
		}
		out[i] = ptr.Elem().Interface()
	}
	return out, nil
}

var contextType = reflect.TypeOf((*context.Context)(nil)).Elem()

// ---- search attributes, memo, details -----------------------------------

func (r *run) upsertSearchAttributes(c goja.FunctionCall) goja.Value {
	r.requireContext("upsertSearchAttributes")
	r.requireWritable("upsertSearchAttributes")
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("upsertSearchAttributes: expected an object of attribute name to values, or an array of { key, value } updates"))
	}
	if o.ClassName() == "Array" {
		r.upsertTypedSearchAttributes(o)
		return goja.Undefined()
	}
	if err := workflow.UpsertSearchAttributes(r.ctx, r.searchAttributeMap(o)); err != nil {
		panic(r.vm.NewTypeError("upsertSearchAttributes: %v", err))
	}
	return goja.Undefined()
}

// upsertTypedSearchAttributes takes the TypeScript SDK's typed form: an array
// of { key: defineSearchAttributeKey(name, type), value } (value null or
// undefined unsets the attribute).
func (r *run) upsertTypedSearchAttributes(list *goja.Object) {
	n := int(list.Get("length").ToInteger())
	updates := make([]temporal.SearchAttributeUpdate, 0, n)
	for i := 0; i < n; i++ {
		pair, ok := list.Get(fmt.Sprint(i)).(*goja.Object)
		if !ok {
			panic(r.vm.NewTypeError("upsertSearchAttributes: update %d is not a { key, value } object", i))
		}
		key, _ := pair.Get("key").(*goja.Object)
		if key == nil {
			panic(r.vm.NewTypeError("upsertSearchAttributes: update %d has no key; make one with defineSearchAttributeKey", i))
		}
		name, typ := str2(key.Get("name")), str2(key.Get("type"))
		v := pair.Get("value")
		unset := v == nil || goja.IsUndefined(v) || goja.IsNull(v)
		u, err := typedUpdate(name, typ, v, unset)
		if err != nil {
			panic(r.vm.NewTypeError("upsertSearchAttributes: %s: %v", name, err))
		}
		updates = append(updates, u)
	}
	if err := workflow.UpsertTypedSearchAttributes(r.ctx, updates...); err != nil {
		panic(r.vm.NewTypeError("upsertSearchAttributes: %v", err))
	}
}

func typedUpdate(name, typ string, v goja.Value, unset bool) (temporal.SearchAttributeUpdate, error) {
	switch typ {
	case "TEXT":
		k := temporal.NewSearchAttributeKeyString(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.String()), nil
	case "KEYWORD":
		k := temporal.NewSearchAttributeKeyKeyword(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.String()), nil
	case "INT":
		k := temporal.NewSearchAttributeKeyInt64(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToInteger()), nil
	case "DOUBLE":
		k := temporal.NewSearchAttributeKeyFloat64(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToFloat()), nil
	case "BOOL":
		k := temporal.NewSearchAttributeKeyBool(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToBoolean()), nil
	case "DATETIME":
		k := temporal.NewSearchAttributeKeyTime(name)
		if unset {
			return k.ValueUnset(), nil
		}
		t, ok := v.Export().(time.Time)
		if !ok {
			return nil, fmt.Errorf("a DATETIME value must be a Date")
		}
		return k.ValueSet(t), nil
	case "KEYWORD_LIST":
		k := temporal.NewSearchAttributeKeyKeywordList(name)
		if unset {
			return k.ValueUnset(), nil
		}
		var list []string
		for _, x := range v.Export().([]any) {
			list = append(list, fmt.Sprint(x))
		}
		return k.ValueSet(list), nil
	default:
		return nil, fmt.Errorf("unknown search attribute type %q", typ)
	}
}

func (r *run) upsertMemo(c goja.FunctionCall) goja.Value {
	r.requireContext("upsertMemo")
	r.requireWritable("upsertMemo")
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("upsertMemo: expected an object"))
	}
	m, err := r.rawMap(o)
	if err != nil {
		panic(r.vm.NewTypeError("upsertMemo: %v", err))
	}
	if err := workflow.UpsertMemo(r.ctx, m); err != nil {
		panic(r.vm.NewTypeError("upsertMemo: %v", err))
	}
	return goja.Undefined()
}

func (r *run) setCurrentDetails(c goja.FunctionCall) goja.Value {
	r.requireContext("setCurrentDetails")
	workflow.SetCurrentDetails(r.ctx, c.Argument(0).String())
	return goja.Undefined()
}

func (r *run) getCurrentDetails(goja.FunctionCall) goja.Value {
	r.requireContext("getCurrentDetails")
	return r.vm.ToValue(workflow.GetCurrentDetails(r.ctx))
}
