package engine

import (
	"fmt"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
)

// run is one workflow run: its JS runtime and everything pending in it.
type run struct {
	w      *Workflows
	ctx    workflow.Context // nil for the probe run of Load
	in     *inbound
	rt     *jsruntime.Runtime
	vm     *goja.Runtime
	logger log.Logger

	sel     workflow.Selector
	wakeCh  workflow.Channel // nudged when a message is queued
	conds   []*cond
	timers  map[int64]workflow.CancelFunc
	timerID int64

	classes failureClasses
	goErrs  map[*goja.Object]error // Go errors behind JS values: failures to rethrow as they were, continue-as-new commands

	root, cur, saved *asyncCtx // async context: the root's, the current one, the one before a job

	signalHandlers map[string]*handler
	queryHandlers  map[string]*handler
	updateHandlers map[string]*handler
	defaultSignal  *handler
	delivering     bool
	signalRuns     []*execution // async signal handlers still running
	failure        goja.Value   // a Temporal failure thrown by a handler: fails the workflow
	readOnly       string       // non-empty while a query handler or validator runs

	scopes     map[*goja.Object]*scope // JS CancellationScope objects
	scopeProto *goja.Object
	cancelSeen bool  // the workflow was cancelled
	ops        []*op // futures in the selector, to rebuild it
	liveOps    int

	// __stack_trace: JS stacks of pending operations (see stacktrace.go).
	stacks        []stackCount
	stacksChanged bool
	selName       string
	cbStack       string // stack of the operation whose callback runs

	failureClassesJS []*goja.Object // setWorkflowOptions failureExceptionTypes

	wd        *watchdog
	lastStack string // stack of the last uncatchable error

	patches map[string]bool // patched() answers, for queries

	tm *typeMetrics // metrics of the run's workflow type; nil without metrics
}

// op is a future the loop waits on.
type op struct {
	f     workflow.Future
	cb    func(workflow.Future)
	done  bool
	stack string // JS stack where the workflow code started it
}

// asyncCtx is what follows JS code across awaits (goja's async context
// tracking): the cancellation scope it runs in and, in update handlers, the
// update it serves.
type asyncCtx struct {
	scope      *scope
	updateID   string
	updateName string
}

// Grab implements goja.AsyncContextTracker.
func (r *run) Grab() any { return r.cur }

// Resumed implements goja.AsyncContextTracker.
func (r *run) Resumed(o any) {
	r.saved = r.cur
	if c, ok := o.(*asyncCtx); ok && c != nil {
		r.cur = c
	}
}

// Exited implements goja.AsyncContextTracker.
func (r *run) Exited() { r.cur = r.saved }

// scopeCtx is the workflow context of the current cancellation scope.
func (r *run) scopeCtx() workflow.Context { return r.cur.scope.ctx }

// cond is a pending condition(): its predicate and the promise to settle.
type cond struct {
	fn       goja.Callable
	resolve  func(any) error
	cancel   workflow.CancelFunc // timeout timer, if any
	done     bool
	timedOut bool
	stack    string // JS stack of the condition() call
}

func newRun(ctx workflow.Context, w *Workflows, in *inbound) *run {
	r := &run{w: w, ctx: ctx, in: in, logger: workflow.GetLogger(ctx)}
	info := workflow.GetInfo(ctx)
	r.rt = jsruntime.New(jsruntime.Env{
		Now:    func() time.Time { return workflow.Now(ctx) },
		Seed:   seedFor(info),
		Log:    r.consoleLog,
		Timers: r,
	})
	r.vm = r.rt.VM
	r.initLimits()
	if w.metrics != nil {
		r.tm = w.metrics.runStarted(info.WorkflowType.Name)
		r.wd.timed = r.tm != nil
	}
	r.root = &asyncCtx{scope: &scope{ctx: ctx, cancellable: true}}
	r.cur = r.root
	r.vm.SetAsyncContextTracker(r)
	r.wakeCh = workflow.NewBufferedChannel(ctx, 1)
	r.rebuildSelector()
	r.installHost()
	in.run = r
	return r
}

// newProbeRun makes a runtime with the host installed but no workflow
// context, to evaluate a bundle's top level in Load.
func newProbeRun(w *Workflows) *run {
	r := &run{w: w}
	r.rt = jsruntime.New(jsruntime.Env{Log: func(string, string) {}})
	r.vm = r.rt.VM
	r.initLimits()
	r.root = &asyncCtx{scope: &scope{cancellable: true}}
	r.cur = r.root
	r.installHost()
	return r
}

