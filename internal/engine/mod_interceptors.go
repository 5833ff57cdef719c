package engine

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
)

// Workflow interceptors (the TypeScript SDK's WorkflowInterceptors): modules
// bundled with the workflows (bundler.Options.InterceptorModules) export an
// interceptors factory, called once per run before the workflow function.
// A bundle without such modules pays nothing: Workflows.icptProg is nil, the
// run's icpt stays nil, and the host functions are the plain ones.
//
// The composition is JS (interceptors.js, compiled once per Workflows and
// evaluated only in runs that have interceptors): each intercepted call goes
// through it with the engine's own handler, a Go host function, at the end
// of the chain. The interceptors' headers reach the server through the
// worker interceptor's outbound (see outbound.addHeaders).
//
// Activations: the TypeScript SDK hands a run its work in activations, and
// internals interceptors see each one (activate, concludeActivation). Here,
// an activation begins when the run's JS first runs after the run was
// blocked (the start, a completed operation, a message, a query, an update)
// and is concluded when the run blocks again (or ends). activate's next
// returns at once: the activation's jobs run after the activate chain
// returns. concludeActivation's commands are empty: the engine has issued
// them to the Go SDK as the JS asked.

//go:embed interceptors.js
var interceptorsJS string

// jsHeaderKey keys the headers an outbound interceptor set on the context of
// the command they go with (see run.withOutHeaders).
type jsHeaderKey struct{}

// nexusHeaderKey keys the Nexus header the startNexusOperation interceptors
// set on the context of the operation it goes with (see heldNexus.start).
type nexusHeaderKey struct{}

// interceptors is a run's composed workflow interceptors.
type interceptors struct {
	obj     *goja.Object    // what interceptors.js returns
	methods map[string]bool // the interceptor methods some interceptor defines
	active  bool            // an activation is open (see beginActivation)
	// deferring holds the commands the JS asks for from the
	// concludeActivation interceptors on until the next activation, which
	// sends them first (see concludeActivation).
	deferring bool
}

// has reports whether some interceptor defines method; false for a run
// without interceptors.
func (ic *interceptors) has(method string) bool { return ic != nil && ic.methods[method] }

// compileInterceptors compiles interceptors.js for a bundle whose global
// bundler.InterceptorsGlobal lists interceptor modules, or returns nil.
func compileInterceptors(vm *goja.Runtime) (*goja.Program, error) {
	v := vm.GlobalObject().Get(bundler.InterceptorsGlobal)
	if v == nil || goja.IsUndefined(v) {
		return nil, nil
	}
	prog, err := goja.Compile("tsworker:interceptors.js", interceptorsJS, true)
	if err != nil {
		return nil, fmt.Errorf("compile interceptors: %w", err)
	}
	return prog, nil
}

// loadInterceptors calls the interceptor modules' factories, in order. It
// runs as JS, from the bundle once the interceptor modules are evaluated
// and before the workflows file is (see bundler.InterceptorsReadyGlobal), as
// in the TypeScript SDK; a factory that throws fails the workflow task, as
// it fails the TypeScript SDK's activation.
func (r *run) loadInterceptors() {
	fnv, err := r.vm.RunProgram(r.w.icptProg)
	if err != nil {
		panic(r.taskFailure("", err))
	}
	fn, _ := goja.AssertFunction(fnv)
	host := r.vm.NewObject()
	_ = host.Set("headers", r.setOutHeaders)
	_ = host.Set("nexusHeaders", r.setOutNexusHeader)
	mods := r.vm.GlobalObject().Get(bundler.InterceptorsGlobal)
	v, err := fn(goja.Undefined(), mods, host)
	if err != nil {
		panic(r.taskFailure("", err))
	}
	obj := v.ToObject(r.vm)
	ic := &interceptors{obj: obj, methods: map[string]bool{}}
	if m, ok := obj.Get("methods").Export().([]any); ok {
		for _, name := range m {
			ic.methods[fmt.Sprint(name)] = true
		}
	}
	if len(ic.methods) == 0 {
		return
	}
	r.icpt = ic
	if ic.has("activate") || ic.has("concludeActivation") {
		r.onActivate = func() {
			if err := r.beginActivation(); err != nil {
				panic(err)
			}
		}
		r.onConclude = r.concludeActivation
	}
}

