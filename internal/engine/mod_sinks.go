package engine

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"
)

// sinksModule: proxySinks. Workflow code calls Go functions registered on the
// worker (Options.Sinks) to send data out of the workflow (metrics, logs,
// analytics) without affecting its history. As in the TypeScript SDK, a
// call is only recorded when it is made: the Go function runs once the JS
// work that made the call is over (see loop.js), in call order, and not for
// calls made while the run replays history unless the sink asks for it.
var sinksModule = module{name: "sinks", exports: exports{
	"sinkCall": func(r *run) any { return r.sinkCall },
}}

// LoggerSink is the sink interface behind the workflow module's log: its
// functions are the log levels (trace, debug, info, warn, error), called
// with the message and the attributes. Without a sink of that name in
// Options.Sinks, log writes to the Go SDK's replay-aware workflow logger.
// "defaultWorkerLogger", the TypeScript SDK's deprecated name of this sink,
// is the same sink.
const LoggerSink = "__temporal_logger"

// Sink is a Go function that workflow code calls through proxySinks, like
// the TypeScript SDK's InjectedSinkFunction.
type Sink struct {
	// Fn is called with each call, on the workflow's goroutine once the
	// workflow code that made the call has run up to its next await (its
	// part of the workflow task): it must return quickly, and hand long work
	// to another goroutine. Its error (or panic) is logged; the workflow
	// never sees it.
	Fn func(call SinkCall) error
	// CallDuringReplay makes Fn also see the calls made while the run
	// replays its history, which it has seen before (on this worker or on
	// another). Default false: each call is seen once, as the workflow
	// first runs through it.
	CallDuringReplay bool
}

// Sinks are the sinks workflow code can call, by interface name and
// function name: Sinks{"analytics": {"addEvent": sink}} serves
// proxySinks<{ analytics: { addEvent(e: Event): void } }>().analytics.addEvent(e).
type Sinks map[string]map[string]Sink

// SinkCall is one call of a sink by workflow code.
type SinkCall struct {
	Interface, Function string
	// Info is the run's information when the call was made.
	Info workflow.Info
	// Args are the call's arguments, encoded as activity arguments are
	// once the JS work that made the call is over (as the TypeScript SDK's
	// sinks see them then): decode them in order with Args.Get(&a, &b).
	Args converter.EncodedValues
	// Replaying reports that the call was made while the run replayed
	// history: for sinks with CallDuringReplay, and for the calls of query
	// handlers and update validators, which replay nothing and are made in
	// a run that replays too (a query of a closed workflow replays it
	// first), as in the TypeScript SDK.
	Replaying bool
}

// sinkQueue holds a run's sink calls until the JS work that made them is
// over. A run that never calls a sink has none.
type sinkQueue struct {
	logger log.Logger
	encode func(goja.Value) (*commonpb.Payload, error) // the run's payload converter
	calls  []queuedSinkCall
}

type queuedSinkCall struct {
	fn   func(SinkCall) error
	call SinkCall
	args []goja.Value
}

// flush calls the queued sinks in order. The arguments are encoded now:
// as in the TypeScript SDK, which structured-clones them at the end of the
// activation, a sink sees them as they are when the JS work that made the
// call is over, not as they were at the call (see cloneForSink).
func (q *sinkQueue) flush() {
	calls := q.calls
	q.calls = nil
	for _, c := range calls {
		err := q.encodeArgs(&c)
		if err == nil {
			err = callSink(c)
		}
		if err != nil && q.logger != nil {
			q.logger.Error("External sink function threw an error", "ifaceName", c.call.Interface,
				"fnName", c.call.Function, "Error", err)
		}
	}
}

// encodeArgs sets c.call.Args to the payloads of c.args.
func (q *sinkQueue) encodeArgs(c *queuedSinkCall) error {
	payloads := make([]*commonpb.Payload, len(c.args))
	for i, a := range c.args {
		p, err := q.encode(a)
		if err != nil {
			return fmt.Errorf("argument %d: %w", i, err)
		}
		payloads[i] = p
	}
	c.call.Args = client.NewValues(&commonpb.Payloads{Payloads: payloads})
	return nil
}