func (r *run) close() {
	r.closeMetrics()
	if r.in != nil && r.in.run == r {
		r.in.run = nil
	}
}

// wake makes a blocked loop iterate once more.
func (r *run) wake() {
	r.wakeCh.SendAsync(nil)
}

func (r *run) consoleLog(level, msg string) {
	if r.logger == nil {
		return
	}
	switch level {
	case "debug":
		r.logger.Debug(msg)
	case "warn":
		r.logger.Warn(msg)
	case "error":
		r.logger.Error(msg)
	default:
		r.logger.Info(msg)
	}
}

// execute runs the workflow function name with its arguments to completion.
func (r *run) execute(name string, payloads []*commonpb.Payload) (result converter.RawValue, resErr error) {
	var (
		fn   goja.Callable
		args []goja.Value
		ret  goja.Value
		err  error
		done bool
	)
	r.js(func() {
		exports, err := r.rt.Run(r.w.prog, bundler.ExportsGlobal)
		if err != nil {
			panic(r.taskFailure(fmt.Sprintf("evaluating %s failed", r.w.opts.Name), err))
		}
		fnv := exports.Get(name)
		var ok bool
		if fn, ok = goja.AssertFunction(fnv); !ok {
			panic(fmt.Errorf("Failed to initialize workflow of type '%s': expected a function in %s", name, r.w.opts.Name))
		}
		r.readWorkflowOptions(fnv)
	})
	args = make([]goja.Value, len(payloads))
	for i, p := range payloads {
		v, err := r.rt.FromPayload(p)
		if err != nil {
			return converter.RawValue{}, invalidArgument(fmt.Sprintf("decode argument %d of workflow %s: %v", i, name, err))
		}
		args[i] = v
	}
	r.js(func() {
		r.deliverSignals()
		ret, err = fn(goja.Undefined(), args...)
		if err != nil {
			result, resErr = r.fail(err)
			done = true
		}
	})
	if done {
		return result, resErr
	}
	root, isPromise := ret.Export().(*goja.Promise)
	for isPromise {
		r.js(func() {
			r.deliverSignals()
			r.checkConditions()
		})
		if r.failure != nil {
			return r.failValue(r.failure)
		}
		switch root.State() {
		case goja.PromiseStateFulfilled:
			ret, isPromise = root.Result(), false
			continue
		case goja.PromiseStateRejected:
			return r.failValue(root.Result())
		}
		r.endTaskIfBlocking()
		r.nameSelector()
		r.sel.Select(r.ctx)
	}
	r.warnUnfinishedSignals()
	p, err := r.rt.ToPayload(ret)
	if err != nil {
		panic(fmt.Errorf("workflow %s returned a value that cannot be serialized: %w", name, err))
	}
	return converter.NewRawValue(p), nil
}

// checkConditions settles every condition() whose predicate is now true,
// until none changes: a resolved condition may make another one true.
func (r *run) checkConditions() {
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

// await adds f to the loop's selector; cb runs on the loop when f is ready.
func (r *run) await(f workflow.Future, cb func(workflow.Future)) {
	o := &op{f: f, cb: cb, stack: r.holdStack(r.waitStack())}
	r.ops = append(r.ops, o)
	r.liveOps++
	r.addOp(o)
}

func (r *run) addOp(o *op) {
	r.sel.AddFuture(o.f, func(f workflow.Future) {
		o.done = true
		r.liveOps--
		r.releaseStack(o.stack)
		if len(r.ops) > 32 && r.liveOps < len(r.ops)/2 {
			r.compactOps()
		}
		r.cbStack = o.stack
		r.js(func() { o.cb(f) })
		r.cbStack = ""
	})
}

func (r *run) compactOps() {
	live := r.ops[:0]
	for _, o := range r.ops {
		if !o.done {
			live = append(live, o)
		}
	}
	clear(r.ops[len(live):])
	r.ops = live
}

// rebuildSelector makes a new selector over everything pending.
func (r *run) rebuildSelector() {
	r.sel = r.newLoopSelector()
	r.sel.AddReceive(r.wakeCh, func(c workflow.ReceiveChannel, more bool) { c.ReceiveAsync(nil) })
	if !r.cancelSeen {
		r.watchWorkflowCancel()
	}
	r.compactOps()
	for _, o := range r.ops {
		r.addOp(o)
	}
}

func (r *run) initLimits() {
	l := r.w.opts.Limits.withDefaults()
	r.wd = &watchdog{limits: l, vm: r.vm}
	r.vm.SetMaxCallStackSize(l.MaxCallStackSize)
}
