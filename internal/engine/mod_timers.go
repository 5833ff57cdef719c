package engine

import (
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
	cancel  workflow.CancelFunc // timeout timer, if any
	done    bool
	stack   string // JS stack of the condition() call
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
	r.await(workflow.NewTimer(ctx, sleepDuration(time.Duration(ms)*time.Millisecond)), func(f workflow.Future) {
		if _, live := r.cancels[id]; !live {
			return
		}
		delete(r.cancels, id)
		if f.Get(r.ctx, nil) != nil {
			return
		}
		if _, err := fn(goja.Undefined(), args...); err != nil {
			panic(r.taskFailure("setTimeout callback threw", err))
		}
	})
	return id
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
				_ = c.resolve(true)
				changed = true
			}
		}
	}
}