// icall calls the function name of interceptors.js's object.
func (r *run) icall(name string, args ...goja.Value) (goja.Value, error) {
	fn, _ := goja.AssertFunction(r.icpt.obj.Get(name))
	return fn(r.icpt.obj, args...)
}

// beginActivation opens an activation unless one is open, calling the
// activate interceptors. It returns the task failure of a throw.
func (r *run) beginActivation() error {
	ic := r.icpt
	if ic == nil || ic.active {
		return nil
	}
	ic.active = true
	ic.deferring = false
	if !ic.has("activate") {
		return nil
	}
	info := workflow.GetInfo(r.ctx)
	act := r.vm.NewObject()
	_ = act.Set("runId", info.WorkflowExecution.RunID)
	if ctor, ok := goja.AssertConstructor(r.vm.Get("Date")); ok {
		if d, err := ctor(nil, r.vm.ToValue(workflow.Now(r.ctx).UnixMilli())); err == nil {
			_ = act.Set("timestamp", d)
		}
	}
	_ = act.Set("isReplaying", workflow.IsReplaying(r.ctx))
	_ = act.Set("historyLength", info.GetCurrentHistoryLength())
	_ = act.Set("jobs", r.vm.NewArray())
	if _, err := r.icall("activate", act); err != nil {
		return r.taskFailure("", err)
	}
	return nil
}

// concludeActivation closes the open activation, calling the
// concludeActivation interceptors. It runs as JS.
//
// The TypeScript SDK collects an activation's commands before it calls
// those interceptors: the commands they, or JS run after them, ask for go
// with the next activation, first. So do the commands the engine holds (see
// hold: activities and condition timeouts) from here on; others (timers,
// children, signals) are sent at once.
func (r *run) concludeActivation() {
	if err := r.concludeActivationErr(); err != nil {
		panic(err)
	}
}

func (r *run) concludeActivationErr() error {
	ic := r.icpt
	if ic == nil || !ic.active {
		return nil
	}
	ic.active = false
	ic.deferring = true
	if !ic.has("concludeActivation") {
		return nil
	}
	if _, err := r.icall("concludeActivation", r.vm.NewArray()); err != nil {
		return r.taskFailure("", err)
	}
	return nil
}

// disposeInterceptors calls the dispose interceptors as the run ends (it
// completed, failed its task or left the cache). Their errors are dropped:
// nothing is left to fail.
func (r *run) disposeInterceptors() {
	if !r.icpt.has("dispose") {
		return
	}
	defer func() { _ = recover() }()
	_, _ = r.icall("dispose")
}

// ---- headers --------------------------------------------------------------

// setOutHeaders is host.headers of interceptors.js: the headers an outbound
// interceptor gave the command being made (undefined: none).
func (r *run) setOutHeaders(c goja.FunctionCall) goja.Value {
	v := c.Argument(0)
	r.outHeaders = nil
	o, ok := v.(*goja.Object)
	if !ok {
		return goja.Undefined()
	}
	keys := o.Keys()
	if len(keys) == 0 {
		return goja.Undefined()
	}
	m := make(map[string]*commonpb.Payload, len(keys))
	for _, k := range keys {
		p, err := r.rt.PayloadFromObject(o.Get(k))
		if err != nil {
			panic(r.vm.NewTypeError("header %q: %v", k, err))
		}
		m[k] = p
	}
	r.outHeaders = m
	return goja.Undefined()
}

// setOutNexusHeader is host.nexusHeaders of interceptors.js: the Nexus
// header (the TypeScript SDK's Record<string, string>) a startNexusOperation
// interceptor gave the operation being started (undefined: none).
func (r *run) setOutNexusHeader(c goja.FunctionCall) goja.Value {
	r.outNexusHeader = nil
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		return goja.Undefined()
	}
	keys := o.Keys()
	if len(keys) == 0 {
		return goja.Undefined()
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = o.Get(k).String()
	}
	r.outNexusHeader = m
	return goja.Undefined()
}

