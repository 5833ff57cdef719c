package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/wfmodule"
)

// installHost defines the per-run __tsw object the built-in
// @temporalio/workflow module is made of. It holds two functions: fn(name)
// makes the host function called name, cls(name) returns a class of the
// module's classes program (run on first use). Everything is made on demand,
// because every function object costs memory in every cached run, and
// esbuild drops the module's exports that workflow code does not use.
func (r *run) installHost() {
	h := r.vm.NewObject()
	_ = h.Set("fn", r.hostFn)
	_ = h.Set("cls", func(c goja.FunctionCall) goja.Value {
		return r.ensureClasses().obj.Get(c.Argument(0).String())
	})
	_ = r.vm.GlobalObject().DefineDataProperty(wfmodule.HostGlobal, h, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

func (r *run) hostFn(c goja.FunctionCall) goja.Value {
	name := c.Argument(0).String()
	var fn func(goja.FunctionCall) goja.Value
	switch name {
	case "sleep":
		fn = r.sleep
	case "activity":
		fn = r.activity
	case "localActivity":
		fn = r.localActivity
	case "workflowInfo":
		fn = r.workflowInfo
	case "uuid4":
		fn = func(goja.FunctionCall) goja.Value { return r.vm.ToValue(r.rt.UUID4()) }
	case "condition":
		fn = r.condition
	case "setHandler":
		fn = r.setHandler
	case "setDefaultSignalHandler":
		fn = r.setDefaultSignalHandler
	case "currentUpdateInfo":
		fn = r.currentUpdateInfo
	case "allHandlersFinished":
		fn = r.allHandlersFinished
	case "scopeInit":
		fn = r.scopeInit
	case "scopeRun":
		fn = r.scopeRun
	case "scopeCancel":
		fn = r.scopeCancel
	case "scopeCurrent":
		fn = r.scopeCurrent
	case "scopeState":
		fn = r.scopeState
	case "startChild":
		fn = r.startChild
	case "externalHandle":
		fn = r.externalHandle
	case "continueAsNew":
		fn = r.continueAsNew
	case "patched":
		fn = r.patched
	case "deprecatePatch":
		fn = r.deprecatePatch
	case "upsertSearchAttributes":
		fn = r.upsertSearchAttributes
	case "upsertMemo":
		fn = r.upsertMemo
	case "setCurrentDetails":
		fn = r.setCurrentDetails
	case "getCurrentDetails":
		fn = r.getCurrentDetails
	case "inWorkflowContext":
		fn = func(goja.FunctionCall) goja.Value { return r.vm.ToValue(r.ctx != nil) }
	case "log":
		return r.logObject()
	default:
		panic(r.vm.NewTypeError("tsworker has no host function %q", name))
	}
	return r.vm.ToValue(fn)
}

// requireContext throws when a workflow API is used outside a workflow run
// (at the top level of the workflows file).
func (r *run) requireContext(api string) {
	if r.ctx == nil {
		panic(r.vm.NewTypeError("%s() may only be called from a workflow function, not at the top level of the workflows file", api))
	}
}

func (r *run) sleep(c goja.FunctionCall) goja.Value {
	r.requireContext("sleep")
	r.requireWritable("sleep")
	d, err := parseDuration(c.Argument(0))
	if err != nil {
		panic(r.vm.NewTypeError("sleep: %v", err))
	}
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	p, resolve, reject := r.vm.NewPromise()
	r.await(workflow.NewTimer(sc.ctx, sleepDuration(d)), func(f workflow.Future) {
		if err := f.Get(r.ctx, nil); err != nil {
			if sc.consideredCancelled() {
				_ = reject(sc.reason)
			} else {
				_ = reject(r.toJSError(err))
			}
			return
		}
		_ = resolve(goja.Undefined())
	})
	return r.vm.ToValue(p)
}

// sleepDuration follows the TypeScript SDK, which schedules a timer of at
// least 1ms (the Go SDK would complete a zero timer without a command).
func sleepDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return time.Millisecond
	}
	return d
}

