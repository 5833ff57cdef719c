package engine

import (
	"errors"
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// timersModule: sleep and condition (setTimeout and clearTimeout are
// globals of the runtime, backed by the same state).
var timersModule = module{name: "timers", exports: exports{
	"sleep":     func(r *run) any { return r.timers().sleep },
	"condition": func(r *run) any { return r.timers().condition },
}}

// timers is a run's durable timers and pending condition() calls.
type timers struct {
	*run
	cancels map[int64]workflow.CancelFunc // setTimeout timers still pending, by id
	lastID  int64
	conds   []*cond
}

// cond is a pending condition(): its predicate and the promise to settle.
type cond struct {
	fn      goja.Callable
	resolve func(any) error
	timed   bool // condition(fn, timeout): resolves true or false
	// The timeout timer's scope, context and duration, until the run
	// sends its held commands (see hold): the TypeScript SDK starts no
	// timer for a condition that resolves in the activation that made it.
	sc       *scope
	timerCtx workflow.Context
	timeout  time.Duration
	cancel   workflow.CancelFunc // timeout timer, if any
	// fired, in a run with startTimer interceptors, resolves the promise
	// their next returned when the timeout timer fires (see
	// interceptConditionTimer); nil without.
	fired func(v any) error
	done  bool
	stack string // JS stack of the condition() call
}

func (r *timers) sleep(c goja.FunctionCall) goja.Value {
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
	r.holdTimer(sc, sc.ctx, d, func(f workflow.Future) {
		if err := f.Get(r.ctx, nil); err != nil {
			if sc.consideredCancelled() {
				_ = reject(sc.reason)
			} else {
				_ = reject(r.toJSError(err))
			}
			return
		}
		_ = resolve(goja.Undefined())
	}, func(reason goja.Value) { _ = reject(reason) })
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

// setTimeout implements setTimeout with a durable timer.
func (r *timers) setTimeout(fn goja.Callable, ms int64, args []goja.Value) int64 {
	r.requireContext("setTimeout")
	r.requireWritable("setTimeout")
	r.lastID++
	id := r.lastID
	ctx, cancel := workflow.WithCancel(r.scopeCtx())
	if r.cancels == nil {
		r.cancels = map[int64]workflow.CancelFunc{}
	}
	r.cancels[id] = cancel
	actx := r.cur // the callback runs in the async context of the call, as in the TypeScript SDK
	if r.icpt.has("startTimer") {
		r.interceptedTimeout(id, ctx, actx, fn, ms, args)
		return id
	}
	r.holdTimer(r.cur.scope, ctx, time.Duration(ms)*time.Millisecond, func(f workflow.Future) {
		if _, live := r.cancels[id]; !live {
			return
		}
		delete(r.cancels, id)
		if f.Get(r.ctx, nil) != nil {
			return
		}
		prev := r.cur
		r.cur = actx
		_, err := fn(goja.Undefined(), args...)
		r.cur = prev
		if err != nil {
			panic(r.taskFailure("setTimeout callback threw", err))
		}
	}, func(goja.Value) { delete(r.cancels, id) })
	return id
}

// interceptedTimeout is setTimeout's timer in a run with startTimer
// interceptors: as in the TypeScript SDK, it is a sleep through them (the
// timer next starts lasts the durationMs it is given), and fn runs once the
// promise they return resolves.
func (r *timers) interceptedTimeout(id int64, ctx workflow.Context, actx *asyncCtx, fn goja.Callable, ms int64, args []goja.Value) {
	sc := actx.scope
	next := func(c goja.FunctionCall) goja.Value {
		p, resolve, _ := r.vm.NewPromise()
		r.holdTimer(sc, ctx, time.Duration(c.Argument(0).ToInteger())*time.Millisecond, func(f workflow.Future) {
			if f.Get(r.ctx, nil) == nil {
				_ = resolve(goja.Undefined())
			}
		}, nil)
		return r.vm.ToValue(p)
	}
	ret := r.icallOrThrow("timer", r.vm.ToValue(next), r.vm.ToValue(max(1, ms)), goja.Undefined())
	p, ok := ret.Export().(*goja.Promise)
	if !ok {
		return
	}
	r.onSettle(p, func(_ goja.Value, rejected bool) {
		if _, live := r.cancels[id]; !live || rejected {
			return
		}
		delete(r.cancels, id)
		prev := r.cur
		r.cur = actx
		_, err := fn(goja.Undefined(), args...)
		r.cur = prev
		if err != nil {
			panic(r.taskFailure("setTimeout callback threw", err))
		}
	})
}

// clearTimeout implements clearTimeout.
func (r *timers) clearTimeout(id int64) {
	if cancel, ok := r.cancels[id]; ok {
		delete(r.cancels, id)
		cancel()
	}
}

func (r *timers) condition(c goja.FunctionCall) goja.Value {
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
	timeout := c.Argument(1)
	timed := !goja.IsUndefined(timeout)
	var d time.Duration
	if timed {
		var err error
		if d, err = parseDuration(timeout); err != nil {
			panic(r.vm.NewTypeError("condition: timeout: %v", err))
		}
	}
	p, resolve, reject := r.vm.NewPromise()
	var icpt *condTimer
	if timed && r.icpt.has("startTimer") {
		icpt = r.interceptConditionTimer(d)
	}
	// Evaluated at once, as in the TypeScript SDK: a condition already true
	// resolves without waiting (and without a timer: the TypeScript SDK's
	// timer is cancelled in the same activation, so it sends no command).
	v, err := fn(goja.Undefined())
	if err != nil {
		var ex *goja.Exception
		if !errors.As(err, &ex) {
			panic(err)
		}
		// Thrown in the promise's executor there: the promise rejects.
		_ = reject(ex.Value())
		return r.vm.ToValue(p)
	}
	if v.ToBoolean() {
		if timed {
			_ = resolve(true)
		} else {
			_ = resolve(goja.Undefined())
		}
		return r.vm.ToValue(p)
	}
	cd := &cond{fn: fn, resolve: resolve, timed: timed, stack: r.holdStack(r.waitStack())}
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
	if icpt != nil {
		// The timeout is the promise the startTimer interceptors
		// returned, and its timer the one their next asked for, if any.
		cd.fired = icpt.fire
		r.onSettle(icpt.promise, func(v goja.Value, rejected bool) {
			if cd.done {
				return
			}
			cd.done = true
			if cd.cancel != nil {
				cd.cancel()
			}
			if rejected {
				_ = reject(v)
			} else {
				_ = resolve(false)
			}
		})
		timed = icpt.started
		d = icpt.d
	}
	if timed {
		cd.sc = sc
		cd.timerCtx, cd.cancel = workflow.WithCancel(sc.ctx)
		cd.timeout = d
		r.hold(cd)
	}
	r.conds = append(r.conds, cd)
	return r.vm.ToValue(p)
}

// condTimer is the timeout of a condition(fn, timeout) in a run with
// startTimer interceptors.
type condTimer struct {
	promise *goja.Promise     // what the interceptors returned
	started bool              // their next was called: the timer is held
	d       time.Duration     // the duration next was given
	fire    func(v any) error // resolves the promise next returned
}

// interceptConditionTimer runs condition's timeout through the startTimer
// interceptors, as the TypeScript SDK's condition sleeps through them:
// before the predicate is first evaluated. Their next holds the timer (see
// cond.start) with the durationMs it is given. Nil if they return no
// promise.
func (r *timers) interceptConditionTimer(d time.Duration) *condTimer {
	ct := &condTimer{}
	next := func(c goja.FunctionCall) goja.Value {
		p, resolve, _ := r.vm.NewPromise()
		ct.started = true
		ct.d = time.Duration(c.Argument(0).ToInteger()) * time.Millisecond
		ct.fire = resolve
		return r.vm.ToValue(p)
	}
	ret := r.icallOrThrow("timer", r.vm.ToValue(next), r.vm.ToValue(max(1, d.Milliseconds())), goja.Undefined())
	p, ok := ret.Export().(*goja.Promise)
	if !ok {
		return nil
	}
	ct.promise = p
	return ct
}

func (cd *cond) heldScope() *scope { return cd.sc }

// start starts the condition's timeout timer, unless it is settled.
func (cd *cond) start(r *run) {
	if cd.done {
		return
	}
	r.await(workflow.NewTimer(cd.timerCtx, sleepDuration(cd.timeout)), func(f workflow.Future) {
		if cd.done || f.Get(r.ctx, nil) != nil {
			return
		}
		if cd.fired != nil {
			_ = cd.fired(goja.Undefined())
			return
		}
		cd.done = true
		_ = cd.resolve(false)
	})
}

// drop leaves the timer out: the scope's cancellation rejects the
// condition (see condition).
func (cd *cond) drop(*run, goja.Value) {}

// checkConditions settles every condition() whose predicate is now true,
// until none changes: a resolved condition may make another one true.
func (r *timers) checkConditions() {
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(r.conds); i++ {
			c := r.conds[i]
			if c.done {
				r.releaseStack(c.stack)
				r.conds = append(r.conds[:i], r.conds[i+1:]...)
				i--
				continue
			}
			v, err := c.fn(goja.Undefined())
			if err != nil {
				panic(r.taskFailure("condition predicate threw", err))
			}
			if v.ToBoolean() {
				c.done = true
				if c.cancel != nil {
					c.cancel()
				}
				r.releaseStack(c.stack)
				r.conds = append(r.conds[:i], r.conds[i+1:]...)
				i--
				if c.timed {
					_ = c.resolve(true)
				} else {
					_ = c.resolve(goja.Undefined())
				}
				changed = true
			}
		}
	}
}
