package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
)

// run is one workflow run: its event loop (and JS runtime), the state the
// feature modules share (async context, failure classes, read-only mode),
// and the feature modules' own state, made on first use.
type run struct {
	loop
	w      *Workflows
	in     *inbound
	logger log.Logger

	root, cur, saved *asyncCtx // async context: the root's, the current one, the one before a job

	classes failureClasses
	goErrs  map[*goja.Object]error // continue-as-new commands, by their JS object

	fromHistory   map[*goja.Object]*failurepb.Failure // failures decoded from history, to rethrow as they came
	activitySeq   int                                 // activities scheduled, local ones included: the next activity ID
	seqID         *string                             // the ID the activity being made takes from its interceptors' input.seq (see interceptHost)
	held          []heldCommand                       // commands not sent yet (see hold)
	startingStack string                              // stack of the held command being sent (see SourceLocation)

	failure  goja.Value // a Temporal failure thrown by a handler: fails the workflow
	readOnly string     // non-empty while a query handler or validator runs

	failureClassesJS []*goja.Object // setWorkflowOptions failureExceptionTypes

	icpt           *interceptors                // workflow interceptors; nil without (see mod_interceptors.go)
	outHeaders     map[string]*commonpb.Payload // headers for the command being made (see withOutHeaders)
	outNexusHeader map[string]string            // Nexus header for the operation being started (see setOutNexusHeader)

	mods mods
}