// SetTimeout implements setTimeout with a durable timer.
func (r *run) SetTimeout(fn goja.Callable, ms int64, args []goja.Value) int64 {
	r.requireContext("setTimeout")
	r.requireWritable("setTimeout")
	r.timerID++
	id := r.timerID
	ctx, cancel := workflow.WithCancel(r.scopeCtx())
	if r.timers == nil {
		r.timers = map[int64]workflow.CancelFunc{}
	}
	r.timers[id] = cancel
	r.await(workflow.NewTimer(ctx, sleepDuration(time.Duration(ms)*time.Millisecond)), func(f workflow.Future) {
		if _, live := r.timers[id]; !live {
			return
		}
		delete(r.timers, id)
		if f.Get(r.ctx, nil) != nil {
			return
		}
		if _, err := fn(goja.Undefined(), args...); err != nil {
			panic(r.taskFailure("setTimeout callback threw", err))
		}
	})
	return id
}

// ClearTimeout implements clearTimeout.
func (r *run) ClearTimeout(id int64) {
	if cancel, ok := r.timers[id]; ok {
		delete(r.timers, id)
		cancel()
	}
}

func (r *run) condition(c goja.FunctionCall) goja.Value {
	r.requireContext("condition")
	r.requireWritable("condition")
	fn, ok := goja.AssertFunction(c.Argument(0))
	if !ok {
		panic(r.vm.NewTypeError("condition: the first argument must be a function"))
	}
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	p, resolve, reject := r.vm.NewPromise()
	cd := &cond{fn: fn, resolve: resolve, stack: r.holdStack(r.waitStack())}
	sc.onCancel(func(reason goja.Value) {
		if cd.done {
			return
		}
		cd.done = true
		if cd.cancel != nil {
			cd.cancel()
		}
		_ = reject(reason)
	})
	if t := c.Argument(1); !goja.IsUndefined(t) {
		d, err := parseDuration(t)
		if err != nil {
			panic(r.vm.NewTypeError("condition: timeout: %v", err))
		}
		ctx, cancel := workflow.WithCancel(r.scopeCtx())
		cd.cancel = cancel
		r.await(workflow.NewTimer(ctx, sleepDuration(d)), func(f workflow.Future) {
			if cd.done || f.Get(r.ctx, nil) != nil {
				return
			}
			cd.done = true
			_ = resolve(false)
		})
	}
	r.conds = append(r.conds, cd)
	return r.vm.ToValue(p)
}

func (r *run) activity(c goja.FunctionCall) goja.Value {
	r.requireContext("proxyActivities")
	r.requireWritable("activity " + c.Argument(0).String())
	name := c.Argument(0).String()
	opts, err := r.activityOptions(c.Argument(2))
	if err != nil {
		panic(r.vm.NewTypeError("%v", err))
	}
	args, err := r.payloadArgs(c.Argument(1))
	if err != nil {
		panic(r.vm.NewTypeError("activity %s: %v", name, err))
	}
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	p, resolve, reject := r.vm.NewPromise()
	ctx := sc.ctx
	settled := false
	if opts.abandon {
		// ABANDON: no cancel request reaches the activity; the workflow
		// sees it cancelled at once.
		ctx, _ = workflow.NewDisconnectedContext(ctx)
		sc.onCancel(func(goja.Value) {
			if !settled {
				settled = true
				_ = reject(r.abandonedActivity(name))
			}
		})
	}
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts.ActivityOptions), name, args...)
	r.await(f, func(f workflow.Future) {
		if settled {
			return
		}
		settled = true
		var raw converter.RawValue
		if err := f.Get(r.ctx, &raw); err != nil {
			var actErr *temporal.ActivityError
			if !errors.As(err, &actErr) && temporal.IsCanceledError(err) {
				// TRY_CANCEL: the Go SDK gives a bare cancellation; the
				// TypeScript SDK an ActivityFailure around it.
				_ = reject(r.abandonedActivity(name))
				return
			}
			_ = reject(r.toJSError(err))
			return
		}
		_ = resolve(r.payloadToJS(raw.Payload()))
	})
	return r.vm.ToValue(p)
}

// payloadArgs encodes a JS array of arguments as payloads the Go SDK passes
// through unchanged.
func (r *run) payloadArgs(v goja.Value) ([]any, error) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, nil
	}
	n := int(o.Get("length").ToInteger())
	out := make([]any, n)
	for i := 0; i < n; i++ {
		p, err := r.rt.ToPayload(o.Get(fmt.Sprint(i)))
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
		out[i] = converter.NewRawValue(p)
	}
	return out, nil
}

// activityOptions are the Go SDK's options plus what it lacks.
type activityOptions struct {
	workflow.ActivityOptions
	abandon bool // cancellationType ABANDON
}

