package engine

import (
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
	// Args are the call's arguments, encoded when the call was made as
	// activity arguments are: decode them in order with Args.Get(&a, &b).
	Args converter.EncodedValues
	// Replaying reports that the call was made while the run replayed
	// history (only for sinks with CallDuringReplay).
	Replaying bool
}

// sinkQueue holds a run's sink calls until the JS work that made them is
// over. A run that never calls a sink has none.
type sinkQueue struct {
	logger log.Logger
	calls  []queuedSinkCall
}

type queuedSinkCall struct {
	fn   func(SinkCall) error
	call SinkCall
}

// flush calls the queued sinks in order.
func (q *sinkQueue) flush() {
	calls := q.calls
	q.calls = nil
	for _, c := range calls {
		if err := callSink(c); err != nil && q.logger != nil {
			q.logger.Error("External sink function threw an error", "ifaceName", c.call.Interface,
				"fnName", c.call.Function, "Error", err)
		}
	}
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
	replaying := workflow.IsReplaying(r.ctx)
	if replaying && !sink.CallDuringReplay {
		return goja.Undefined()
	}
	if sink.Fn == nil {
		return goja.Undefined()
	}
	// Encoding now copies the arguments as they are at the call, as the
	// TypeScript SDK's structuredClone does.
	payloads := make([]*commonpb.Payload, len(args))
	for i, a := range args {
		p, err := r.rt.ToPayload(a)
		if err != nil {
			panic(r.vm.NewTypeError("sink %s.%s: argument %d: %v", iface, fn, i, err))
		}
		payloads[i] = p
	}
	if r.sinks == nil {
		r.sinks = &sinkQueue{logger: r.logger}
	}
	r.sinks.calls = append(r.sinks.calls, queuedSinkCall{fn: sink.Fn, call: SinkCall{
		Interface: iface, Function: fn, Info: *workflow.GetInfo(r.ctx),
		Args: client.NewValues(&commonpb.Payloads{Payloads: payloads}), Replaying: replaying,
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
	if o, ok := c.Argument(1).(*goja.Object); ok {
		for _, k := range o.Keys() {
			_ = attrs.Set(k, o.Get(k))
		}
	}
	args := r.vm.NewArray(c.Argument(0), attrs)
	r.sinkCall(goja.FunctionCall{Arguments: []goja.Value{r.vm.ToValue(LoggerSink), r.vm.ToValue(level), args}})
	return true
}