// asyncCtx is what follows JS code across awaits (goja's async context
// tracking): the cancellation scope it runs in, in update handlers the
// update it serves, and the values of AsyncLocalStorage and friends (see
// ctxVals). It is immutable: a change makes a new one.
type asyncCtx struct {
	scope      *scope
	updateID   string
	updateName string
	vals       *ctxVals
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

func newRun(ctx workflow.Context, w *Workflows, in *inbound) *run {
	r := &run{w: w, in: in, logger: workflow.GetLogger(ctx)}
	info := workflow.GetInfo(ctx)
	rt := jsruntime.New(jsruntime.Env{
		Now:      func() time.Time { return workflow.Now(ctx) },
		Random:   r.currentRandom,
		Log:      r.consoleLog,
		Timers:   r,
		NewError: r.newError,
	})
	r.root = &asyncCtx{scope: &scope{ctx: ctx, cancellable: true}}
	r.cur = r.root
	r.loop.init(ctx, rt, w.opts.Limits.withDefaults(), r.workflowCancelled)
	r.loop.shapeFailure = r.shapeFailure
	r.loop.frames = w.frames
	if w.metrics != nil {
		r.tm = w.metrics.runStarted(info.WorkflowType.Name)
		r.wd.timed = r.tm != nil
	}
	r.vm.SetAsyncContextTracker(r)
	r.installHost()
	in.run = r
	return r
}

// newProbeRun makes a runtime with the host installed but no workflow
// context, to evaluate a bundle's top level in Load.
func newProbeRun(w *Workflows) *run {
	r := &run{w: w}
	r.loop.init(nil, jsruntime.New(jsruntime.Env{Log: func(string, string) {}, NewError: r.newError, Random: r.currentRandom}), w.opts.Limits.withDefaults(), nil)
	r.root = &asyncCtx{scope: &scope{cancellable: true}}
	r.cur = r.root
	r.installHost()
	return r
}

// newError makes an instance of the workflow module's error class named
// class (jsruntime.Env.NewError), or nil.
func (r *run) newError(class, msg string) goja.Value {
	ctor, ok := goja.AssertConstructor(r.ensureClasses().obj.Get(class))
	if !ok {
		return nil
	}
	v, err := ctor(nil, r.vm.ToValue(msg))
	if err != nil {
		return nil
	}
	return v
}

func (r *run) close() {
	if r.icpt != nil {
		r.disposeInterceptors()
	}
	r.closeMetrics()
	if r.in != nil && r.in.run == r {
		r.in.run = nil
	}
}

// execute runs the workflow function name with its arguments to completion.
func (r *run) execute(name string, payloads []*commonpb.Payload) (result converter.RawValue, resErr error) {
	var (
		fn      goja.Callable
		fnValue goja.Value // the workflow function, for interceptors
		args    []goja.Value
		ret     goja.Value
		err     error
		done    bool
	)
	r.js(func() {
		if r.w.icptProg != nil {
			// The bundle calls it once the interceptor modules are
			// evaluated, before the workflows file (see
			// bundler.InterceptorsReadyGlobal).
			_ = r.vm.Set(bundler.InterceptorsReadyGlobal, func(goja.FunctionCall) goja.Value {
				_ = r.vm.GlobalObject().Delete(bundler.InterceptorsReadyGlobal)
				r.loadInterceptors()
				return goja.Undefined()
			})
		}
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
		if r.w.icptProg != nil {
			fnValue = fnv
		}
	})
	args = make([]goja.Value, len(payloads))
	for i, p := range payloads {
		var v goja.Value
		var err error
		r.js(func() { v, err = r.rt.FromPayload(p) })
		if err != nil {
			// The TypeScript SDK fails the task: the run waits for a fix.
			panic(r.taskFailure("", err))
		}
		args[i] = v
	}
	r.js(func() {
		if r.onActivate != nil {
			r.onActivate()
		}
		r.random().initialized()
		r.deliverSignals()
		ret, err = r.withLifecycleLogging(func() (goja.Value, error) {
			if r.icpt.has("execute") {
				return r.interceptExecute(fnValue, args)
			}
			return fn(goja.Undefined(), args...)
		})
		if err != nil {
			result, resErr = r.fail(err)
			done = true
		} else if p, ok := ret.Export().(*goja.Promise); ok {
			r.watchRoot(p)
		}
	})
	if !done {
		if _, isPromise := ret.Export().(*goja.Promise); !isPromise {
			result, resErr = r.complete(name, ret)
			done = true
		}
	}
	if done {
		r.flushHeld()
		if r.onConclude != nil {
			r.js(r.onConclude)
		}
		r.turnEnded()
		return result, resErr
	}
	r.drive(func() bool {
		if r.mods.messages != nil {
			r.mods.messages.deliverSignalJobs()
		}
		if r.mods.timers != nil {
			r.mods.timers.checkConditions()
		}
		r.flushHeld()
		if r.failure != nil {
			result, resErr = r.failValue(r.failure)
			return true
		}
		switch root := ret.Export().(*goja.Promise); root.State() {
		case goja.PromiseStateFulfilled:
			r.logEnd(root.Result(), false)
			result, resErr = r.complete(name, root.Result())
			return true
		case goja.PromiseStateRejected:
			r.logEnd(root.Result(), true)
			result, resErr = r.failValue(root.Result())
			return true
		}
		return false
	})
	return result, resErr
}

// complete ends the run with the workflow function's value.
func (r *run) complete(name string, v goja.Value) (converter.RawValue, error) {
	r.warnUnfinishedSignals()
	p, err := r.rt.ToPayload(v)
	if err != nil {
		// The TypeScript SDK converts the result in a callback of the
		// workflow function's promise: what the converter throws is an
		// unhandled rejection, which fails the task.
		var ex *goja.Exception
		if errors.As(err, &ex) {
			panic(r.unhandledRejection(ex.Value()))
		}
		panic(fmt.Errorf("workflow %s returned a value that cannot be serialized: %w", name, err))
	}
	return converter.NewRawValue(p), nil
}

// deliverSignals hands queued signals to their handlers (see messages).
func (r *run) deliverSignals() {
	if r.mods.messages != nil {
		r.mods.messages.deliverSignals()
	}
}

// warnUnfinishedSignals warns about async signal handlers still running.
func (r *run) warnUnfinishedSignals() {
	if r.mods.messages != nil {
		r.mods.messages.warnUnfinishedSignals()
	}
}

// SetTimeout implements setTimeout (jsruntime.Timers) with a durable timer.
func (r *run) SetTimeout(fn goja.Callable, ms int64, args []goja.Value) int64 {
	return r.timers().setTimeout(fn, ms, args)
}

// ClearTimeout implements clearTimeout (jsruntime.Timers).
func (r *run) ClearTimeout(id int64) {
	if r.mods.timers != nil {
		r.mods.timers.clearTimeout(id)
	}
}

// workflowCancelled cancels the root scope when the workflow is cancelled.
func (r *run) workflowCancelled() {
	r.cancelScope(r.root.scope, r.cancelledFailure("Workflow cancelled"))
}

// requireContext throws when a workflow API is used outside a workflow run
// (at the top level of the workflows file).
func (r *run) requireContext(api string) {
	if r.ctx == nil {
		panic(r.vm.NewTypeError("%s() may only be called from a workflow function, not at the top level of the workflows file", api))
	}
}

// enterReadOnly marks the run read-only (queries, validators) until the
// returned function is called.
func (r *run) enterReadOnly(what string) func() {
	prev := r.readOnly
	r.readOnly = what
	return func() { r.readOnly = prev }
}

// requireWritable throws when api is called from a query handler or an
// update validator, which must not change the workflow.
func (r *run) requireWritable(api string) {
	if r.readOnly != "" {
		panic(r.vm.NewTypeError("%s() cannot be used in a %s: query handlers and update validators must not change the workflow", api, r.readOnly))
	}
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
			// What the payload converter throws is thrown to the workflow
			// code as it is, as in the TypeScript SDK.
			var ex *goja.Exception
			if errors.As(err, &ex) {
				panic(ex)
			}
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
		out[i] = converter.NewRawValue(p)
	}
	return out, nil
}

// decodeArgs decodes payloads as JS values.
func (r *run) decodeArgs(payloads []*commonpb.Payload) ([]goja.Value, error) {
	args := make([]goja.Value, len(payloads))
	for i, p := range payloads {
		v, err := r.rt.FromPayload(p)
		if err != nil {
			return nil, fmt.Errorf("decode argument %d: %w", i, err)
		}
		args[i] = v
	}
	return args, nil
}