func (r *run) activityOptions(v goja.Value) (activityOptions, error) {
	var out activityOptions
	ao := &out.ActivityOptions
	o, ok := v.(*goja.Object)
	if !ok {
		return out, fmt.Errorf("proxyActivities: options must be an object")
	}
	var err error
	for _, f := range []struct {
		key string
		dst *time.Duration
	}{
		{"startToCloseTimeout", &ao.StartToCloseTimeout},
		{"scheduleToCloseTimeout", &ao.ScheduleToCloseTimeout},
		{"scheduleToStartTimeout", &ao.ScheduleToStartTimeout},
		{"heartbeatTimeout", &ao.HeartbeatTimeout},
	} {
		if *f.dst, err = optDuration(o, f.key); err != nil {
			return out, fmt.Errorf("activity options: %w", err)
		}
	}
	if ao.StartToCloseTimeout == 0 && ao.ScheduleToCloseTimeout == 0 {
		return out, fmt.Errorf("Required either scheduleToCloseTimeout or startToCloseTimeout")
	}
	ao.TaskQueue = str2(o.Get("taskQueue"))
	ao.ActivityID = str2(o.Get("activityId"))
	ao.Summary = str2(o.Get("summary"))
	if ao.RetryPolicy, err = r.retryPolicy(o.Get("retry")); err != nil {
		return out, fmt.Errorf("activity options: retry: %w", err)
	}
	switch ct := str2(o.Get("cancellationType")); ct {
	case "", "WAIT_CANCELLATION_COMPLETED":
		ao.WaitForCancellation = true
	case "TRY_CANCEL":
	case "ABANDON":
		out.abandon = true
	default:
		return out, fmt.Errorf("activity options: unknown cancellationType %q; use ActivityCancellationType.TRY_CANCEL, WAIT_CANCELLATION_COMPLETED or ABANDON", ct)
	}
	return out, nil
}

func (r *run) retryPolicy(v goja.Value) (*temporal.RetryPolicy, error) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, nil
	}
	rp := &temporal.RetryPolicy{}
	var err error
	if rp.InitialInterval, err = optDuration(o, "initialInterval"); err != nil {
		return nil, err
	}
	if rp.MaximumInterval, err = optDuration(o, "maximumInterval"); err != nil {
		return nil, err
	}
	if b := o.Get("backoffCoefficient"); b != nil && !goja.IsUndefined(b) {
		rp.BackoffCoefficient = b.ToFloat()
	}
	if m := o.Get("maximumAttempts"); m != nil && !goja.IsUndefined(m) {
		rp.MaximumAttempts = int32(m.ToInteger())
	}
	if n, ok := o.Get("nonRetryableErrorTypes").(*goja.Object); ok {
		if err := r.vm.ExportTo(n, &rp.NonRetryableErrorTypes); err != nil {
			return nil, fmt.Errorf("nonRetryableErrorTypes: %w", err)
		}
	}
	return rp, nil
}

func (r *run) logObject() *goja.Object {
	o := r.vm.NewObject()
	for _, level := range []string{"trace", "debug", "info", "warn", "error"} {
		level := level
		_ = o.Set(level, func(c goja.FunctionCall) goja.Value {
			if r.logger == nil {
				return goja.Undefined()
			}
			msg := c.Argument(0).String()
			var kv []any
			if attrs, ok := c.Argument(1).(*goja.Object); ok {
				for _, k := range attrs.Keys() {
					kv = append(kv, k, attrs.Get(k).Export())
				}
			}
			switch level {
			case "trace", "debug":
				r.logger.Debug(msg, kv...)
			case "warn":
				r.logger.Warn(msg, kv...)
			case "error":
				r.logger.Error(msg, kv...)
			default:
				r.logger.Info(msg, kv...)
			}
			return goja.Undefined()
		})
	}
	return o
}

// searchAttributesJS renders search attributes as the TypeScript SDK's
// untyped SearchAttributes: every value an array.
func (r *run) searchAttributesJS(sa *commonpb.SearchAttributes) *goja.Object {
	o := r.vm.NewObject()
	for k, p := range sa.GetIndexedFields() {
		v := r.payloadToJS(p)
		if obj, ok := v.(*goja.Object); !ok || obj.ClassName() != "Array" {
			v = r.vm.NewArray(v)
		}
		_ = o.Set(k, v)
	}
	return o
}

