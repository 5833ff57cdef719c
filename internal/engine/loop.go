package engine

import (
	"github.com/dop251/goja"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/jsruntime"
	"github.com/tsworker/tsworker/internal/jsstack"
)

// loop owns one run's JavaScript event loop: the VM, the selector the run
// blocks on, the operations pending in it (activities, timers, children,
// messages ...), the microtask queue and the promise rejections nobody has
// handled yet. Feature modules start operations with await and never block
// themselves; the run's main coroutine calls turn to make progress.
//
// Who touches the VM. goja's Runtime is not goroutine-safe, and several
// goroutines run this run's JS:
//   - the workflow's root coroutine (the run's main function and this loop);
//   - the coroutine of each update handler the Go SDK starts (update);
//   - the caller's goroutine for queries and update validators, which the Go
//     SDK runs outside any coroutine, while every coroutine of the run is
//     blocked (between workflow tasks, or at the point of the task where the
//     message is handled).
//
// The Go SDK's dispatcher runs a workflow's coroutines one at a time, each
// until it blocks, and handles queries and validators only while none runs.
// So at any moment at most one goroutine touches the VM, and it sees the
// writes of the previous one (the dispatcher's channel handoffs order them).
// That turn-taking, not a lock, is what makes the VM safe; everything in the
// loop relies on it. The watchdog's timer goroutine is the one exception: it
// only calls vm.Interrupt, which goja allows from any goroutine.
//
// Microtasks. goja runs the job queue (promise reactions) whenever a call
// from Go into JS returns to the outermost level, so every stretch of JS
// started with js drains it before it ends: resolving a JS promise in a
// selector callback runs the awaiting JS code at once.
//
// Unhandled rejections. The rejection tracker lists promises rejected while
// no handler was attached and drops them when one is attached later. A
// rejection still listed when the run's turn ends (its part of the workflow
// task, see turnEnded) fails the workflow task, whatever was rejected, as the
// TypeScript SDK fails the activation on Node's unhandledRejection event.
type loop struct {
	ctx workflow.Context // nil in the probe run of Load
	rt  *jsruntime.Runtime
	vm  *goja.Runtime

	wd        *watchdog
	lastStack string       // stack of the last uncatchable error
	tm        *typeMetrics // metrics of the run's workflow type; nil without metrics
	frames    *frameCache  // stacks and positions, shared by the runs of the Workflows (see stacktrace.go)

	sel        workflow.Selector
	wakeCh     workflow.Channel // nudged when a message is queued
	ops        []*op            // futures in the selector, to rebuild it
	liveOps    int
	cancelSeen bool   // the workflow was cancelled
	onCancel   func() // called once when the workflow is cancelled

	// __stack_trace: JS stacks of pending operations (see stacktrace.go).
	stacks        []stackCount
	stacksChanged bool
	selName       string
	cbStack       string // stack of the operation whose callback runs

	root     *goja.Promise   // the workflow function's promise, which the loop itself watches
	rejected []*goja.Promise // rejected promises without a handler, oldest first
	// shapeFailure completes the failure of a task failure (see
	// taskfailure.go); set by the run, nil in the probe run of Load.
	shapeFailure func(e *WorkflowTaskError, f *failurepb.Failure, cause goja.Value)

	sinks *sinkQueue // sink calls to make when the JS work that made them is over; nil until one

	// onActivate and onConclude begin and conclude an activation, for the
	// internals interceptors of a run that has some; nil otherwise (see
	// mod_interceptors.go).
	onActivate, onConclude func()
}

// op is a future the loop waits on.
type op struct {
	f     workflow.Future
	cb    func(workflow.Future)
	done  bool
	stack string // JS stack where the workflow code started it
}

// init sets the loop up on a runtime; with a workflow context it also
// makes the selector. onCancel runs when the workflow is cancelled.
func (l *loop) init(ctx workflow.Context, rt *jsruntime.Runtime, limits Limits, onCancel func()) {
	l.ctx, l.rt, l.vm = ctx, rt, rt.VM
	l.wd = &watchdog{limits: limits, vm: l.vm}
	l.vm.SetMaxCallStackSize(limits.MaxCallStackSize)
	if ctx == nil {
		return
	}
	l.vm.SetPromiseRejectionTracker(l.trackRejection)
	l.onCancel = onCancel
	l.wakeCh = workflow.NewBufferedChannel(ctx, 1)
	l.rebuildSelector()
}