func callSink(c queuedSinkCall) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return c.fn(c.call)
}

// sinkCall(ifaceName, fnName, args) records a call of a sink function.
func (r *run) sinkCall(c goja.FunctionCall) goja.Value {
	r.requireContext("proxySinks")
	iface, fn := c.Argument(0).String(), c.Argument(1).String()
	if iface == "defaultWorkerLogger" {
		iface = LoggerSink
	}
	var args []goja.Value
	if o, ok := c.Argument(2).(*goja.Object); ok {
		_ = r.vm.ExportTo(o, &args)
	}
	sink, ok := r.w.opts.Sinks[iface][fn]
	switch {
	case !ok && iface == LoggerSink:
		var attrs goja.Value = goja.Undefined()
		if len(args) > 1 {
			attrs = args[1]
		}
		msg := ""
		if len(args) > 0 {
			msg = args[0].String()
		}
		r.logLevel(fn, msg, attrs)
		return goja.Undefined()
	case !ok:
		if r.logger != nil {
			r.logger.Error("Workflow referenced an unregistered external sink", "ifaceName", iface, "fnName", fn)
		}
		return goja.Undefined()
	}
	// As the TypeScript SDK, a call is dropped when it replays history: a
	// query handler's or an update validator's call replays none, even in
	// a run that replays (a query of a closed workflow), and is made.
	replaying := workflow.IsReplaying(r.ctx)
	if replaying && r.readOnly == "" && !sink.CallDuringReplay {
		return goja.Undefined()
	}
	if sink.Fn == nil {
		return goja.Undefined()
	}
	if r.sinks == nil {
		r.sinks = &sinkQueue{logger: r.logger, encode: func(v goja.Value) (*commonpb.Payload, error) {
			return r.rt.ToPayload(r.cloneForSink(v, map[*goja.Object]goja.Value{}))
		}}
	}
	r.sinks.calls = append(r.sinks.calls, queuedSinkCall{fn: sink.Fn, args: args, call: SinkCall{
		Interface: iface, Function: fn, Info: *workflow.GetInfo(r.ctx), Replaying: replaying,
	}})
	return goja.Undefined()
}

// logWithSink sends a call of log to the LoggerSink registered in
// Options.Sinks, with the attributes the TypeScript SDK adds: sdkComponent
// and the run's identity (and its update's, in an update handler), then the
// caller's. It reports false when no such sink is registered.
func (r *run) logWithSink(level string, c goja.FunctionCall) bool {
	if _, ok := r.w.opts.Sinks[LoggerSink]; !ok {
		return false
	}
	info := workflow.GetInfo(r.ctx)
	attrs := r.vm.NewObject()
	_ = attrs.Set("sdkComponent", "workflow")
	_ = attrs.Set("namespace", info.Namespace)
	_ = attrs.Set("taskQueue", info.TaskQueueName)
	_ = attrs.Set("workflowId", info.WorkflowExecution.ID)
	_ = attrs.Set("runId", info.WorkflowExecution.RunID)
	_ = attrs.Set("workflowType", info.WorkflowType.Name)
	if r.cur != nil && r.cur.updateID != "" {
		_ = attrs.Set("updateId", r.cur.updateID)
		_ = attrs.Set("updateName", r.cur.updateName)
	}
	if r.icpt.has("getLogAttributes") {
		extra := r.extraLogAttributes()
		for _, k := range extra.Keys() {
			_ = attrs.Set(k, extra.Get(k))
		}
	}
	if o, ok := c.Argument(1).(*goja.Object); ok {
		for _, k := range o.Keys() {
			_ = attrs.Set(k, o.Get(k))
		}
	}
	args := r.vm.NewArray(c.Argument(0), attrs)
	r.sinkCall(goja.FunctionCall{Arguments: []goja.Value{r.vm.ToValue(LoggerSink), r.vm.ToValue(level), args}})
	return true
}

