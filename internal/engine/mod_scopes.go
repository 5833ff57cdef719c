package engine

import (
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// scopesModule: the JS side of CancellationScope (classes.js calls these).
var scopesModule = module{name: "scopes", exports: exports{
	"scopeInit":    func(r *run) any { return r.scopes().scopeInit },
	"scopeRun":     func(r *run) any { return r.scopes().scopeRun },
	"scopeCancel":  func(r *run) any { return r.scopes().scopeCancel },
	"scopeCurrent": func(r *run) any { return r.scopes().scopeCurrent },
	"scopeState":   func(r *run) any { return r.scopes().scopeState },
}}

// scopes maps the run's JS CancellationScope objects to their scopes.
type scopes struct {
	*run
	objs map[*goja.Object]*scope
}

// scopeOf returns the scope behind a JS CancellationScope.
func (r *scopes) scopeOf(v goja.Value) *scope {
	o, ok := v.(*goja.Object)
	if ok {
		if s, ok := r.objs[o]; ok {
			return s
		}
	}
	panic(r.vm.NewTypeError("not a CancellationScope"))
}

func (r *scopes) addScope(o *goja.Object, s *scope) {
	if r.objs == nil {
		r.objs = map[*goja.Object]*scope{}
	}
	r.objs[o] = s
}

// jsScope returns the JS object of s, creating it on first use.
func (r *scopes) jsScope(s *scope) *goja.Object {
	if s.obj == nil {
		r.ensureClasses()
		s.obj = r.vm.CreateObject(r.classes.scopeProto)
		r.addScope(s.obj, s)
	}
	return s.obj
}

// scopeInit backs `new CancellationScope(options)`.
func (r *scopes) scopeInit(c goja.FunctionCall) goja.Value {
	r.requireContext("CancellationScope")
	obj := c.Argument(0).ToObject(r.vm)
	cancellable := true
	parent := r.cur.scope
	if o, ok := c.Argument(1).(*goja.Object); ok {
		if v := o.Get("cancellable"); v != nil && !goja.IsUndefined(v) {
			cancellable = v.ToBoolean()
		}
		if p := o.Get("parent"); p != nil && !goja.IsUndefined(p) && !goja.IsNull(p) {
			parent = r.scopeOf(p)
		}
	}
	s := r.newScope(parent, cancellable)
	s.obj = obj
	r.addScope(obj, s)
	return goja.Undefined()
}

// scopeRun backs scope.run(fn): fn runs with the scope current, and so does
// every continuation of it. With a timeout, the scope is cancelled when it
// expires.
func (r *scopes) scopeRun(c goja.FunctionCall) goja.Value {
	s := r.scopeOf(c.Argument(0))
	fn, ok := goja.AssertFunction(c.Argument(1))
	if !ok {
		panic(r.vm.NewTypeError("CancellationScope.run: argument must be a function"))
	}
	var timeout goja.Value
	if len(c.Arguments) > 2 {
		timeout = c.Arguments[2]
	}
	prev := r.cur
	r.cur = &asyncCtx{scope: s, updateID: prev.updateID, updateName: prev.updateName, vals: prev.vals}
	defer func() { r.cur = prev }()

	var timerScope *scope
	if timeout != nil && !goja.IsUndefined(timeout) && !goja.IsNull(timeout) {
		d, err := parseDuration(timeout)
		if err != nil {
			panic(r.vm.NewTypeError("CancellationScope.withTimeout: %v", err))
		}
		timerScope = r.newScope(s, true)
		if !timerScope.consideredCancelled() && r.icpt.has("startTimer") {
			r.interceptedScopeTimeout(s, timerScope, d)
		} else if !timerScope.consideredCancelled() {
			// Held: a scope that finishes in the activation that made it
			// starts no timer (see hold).
			r.holdTimer(timerScope, timerScope.ctx, d, func(f workflow.Future) {
				if f.Get(r.ctx, nil) == nil {
					r.cancelScope(s, r.cancelledFailure("Cancellation scope cancelled"))
				}
			}, nil)
		}
	}
	p, resolve, reject := r.vm.NewPromise()
	ret, err := fn(goja.Undefined())
	finish := func() {
		if timerScope != nil && !timerScope.requested {
			r.cancelScope(timerScope, r.cancelledFailure("Cancellation scope cancelled"))
		}
	}
	if err != nil {
		finish()
		_ = reject(exceptionValue(r.vm, err))
		return r.vm.ToValue(p)
	}
	if inner, ok := ret.Export().(*goja.Promise); ok {
		r.onSettle(inner, func(v goja.Value, rejected bool) {
			finish()
			if rejected {
				_ = reject(v)
			} else {
				_ = resolve(v)
			}
		})
	} else {
		finish()
		_ = resolve(ret)
	}
	return r.vm.ToValue(p)
}

// interceptedScopeTimeout is the timeout of scope s in a run with
// startTimer interceptors: as in the TypeScript SDK, a sleep through them
// in timerScope, which cancels s when it resolves.
func (r *scopes) interceptedScopeTimeout(s, timerScope *scope, d time.Duration) {
	prev := r.cur
	r.cur = &asyncCtx{scope: timerScope, updateID: prev.updateID, updateName: prev.updateName, vals: prev.vals}
	defer func() { r.cur = prev }()
	ret := r.icallOrThrow("timer", r.vm.ToValue(r.timers().sleep), r.vm.ToValue(max(1, d.Milliseconds())), goja.Undefined())
	if p, ok := ret.Export().(*goja.Promise); ok {
		r.onSettle(p, func(_ goja.Value, rejected bool) {
			if !rejected {
				r.cancelScope(s, r.cancelledFailure("Cancellation scope cancelled"))
			}
		})
	}
}

func exceptionValue(vm *goja.Runtime, err error) goja.Value {
	if ex, ok := err.(*goja.Exception); ok {
		return ex.Value()
	}
	return vm.NewGoError(err)
}

func (r *scopes) scopeCancel(c goja.FunctionCall) goja.Value {
	s := r.scopeOf(c.Argument(0))
	msg := "Cancellation scope cancelled"
	if s == r.root.scope {
		msg = "Workflow cancelled"
	}
	r.cancelScope(s, r.cancelledFailure(msg))
	return goja.Undefined()
}

func (r *scopes) scopeCurrent(goja.FunctionCall) goja.Value {
	return r.jsScope(r.cur.scope)
}

// scopeState backs the cancelRequested, consideredCancelled, cancellable
// and parent getters.
func (r *scopes) scopeState(c goja.FunctionCall) goja.Value {
	s := r.scopeOf(c.Argument(0))
	switch c.Argument(1).String() {
	case "cancelRequested":
		if s.promise == nil {
			p, _, reject := r.vm.NewPromise()
			s.promise, s.reject = r.vm.ToValue(p), reject
			r.markHandled(s.promise)
			if s.requested {
				_ = reject(s.reason)
			}
		}
		return s.promise
	case "consideredCancelled":
		return r.vm.ToValue(s.consideredCancelled())
	case "cancellable":
		return r.vm.ToValue(s.cancellable)
	case "parent":
		if s.parent == nil {
			return goja.Undefined()
		}
		return r.jsScope(s.parent)
	}
	return goja.Undefined()
}