func workflowInfoType(ctx workflow.Context) string { return workflow.GetInfo(ctx).WorkflowType.Name }

func (r *run) date(t time.Time) goja.Value {
	d, err := r.vm.New(r.vm.Get("Date"), r.vm.ToValue(t.UnixMilli()))
	if err != nil {
		return goja.Undefined()
	}
	return d
}

func (r *run) workflowInfo(goja.FunctionCall) goja.Value {
	r.requireContext("workflowInfo")
	info := workflow.GetInfo(r.ctx)
	o := r.vm.NewObject()
	set := func(k string, v any) { _ = o.Set(k, v) }
	set("workflowId", info.WorkflowExecution.ID)
	set("runId", info.WorkflowExecution.RunID)
	set("workflowType", info.WorkflowType.Name)
	set("taskQueue", info.TaskQueueName)
	set("namespace", info.Namespace)
	set("firstExecutionRunId", info.FirstRunID)
	if info.ContinuedExecutionRunID != "" {
		set("continuedFromExecutionRunId", info.ContinuedExecutionRunID)
	}
	set("startTime", r.date(info.WorkflowStartTime))
	set("runStartTime", r.date(info.WorkflowStartTime))
	set("attempt", info.Attempt)
	if info.CronSchedule != "" {
		set("cronSchedule", info.CronSchedule)
	}
	if info.WorkflowExecutionTimeout > 0 {
		set("executionTimeoutMs", info.WorkflowExecutionTimeout.Milliseconds())
	}
	if info.WorkflowRunTimeout > 0 {
		set("runTimeoutMs", info.WorkflowRunTimeout.Milliseconds())
	}
	set("taskTimeoutMs", info.WorkflowTaskTimeout.Milliseconds())
	set("historyLength", info.GetCurrentHistoryLength())
	set("historySize", info.GetCurrentHistorySize())
	set("continueAsNewSuggested", info.GetContinueAsNewSuggested())
	set("searchAttributes", r.searchAttributesJS(info.SearchAttributes))
	if m := info.Memo.GetFields(); len(m) > 0 {
		memo := r.vm.NewObject()
		for k, p := range m {
			if dc := r.w.opts.DataConverter; dc != nil {
				var raw converter.RawValue
				if err := dc.FromPayload(p, &raw); err == nil {
					p = raw.Payload()
				}
			}
			_ = memo.Set(k, r.payloadToJS(p))
		}
		set("memo", memo)
	}
	if info.RootWorkflowExecution != nil {
		p := r.vm.NewObject()
		_ = p.Set("workflowId", info.RootWorkflowExecution.ID)
		_ = p.Set("runId", info.RootWorkflowExecution.RunID)
		set("root", p)
	}
	if workflow.HasLastCompletionResult(r.ctx) {
		var raw converter.RawValue
		if err := workflow.GetLastCompletionResult(r.ctx, &raw); err == nil {
			set("lastResult", r.payloadToJS(raw.Payload()))
		}
	}
	if err := workflow.GetLastError(r.ctx); err != nil {
		set("lastFailure", r.toJSError(err))
	}
	if info.RetryPolicy != nil {
		rp := r.vm.NewObject()
		_ = rp.Set("initialInterval", info.RetryPolicy.InitialInterval.Milliseconds())
		_ = rp.Set("backoffCoefficient", info.RetryPolicy.BackoffCoefficient)
		_ = rp.Set("maximumInterval", info.RetryPolicy.MaximumInterval.Milliseconds())
		_ = rp.Set("maximumAttempts", info.RetryPolicy.MaximumAttempts)
		_ = rp.Set("nonRetryableErrorTypes", info.RetryPolicy.NonRetryableErrorTypes)
		set("retryPolicy", rp)
	}
	set("currentDetails", workflow.GetCurrentDetails(r.ctx))
	if info.ParentWorkflowExecution != nil {
		p := r.vm.NewObject()
		_ = p.Set("workflowId", info.ParentWorkflowExecution.ID)
		_ = p.Set("runId", info.ParentWorkflowExecution.RunID)
		_ = p.Set("namespace", info.ParentWorkflowNamespace)
		set("parent", p)
	}
	unsafe := r.vm.NewObject()
	_ = unsafe.Set("isReplaying", workflow.IsReplaying(r.ctx))
	_ = unsafe.Set("now", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(time.Now().UnixMilli()) })
	set("unsafe", unsafe)
	return o
}
