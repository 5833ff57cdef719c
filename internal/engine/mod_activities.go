package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// activitiesModule: activities and local activities (proxyActivities and
// proxyLocalActivities call these).
var activitiesModule = module{name: "activities", exports: exports{
	"activity":      func(r *run) any { return activities{r}.activity },
	"localActivity": func(r *run) any { return activities{r}.localActivity },
}}

// activities schedules activities; it has no state of its own.
type activities struct{ *run }

func (r activities) activity(c goja.FunctionCall) goja.Value {
	r.requireContext("proxyActivities")
	r.requireWritable("activity " + c.Argument(0).String())
	name := c.Argument(0).String()
	if goja.IsUndefined(c.Argument(2)) {
		// Before the seq is taken, as in the TypeScript SDK.
		panic(r.vm.NewTypeError("Got empty activity options"))
	}
	opts, err := r.activityOptions(c.Argument(2))
	if err != nil {
		// The TypeScript SDK validates the options once the seq is
		// taken: the activity's ID is used up.
		r.activityID()
		panic(r.vm.NewTypeError("%v", err))
	}
	args, err := r.payloadArgs(c.Argument(1))
	if err != nil {
		panic(r.vm.NewTypeError("activity %s: %v", name, err))
	}
	// As in the TypeScript SDK, a run's activities (local ones too) are
	// numbered 1, 2, ... in the order they are called, whether or not they
	// are scheduled.
	id := r.activityID()
	if opts.ActivityID == "" {
		opts.ActivityID = id
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
				_ = reject(r.cancelledActivity(name, opts.ActivityID))
			}
		})
	}
	// Scheduled once the JS stops running, unless its scope is cancelled
	// before: see hold.
	a := &heldActivity{sc: sc, ctx: workflow.WithActivityOptions(r.withOutHeaders(ctx), opts.ActivityOptions), name: name, args: args,
		stack: r.waitStack()}
	a.onDrop = func(goja.Value) {
		if !settled {
			settled = true
			_ = reject(r.cancelledActivity(name, opts.ActivityID))
		}
	}
	a.cb = func(f workflow.Future) {
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
				_ = reject(r.cancelledActivity(name, opts.ActivityID))
				return
			}
			_ = reject(r.toJSError(err))
			return
		}
		_ = resolve(r.payloadToJS(raw.Payload()))
	}
	r.hold(a)
	return r.vm.ToValue(p)
}

// nextActivityID returns the ID of the run's next activity.
func (r *run) nextActivityID() string {
	r.activitySeq++
	return strconv.Itoa(r.activitySeq)
}

// activityID returns the ID of the activity being made: the seq its
// scheduleActivity interceptors passed on (numbered before them, see
// interceptHost), or the run's next one.
func (r activities) activityID() string {
	if id := r.seqID; id != nil {
		r.seqID = nil
		return *id
	}
	return r.nextActivityID()
}

// activityOptions are the Go SDK's options plus what it lacks.
type activityOptions struct {
	workflow.ActivityOptions
	abandon bool // cancellationType ABANDON
}

func (r activities) activityOptions(v goja.Value) (activityOptions, error) {
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
	case "WAIT_CANCELLATION_COMPLETED":
		ao.WaitForCancellation = true
	case "", "TRY_CANCEL": // the TypeScript SDK's default
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

// localActivity backs scheduleLocalActivity, an async function in the
// TypeScript SDK: what it throws rejects the promise it returns.
func (r activities) localActivity(c goja.FunctionCall) (ret goja.Value) {
	defer func() {
		if x := recover(); x != nil {
			o, ok := x.(*goja.Object)
			if !ok {
				panic(x)
			}
			ret = r.rejectedPromise(o)
		}
	}()
	r.requireContext("proxyLocalActivities")
	name := c.Argument(0).String()
	r.requireWritable("local activity " + name)
	if goja.IsUndefined(c.Argument(2)) {
		panic(r.vm.NewTypeError("Got empty activity options")) // before the seq, as in the TypeScript SDK
	}
	o, ok := c.Argument(2).(*goja.Object)
	if !ok {
		r.activityID()
		panic(r.vm.NewTypeError("proxyLocalActivities: options must be an object"))
	}
	// The seq is taken before the options are validated, as in the
	// TypeScript SDK: one that fails uses it up.
	r.activityID()
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
	f := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(r.withOutHeaders(sc.ctx), lo), name, goArgs...)
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
func (r activities) localArgs(name string, args []any) ([]any, error) {
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