// wake makes a blocked loop iterate once more.
func (l *loop) wake() {
	l.wakeCh.SendAsync(nil)
}

// await adds f to the loop's selector; cb runs on the loop, as JS, when f is
// ready.
func (l *loop) await(f workflow.Future, cb func(workflow.Future)) {
	l.awaitStack(f, l.waitStack(), cb)
}

// awaitStack is await for an operation asked for at stack (see waitStack).
func (l *loop) awaitStack(f workflow.Future, stack string, cb func(workflow.Future)) {
	o := &op{f: f, cb: cb, stack: l.holdStack(stack)}
	l.ops = append(l.ops, o)
	l.liveOps++
	l.addOp(o)
}

func (l *loop) addOp(o *op) {
	l.sel.AddFuture(o.f, func(f workflow.Future) {
		o.done = true
		l.liveOps--
		l.releaseStack(o.stack)
		// The Go SDK cancels the workflow's context, and with it the
		// operations in it, at once: the workflow's cancellation must reach
		// the JS (the root scope's reason) before any of them. (o is done:
		// the rebuilt selector leaves it out.)
		l.noticeCancel()
		if len(l.ops) > 32 && l.liveOps < len(l.ops)/2 {
			l.compactOps()
		}
		l.cbStack = o.stack
		l.js(func() {
			if l.onActivate != nil {
				l.onActivate()
			}
			o.cb(f)
		})
		l.cbStack = ""
	})
}

func (l *loop) compactOps() {
	live := l.ops[:0]
	for _, o := range l.ops {
		if !o.done {
			live = append(live, o)
		}
	}
	clear(l.ops[len(live):])
	l.ops = live
}

// rebuildSelector makes a new selector over everything pending.
func (l *loop) rebuildSelector() {
	l.sel = l.newLoopSelector()
	l.sel.AddReceive(l.wakeCh, func(c workflow.ReceiveChannel, more bool) {
		c.ReceiveAsync(nil)
		if l.onActivate != nil {
			l.js(l.onActivate)
		}
	})
	if !l.cancelSeen {
		// The only case on a channel that stays ready once closed, so after
		// it fires the selector is rebuilt without it.
		l.sel.AddReceive(l.ctx.Done(), func(workflow.ReceiveChannel, bool) { l.noticeCancel() })
	}
	l.compactOps()
	for _, o := range l.ops {
		l.addOp(o)
	}
}

// noticeCancel runs onCancel once the workflow's context is cancelled.
func (l *loop) noticeCancel() {
	if l.cancelSeen || l.ctx.Err() == nil {
		return
	}
	l.cancelSeen = true
	l.js(func() {
		if l.onActivate != nil {
			l.onActivate()
		}
		l.onCancel()
	})
	l.rebuildSelector()
}

// drive runs the loop until turn reports the run is over. turn runs as JS
// (its microtasks drained) at the start and after every wake-up of the
// selector; between turns the loop blocks on everything pending.
func (l *loop) drive(turn func() (done bool)) {
	for {
		done := false
		l.js(func() { done = turn() })
		if done {
			if l.onConclude != nil {
				l.js(l.onConclude)
			}
			l.turnEnded()
			return
		}
		if !l.sel.HasPending() {
			// The next Select blocks: the run's part of this workflow task
			// is over.
			if l.onConclude != nil {
				l.js(l.onConclude)
			}
			l.turnEnded()
			if !workflow.IsReplaying(l.ctx) {
				l.endTask()
			}
		}
		l.nameSelector()
		l.sel.Select(l.ctx)
	}
}

// turnEnded fails the workflow task on a rejection that no handler took
// while the run made progress, as the TypeScript SDK fails an activation
// that leaves one.
func (l *loop) turnEnded() {
	if len(l.rejected) == 0 {
		return
	}
	panic(l.unhandledRejection(l.rejected[0].Result()))
}