// withLifecycleLogging calls the workflow function (call) with the log
// lines of the TypeScript SDK's executeWithLifecycleLogging, which go
// where log's go (the LoggerSink, or the Go SDK's workflow logger) with
// sdkComponent "worker": "Workflow started" at debug before the call; when
// it ends, "Workflow completed", "Workflow completed as cancelled" (a
// cancellation) or "Workflow continued as new" at debug, or "Workflow
// failed" at warn, with the error (logEnd). The run's loop calls logEnd
// when the function's promise settles: a callback on the promise would
// keep two functions in every cached run.
func (r *run) withLifecycleLogging(call func() (goja.Value, error)) (goja.Value, error) {
	r.logLifecycle("debug", "Workflow started", nil)
	ret, err := call()
	var ex *goja.Exception
	switch {
	case errors.As(err, &ex):
		r.logEnd(ex.Value(), true)
	case err != nil:
	default:
		if _, isPromise := ret.Export().(*goja.Promise); !isPromise {
			r.logEnd(ret, false)
		}
	}
	return ret, err
}

// logEnd logs how the workflow function ended: with v, or failed with v.
func (r *run) logEnd(v goja.Value, failed bool) {
	c := r.ensureClasses()
	switch {
	case !failed:
		r.logLifecycle("debug", "Workflow completed", nil)
	case r.isCancellation(v):
		r.logLifecycle("debug", "Workflow completed as cancelled", nil)
	case r.instanceOf(v, c.continueAsNew):
		r.logLifecycle("debug", "Workflow continued as new", nil)
	default:
		r.logLifecycle("warn", "Workflow failed", v)
	}
}

// logLifecycle logs msg at level with sdkComponent "worker" and, when
// set, the error.
func (r *run) logLifecycle(level, msg string, errv goja.Value) {
	attrs := r.vm.NewObject()
	if errv != nil {
		_ = attrs.Set("error", errv)
	}
	_ = attrs.Set("sdkComponent", "worker")
	c := goja.FunctionCall{Arguments: []goja.Value{r.vm.ToValue(msg), attrs}}
	if !r.logWithSink(level, c) {
		r.logLevel(level, msg, attrs)
	}
}

// errorNames are the error classes structuredClone keeps; it makes any
// other error an Error.
var errorNames = map[string]bool{"Error": true, "EvalError": true, "RangeError": true, "ReferenceError": true,
	"SyntaxError": true, "TypeError": true, "URIError": true}

// cloneForSink is v as the TypeScript SDK's sinks receive it, structured
// clone (postMessage) of the workflow's value, before it is encoded for a
// Go sink: objects lose their class (and with it toJSON), errors keep only
// their name (a standard error class's), message, stack and cause, none of
// them enumerable; arrays are cloned; dates, regular expressions, maps,
// sets and binary data keep what they are.
func (r *run) cloneForSink(v goja.Value, seen map[*goja.Object]goja.Value) goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		return v
	}
	if c, ok := seen[o]; ok {
		return c
	}
	switch o.ClassName() {
	case "Array":
		a := r.vm.NewArray()
		seen[o] = a
		n := o.Get("length").ToInteger()
		for i := int64(0); i < n; i++ {
			_ = a.Set(fmt.Sprint(i), r.cloneForSink(o.Get(fmt.Sprint(i)), seen))
		}
		return a
	case "Error":
		name := "Error"
		if n := o.Get("name"); n != nil && errorNames[n.String()] {
			name = n.String()
		}
		e := r.vm.NewObject()
		seen[o] = e
		if ctor, ok := r.vm.Get(name).(*goja.Object); ok {
			if proto, ok := ctor.Get("prototype").(*goja.Object); ok {
				_ = e.SetPrototype(proto)
			}
		}
		for _, k := range []string{"stack", "message", "cause"} {
			if p := o.Get(k); p != nil && (k != "cause" || !goja.IsUndefined(p)) {
				_ = e.DefineDataProperty(k, r.cloneForSink(p, seen), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
			}
		}
		return e
	case "Object":
		if _, isFn := goja.AssertFunction(o); isFn {
			return o
		}
		c := r.vm.NewObject()
		seen[o] = c
		for _, k := range o.Keys() {
			_ = c.Set(k, r.cloneForSink(o.Get(k), seen))
		}
		return c
	}
	return o
}