// withOutHeaders returns ctx carrying the headers an outbound interceptor
// set for the command made with it (see outbound.addHeaders), or ctx itself.
func (r *run) withOutHeaders(ctx workflow.Context) workflow.Context {
	if r.outHeaders == nil {
		return ctx
	}
	ctx = workflow.WithValue(ctx, jsHeaderKey{}, r.outHeaders)
	r.outHeaders = nil
	return ctx
}

// headersJS returns headers as the TypeScript SDK hands them to inbound
// interceptors: Record<string, Payload>.
func (r *run) headersJS(h map[string]*commonpb.Payload) goja.Value {
	o := r.vm.NewObject()
	for k, p := range h {
		v, err := r.rt.PayloadObject(p)
		if err != nil {
			panic(r.vm.NewGoError(fmt.Errorf("header %q: %w", k, err)))
		}
		_ = o.Set(k, v)
	}
	return o
}

// ---- inbound ----------------------------------------------------------------

// interceptExecute calls the workflow function fn through the execute
// interceptors.
func (r *run) interceptExecute(fn goja.Value, args []goja.Value) (goja.Value, error) {
	return r.icall("execute", fn, r.vm.NewArray(anySlice(args)...), r.headersJS(r.in.header))
}

func anySlice(vs []goja.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// jsArgs reads a JS array of arguments.
func (r *run) jsArgs(v goja.Value) []goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	n := int(o.Get("length").ToInteger())
	out := make([]goja.Value, n)
	for i := range out {
		out[i] = o.Get(fmt.Sprint(i))
	}
	return out
}

// callJS calls fn from a host function, rethrowing its exception.
func (r *run) callJS(fn goja.Callable, args []goja.Value) goja.Value {
	v, err := fn(goja.Undefined(), args...)
	if err != nil {
		panic(err)
	}
	return v
}

// ---- outbound ---------------------------------------------------------------

// interceptHost wraps the host functions behind outbound calls, in a run of a
// bundle with interceptor modules: each goes through the run's interceptors
// of its kind, if it has some, when called.
//
// The Nexus clients of createNexusServiceClient go through the
// startNexusOperation interceptors, which may set the operation's Nexus
// header (see setOutNexusHeader).
func (r *run) interceptHost(name string, v any) any {
	orig, ok := v.(func(goja.FunctionCall) goja.Value)
	if !ok {
		return v
	}
	switch name {
	case "activity", "localActivity":
		local := name == "localActivity"
		method := "scheduleActivity"
		if local {
			method = "scheduleLocalActivity"
		}
		// As in the TypeScript SDK, the activity's seq is taken before the
		// interceptors run (one that never calls next uses it up too), and
		// the activity's ID is the seq next is given.
		next := func(c goja.FunctionCall) goja.Value {
			id := c.Argument(3).String()
			r.seqID = &id
			defer func() { r.seqID = nil }()
			return orig(goja.FunctionCall{This: c.This, Arguments: c.Arguments[:min(3, len(c.Arguments))]})
		}
		return func(c goja.FunctionCall) goja.Value {
			if !r.icpt.has(method) || goja.IsUndefined(c.Argument(2)) {
				return orig(c) // without options: throws before the seq and the interceptors
			}
			seq, _ := strconv.Atoi(r.nextActivityID())
			args := []goja.Value{r.vm.ToValue(next), r.vm.ToValue(local), r.vm.ToValue(seq), c.Argument(0), c.Argument(1), c.Argument(2)}
			if !local {
				return r.icallOrThrow("activity", args...)
			}
			// scheduleLocalActivity is async in the TypeScript SDK: what
			// its interceptors throw rejects it.
			v, err := r.icall("activity", args...)
			if err != nil {
				var ex *goja.Exception
				if !errors.As(err, &ex) {
					panic(err)
				}
				return r.rejectedPromise(ex.Value())
			}
			return v
		}
	case "sleep":
		return func(c goja.FunctionCall) goja.Value {
			if !r.icpt.has("startTimer") {
				return orig(c)
			}
			d, err := parseDuration(c.Argument(0))
			if err != nil {
				return orig(c) // throws
			}
			return r.icallOrThrow("timer", r.vm.ToValue(orig), r.vm.ToValue(max(1, d.Milliseconds())), c.Argument(1))
		}
	case "startChild":
		return func(c goja.FunctionCall) goja.Value {
			if !r.icpt.has("startChildWorkflowExecution") && !r.icpt.has("signalWorkflow") {
				return orig(c)
			}
			return r.icallOrThrow("child", r.vm.ToValue(orig), c.Argument(0), c.Argument(1))
		}
	case "continueAsNewIntercepted":
		return func(c goja.FunctionCall) goja.Value {
			if !r.icpt.has("continueAsNew") {
				return goja.Undefined()
			}
			can := r.vm.ToValue(hostExports["continueAsNew"](r))
			return r.icallOrThrow("continueAsNew", can, r.ensureClasses().obj.Get("ContinueAsNew"), c.Argument(0), c.Argument(1))
		}
	case "createNexusServiceClient":
		// The client's operations go through startNexusOperation
		// interceptors, which may set their Nexus header.
		return func(c goja.FunctionCall) goja.Value {
			client := orig(c)
			if !r.icpt.has("startNexusOperation") {
				return client
			}
			return r.icallOrThrow("nexusClient", client, c.Argument(0))
		}
	case "externalHandle":
		return func(c goja.FunctionCall) goja.Value {
			h := orig(c)
			if r.icpt.has("signalWorkflow") {
				o := h.ToObject(r.vm)
				target := r.vm.NewObject()
				_ = target.Set("type", "external")
				exec := r.vm.NewObject()
				_ = exec.Set("workflowId", o.Get("workflowId"))
				_ = exec.Set("runId", o.Get("runId"))
				_ = target.Set("workflowExecution", exec)
				_ = o.Set("signal", r.icallOrThrow("signaller", o.Get("signal"), target))
			}
			return h
		}
	}
	return v
}