// describeRejection renders a rejection reason as Node's `${err}` does (an
// Error reads "Name: message"), with the reason's stack if it has one.
func describeRejection(vm *goja.Runtime, v goja.Value) (msg, stack string) {
	msg = "undefined"
	if v == nil {
		return msg, ""
	}
	if ex := vm.Try(func() { msg = v.String() }); ex != nil {
		msg = "(a value whose toString throws)"
	}
	if o, ok := v.(*goja.Object); ok {
		_ = vm.Try(func() { stack = jsstack.Clean(str2(o.Get("stack"))) })
	}
	return msg, stack
}

// trackRejection is the VM's promise rejection tracker.
func (l *loop) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		if p != l.root {
			l.rejected = append(l.rejected, p)
		}
	case goja.PromiseRejectionHandle:
		l.forgetRejection(p)
	}
}

// forgetRejection treats p's rejection as handled: the engine read it.
func (l *loop) forgetRejection(p *goja.Promise) {
	for i, q := range l.rejected {
		if q == p {
			l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
			if len(l.rejected) == 0 {
				l.rejected = nil
			}
			return
		}
	}
}

// watchRoot tells the loop that p is the workflow function's promise, whose
// rejection the run reads itself (it fails the workflow or the task).
func (l *loop) watchRoot(p *goja.Promise) {
	l.root = p
	l.forgetRejection(p)
}

// markHandled attaches a no-op rejection handler, so a promise nobody awaits
// is not an unhandled rejection.
func (l *loop) markHandled(p goja.Value) {
	if o, ok := p.(*goja.Object); ok {
		if catch, ok := goja.AssertFunction(o.Get("catch")); ok {
			_, _ = catch(o, l.vm.ToValue(func(goja.FunctionCall) goja.Value { return goja.Undefined() }))
		}
	}
}

// onSettle calls cb once p settles, from within the JS job queue.
func (l *loop) onSettle(p *goja.Promise, cb func(v goja.Value, rejected bool)) {
	then, _ := goja.AssertFunction(l.vm.ToValue(p).ToObject(l.vm).Get("then"))
	onOK := l.vm.ToValue(func(c goja.FunctionCall) goja.Value { cb(c.Argument(0), false); return goja.Undefined() })
	onErr := l.vm.ToValue(func(c goja.FunctionCall) goja.Value { cb(c.Argument(0), true); return goja.Undefined() })
	_, _ = then(l.vm.ToValue(p), onOK, onErr)
}

// rejectedPromise returns a promise rejected with v.
func (l *loop) rejectedPromise(v goja.Value) goja.Value {
	p, _, reject := l.vm.NewPromise()
	_ = reject(v)
	return l.vm.ToValue(p)
}

func (l *loop) workflowType() string {
	if l.ctx == nil {
		return "(load)"
	}
	return workflow.GetInfo(l.ctx).WorkflowType.Name
}

// js runs fn as a stretch of JS execution under the watchdog; if the VM was
// interrupted, the workflow task fails with the reason.
func (l *loop) js(fn func()) {
	l.wd.enter()
	defer func() {
		reason := l.wd.leave()
		p := recover()
		l.flushSinks()
		if reason != nil {
			e := &WorkflowTaskError{Workflow: l.workflowType(), Message: reason.Error(), Stack: l.lastStack, Engine: true}
			panic(l.taskError(e, &failurepb.Failure{Message: e.Error(), StackTrace: e.Stack}, nil))
		}
		if p != nil {
			panic(p)
		}
	}()
	fn()
}

// jsErr is js for callers that answer with an error instead of failing the
// task (queries, validators).
func (l *loop) jsErr(fn func()) (err error) {
	l.wd.enter()
	defer func() {
		reason := l.wd.leave()
		l.flushSinks()
		if reason != nil {
			recover()
			err = reason
		}
	}()
	fn()
	return nil
}

// flushSinks makes the sink calls of the JS work just done (also when it
// failed the task, as the TypeScript SDK processes an activation's sink
// calls however the activation ended).
func (l *loop) flushSinks() {
	if l.sinks != nil && len(l.sinks.calls) > 0 {
		l.sinks.flush()
	}
}
