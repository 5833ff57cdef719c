package engine

import (
	"strings"
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// Commands held until the JS that asked for them stops running. The Go
// SDK sends a command as soon as the workflow code asks for it; the
// TypeScript SDK collects the commands of an activation and leaves out what
// the activation cancelled again: an activity cancelled before it was
// scheduled is never scheduled (its ID is used up), and a condition that
// resolves in the activation that made it starts no timer, nor does a
// sleep or setTimeout cancelled in it. So activities and timers wait in run.held until the JS stops running (the end
// of a turn or of an update handler) or issues another command (the
// outbound interceptor), which keeps the commands in the order the JS asked
// for them; a cancellation drops those of the scopes it reaches
// (settleHeld).
type heldCommand interface {
	// scope is the cancellation scope the command was asked for in.
	heldScope() *scope
	// start sends the command.
	start(r *run)
	// drop settles the command's promise when its scope is cancelled
	// before it started.
	drop(r *run, reason goja.Value)
}

// hold keeps c until the JS stops running or issues another command.
func (r *run) hold(c heldCommand) { r.held = append(r.held, c) }

// flushHeld sends the held commands, in the order the JS asked for them.
// It runs no JS.
func (r *run) flushHeld() {
	if r.icpt != nil && r.icpt.deferring {
		return // until the next activation (see concludeActivation)
	}
	for len(r.held) > 0 {
		list := r.held
		r.held = nil
		for _, c := range list {
			c.start(r)
		}
	}
}

// settleHeld is called when s is about to be cancelled: the held commands
// the cancellation reaches are returned, to be dropped (never sent) once s
// is cancelled; the others are sent now, before the cancellation makes its
// own commands (the cancel requests of what runs in s), so that history
// keeps the order the JS asked in.
func (r *run) settleHeld(s *scope) (dropped []heldCommand) {
	list := r.held
	r.held = nil
	for _, c := range list {
		if reaches(s, c.heldScope()) {
			dropped = append(dropped, c)
		} else {
			c.start(r)
		}
	}
	return dropped
}

// reaches tells whether cancelling s cancels the operations of scope c: c
// is s or a descendant that follows it, and is cancellable.
func reaches(s, c *scope) bool {
	if !s.cancellable {
		return false
	}
	for x := c; x != nil; x = x.parent {
		if !x.cancellable {
			return false
		}
		if x == s {
			return true
		}
	}
	return false
}

// heldActivity is an activity asked for and not yet scheduled.
type heldActivity struct {
	sc     *scope
	ctx    workflow.Context // the scope's, with the activity options
	name   string
	args   []any
	stack  string // JS stack of the call, for __stack_trace
	cb     func(workflow.Future)
	onDrop func(reason goja.Value)
}

func (a *heldActivity) heldScope() *scope { return a.sc }

func (a *heldActivity) start(r *run) {
	r.startingStack = a.stack // for SourceLocation
	f := workflow.ExecuteActivity(a.ctx, a.name, a.args...)
	r.startingStack = ""
	r.awaitStack(f, a.stack, a.cb)
}

// stackLocation is the file:line:column of the first frame of the workflow
// code in a stack made by waitStack, or "".
func stackLocation(stack string) string {
	for l := range strings.SplitSeq(stack, "\n") {
		i := strings.LastIndexByte(l, '(')
		if i < 0 || !strings.HasSuffix(l, ")") {
			continue
		}
		if loc := l[i+1 : len(l)-1]; loc != builtinModuleFrame {
			return loc
		}
	}
	return ""
}

func (a *heldActivity) drop(_ *run, reason goja.Value) { a.onDrop(reason) }

// heldTimer is a durable timer asked for and not yet started: sleep's,
// setTimeout's and the timeout of CancellationScope.withTimeout. As in the
// TypeScript SDK, a timer cancelled before the JS stops running starts
// none (the Go SDK would write TimerStarted and TimerCanceled).
type heldTimer struct {
	sc     *scope
	ctx    workflow.Context // cancelled by clearTimeout as well
	d      time.Duration
	stack  string // JS stack of the call, for __stack_trace and SourceLocation
	cb     func(workflow.Future)
	onDrop func(reason goja.Value) // nil: nothing to settle
}

func (t *heldTimer) heldScope() *scope { return t.sc }

// start starts the timer, unless its context was cancelled meanwhile
// (clearTimeout): then it is dropped.
func (t *heldTimer) start(r *run) {
	if t.ctx.Err() != nil {
		t.drop(r, t.sc.reason)
		return
	}
	r.startingStack = t.stack // for SourceLocation
	f := workflow.NewTimer(t.ctx, sleepDuration(t.d))
	r.startingStack = ""
	r.awaitStack(f, t.stack, t.cb)
}

func (t *heldTimer) drop(_ *run, reason goja.Value) {
	if t.onDrop != nil {
		t.onDrop(reason)
		t.onDrop = nil
	}
}

// holdTimer holds a timer of d in ctx, asked for in scope sc; cb gets its
// future once it is started, onDrop (if not nil) the reason when it is
// dropped.
func (r *run) holdTimer(sc *scope, ctx workflow.Context, d time.Duration, cb func(workflow.Future), onDrop func(goja.Value)) {
	r.hold(&heldTimer{sc: sc, ctx: ctx, d: d, stack: r.waitStack(), cb: cb, onDrop: onDrop})
}