// icallOrThrow is icall from a host function: an exception is rethrown.
func (r *run) icallOrThrow(name string, args ...goja.Value) goja.Value {
	v, err := r.icall(name, args...)
	if err != nil {
		panic(err)
	}
	return v
}

// interceptedMetricTags returns the tags the getMetricTags interceptors make
// of base (the TypeScript SDK's { workflowType }), or base itself without
// such interceptors. For the workflow metric meter.
func (r *run) interceptedMetricTags(base *goja.Object) goja.Value {
	if !r.icpt.has("getMetricTags") {
		return base
	}
	v, err := r.icall("metricTags", base)
	if err != nil {
		panic(err)
	}
	return v
}

// extraLogAttributes returns what the getLogAttributes interceptors make of
// the TypeScript SDK's workflow log attributes (namespace, taskQueue,
// workflowId, runId, workflowType, and updateId and updateName in an update)
// and differs from them: the Go SDK's logger has its own names for those.
func (r *run) extraLogAttributes() *goja.Object {
	info := workflow.GetInfo(r.ctx)
	base := map[string]string{
		"namespace": info.Namespace, "taskQueue": info.TaskQueueName, "workflowId": info.WorkflowExecution.ID,
		"runId": info.WorkflowExecution.RunID, "workflowType": info.WorkflowType.Name,
	}
	if r.cur != nil && r.cur.updateID != "" {
		base["updateId"], base["updateName"] = r.cur.updateID, r.cur.updateName
	}
	in := r.vm.NewObject()
	for _, k := range []string{"namespace", "taskQueue", "workflowId", "runId", "workflowType", "updateId", "updateName"} {
		if v, ok := base[k]; ok {
			_ = in.Set(k, v)
		}
	}
	out := r.vm.NewObject()
	got, err := r.icall("logAttributes", in)
	if err != nil {
		panic(err)
	}
	o, ok := got.(*goja.Object)
	if !ok {
		return out
	}
	for _, k := range o.Keys() {
		v := o.Get(k)
		if b, ok := base[k]; ok && v.String() == b {
			continue
		}
		_ = out.Set(k, v)
	}
	return out
}
