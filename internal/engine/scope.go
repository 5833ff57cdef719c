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
			r.cancelTree(s, parent.reason) // nothing runs in s yet
		} else {
			parent.children = append(parent.children, s)
		}
	}
	return s
}

// cancelScope requests cancellation of s and of the scopes that follow it.
// The commands the JS asked for before and the engine still holds are
// settled first: those in the scopes cancelled are dropped, the others
// sent before the cancellation's own commands.
func (r *run) cancelScope(s *scope, reason goja.Value) {
	if s.requested {
		return
	}
	var dropped []heldCommand
	if s.cancellable && len(r.held) > 0 {
		dropped = r.settleHeld(s)
	}
	r.cancelTree(s, reason)
	// Dropping settles promises, which may run JS: once s is cancelled.
	for _, c := range dropped {
		c.drop(r, reason)
	}
}

// cancelTree is cancelScope without settling the held commands.
func (r *run) cancelTree(s *scope, reason goja.Value) {
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
			r.cancelTree(c, reason)
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
