package engine

import (
	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// scope is a CancellationScope. Its workflow context carries cancellation
// to the Go SDK (timers, activities, children started in it); the JS side
// (cancelRequested, rejections with the scope's CancelledFailure) is driven
// from cancelScope.
//
// As in the TypeScript SDK, whether a scope follows its parent's
// cancellation depends on the parent: children of a cancellable scope are
// cancelled with it, children of a non-cancellable scope are shielded.
type scope struct {
	ctx         workflow.Context
	cancelCtx   workflow.CancelFunc // nil for the root (the Go SDK cancels it) and non-cancellable scopes
	parent      *scope
	children    []*scope
	cancellable bool

	requested bool
	reason    goja.Value                // the CancelledFailure, once requested
	listeners []func(reason goja.Value) // run when cancellation is requested
	obj       *goja.Object              // the JS CancellationScope, once asked for
	promise   goja.Value                // cancelRequested, once asked for
	reject    func(reason any) error    // rejects promise
}

// consideredCancelled reports whether operations in the scope are cancelled.
func (s *scope) consideredCancelled() bool { return s.requested && s.cancellable }

// newScope creates a child of parent.
func (r *run) newScope(parent *scope, cancellable bool) *scope {
	s := &scope{parent: parent, cancellable: cancellable}
	switch {
	case cancellable:
		s.ctx, s.cancelCtx = workflow.WithCancel(parent.ctx)
	default:
		s.ctx, _ = workflow.NewDisconnectedContext(parent.ctx)
	}
	if parent.cancellable {
		if parent.requested {
			r.cancelScope(s, parent.reason)
		} else {
			parent.children = append(parent.children, s)
		}
	}
	return s
}

// cancelScope requests cancellation of s and of the scopes that follow it.
func (r *run) cancelScope(s *scope, reason goja.Value) {
	if s.requested {
		return
	}
	s.requested = true
	s.reason = reason
	if s.reject != nil {
		_ = s.reject(reason)
	}
	if s.cancellable && s.cancelCtx != nil {
		s.cancelCtx()
	}
	ls := s.listeners
	s.listeners = nil
	if s.cancellable {
		for _, l := range ls {
			l(reason)
		}
	}
	children := s.children
	s.children = nil
	if s.cancellable {
		for _, c := range children {
			r.cancelScope(c, reason)
		}
	}
}

// onCancel runs fn when the current cancellable scope is cancelled. It
// returns false, without registering, when the scope is already cancelled.
func (s *scope) onCancel(fn func(reason goja.Value)) {
	if s.cancellable {
		s.listeners = append(s.listeners, fn)
	}
}

func (r *run) cancelledFailure(msg string) goja.Value {
	r.ensureClasses()
	v, err := r.vm.New(r.classes.cancelled, r.vm.ToValue(msg))
	if err != nil {
		return r.vm.NewGoError(err)
	}
	return v
}

// rejectedPromise returns a promise rejected with v.
func (r *run) rejectedPromise(v goja.Value) goja.Value {
	p, _, reject := r.vm.NewPromise()
	_ = reject(v)
	return r.vm.ToValue(p)
}

// ---- JS API --------------------------------------------------------------

// scopeOf returns the scope behind a JS CancellationScope.
func (r *run) scopeOf(v goja.Value) *scope {
	o, ok := v.(*goja.Object)
	if ok {
		if s, ok := r.scopes[o]; ok {
			return s
		}
	}
	panic(r.vm.NewTypeError("not a CancellationScope"))
}

func (r *run) addScope(o *goja.Object, s *scope) {
	if r.scopes == nil {
		r.scopes = map[*goja.Object]*scope{}
	}
	r.scopes[o] = s
}

// jsScope returns the JS object of s, creating it on first use.
func (r *run) jsScope(s *scope) *goja.Object {
	if s.obj == nil {
		r.ensureClasses()
		s.obj = r.vm.CreateObject(r.scopeProto)
		r.addScope(s.obj, s)
	}
	return s.obj
}

// scopeInit backs `new CancellationScope(options)`.
func (r *run) scopeInit(c goja.FunctionCall) goja.Value {
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
func (r *run) scopeRun(c goja.FunctionCall) goja.Value {
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
	r.cur = &asyncCtx{scope: s, updateID: prev.updateID, updateName: prev.updateName}
	defer func() { r.cur = prev }()

	var timerScope *scope
	if timeout != nil && !goja.IsUndefined(timeout) && !goja.IsNull(timeout) {
		d, err := parseDuration(timeout)
		if err != nil {
			panic(r.vm.NewTypeError("CancellationScope.withTimeout: %v", err))
		}
		timerScope = r.newScope(s, true)
		if !timerScope.consideredCancelled() {
			r.await(workflow.NewTimer(timerScope.ctx, sleepDuration(d)), func(f workflow.Future) {
				if f.Get(r.ctx, nil) == nil {
					r.cancelScope(s, r.cancelledFailure("Cancellation scope cancelled"))
				}
			})
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
		_ = reject(exceptionValue(r, err))
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

func exceptionValue(r *run, err error) goja.Value {
	if ex, ok := err.(*goja.Exception); ok {
		return ex.Value()
	}
	return r.vm.NewGoError(err)
}

func (r *run) scopeCancel(c goja.FunctionCall) goja.Value {
	s := r.scopeOf(c.Argument(0))
	msg := "Cancellation scope cancelled"
	if s == r.root.scope {
		msg = "Workflow cancelled"
	}
	r.cancelScope(s, r.cancelledFailure(msg))
	return goja.Undefined()
}

func (r *run) scopeCurrent(goja.FunctionCall) goja.Value {
	return r.jsScope(r.cur.scope)
}

// scopeState backs the cancelRequested, consideredCancelled, cancellable
// and parent getters.
func (r *run) scopeState(c goja.FunctionCall) goja.Value {
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

// markHandled attaches a no-op rejection handler, so a promise nobody awaits
// is not an unhandled rejection.
func (r *run) markHandled(p goja.Value) {
	if o, ok := p.(*goja.Object); ok {
		if catch, ok := goja.AssertFunction(o.Get("catch")); ok {
			_, _ = catch(o, r.vm.ToValue(func(goja.FunctionCall) goja.Value { return goja.Undefined() }))
		}
	}
}

// watchWorkflowCancel cancels the root scope when the workflow is
// cancelled. It is the selector's only case on a channel that stays ready
// once closed, so after it fires the selector is rebuilt without it.
func (r *run) watchWorkflowCancel() {
	r.sel.AddReceive(r.ctx.Done(), func(workflow.ReceiveChannel, bool) {
		r.cancelSeen = true
		r.cancelScope(r.root.scope, r.cancelledFailure("Workflow cancelled"))
		r.rebuildSelector()
	})
}
