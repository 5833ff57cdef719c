package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// handlerArity is how many arguments a query or update may carry. The Go SDK
// decodes handler arguments by the Go handler's parameters; JS handlers take
// any number, so the Go side declares this many raw parameters and unused
// ones stay empty.
const handlerArity = 32

var (
	rawValueType = reflect.TypeOf(converter.RawValue{})
	ctxType      = reflect.TypeOf((*workflow.Context)(nil)).Elem()
	errorType    = reflect.TypeOf((*error)(nil)).Elem()

	// func(a0 ... a31 RawValue) (RawValue, error)
	queryFnType = reflect.FuncOf(repeat(rawValueType, handlerArity), []reflect.Type{rawValueType, errorType}, false)
	// func(ctx workflow.Context, a0 ... a31 RawValue) (RawValue, error)
	updateFnType = reflect.FuncOf(append([]reflect.Type{ctxType}, repeat(rawValueType, handlerArity)...), []reflect.Type{rawValueType, errorType}, false)
	// func(ctx workflow.Context, a0 ... a31 RawValue) error
	validatorFnType = reflect.FuncOf(append([]reflect.Type{ctxType}, repeat(rawValueType, handlerArity)...), []reflect.Type{errorType}, false)
)

func repeat(t reflect.Type, n int) []reflect.Type {
	out := make([]reflect.Type, n)
	for i := range out {
		out[i] = t
	}
	return out
}

// messagesModule: signals, queries and updates.
var messagesModule = module{name: "messages", exports: exports{
	"setHandler":              func(r *run) any { return r.messages().setHandler },
	"setDefaultSignalHandler": func(r *run) any { return r.messages().setDefaultSignalHandler },
	"currentUpdateInfo":       func(r *run) any { return r.messages().currentUpdateInfo },
	"allHandlersFinished":     func(r *run) any { return r.messages().allHandlersFinished },
}}

// messages is a run's message handlers and the signal handlers still
// running. Signals wait in the run's inbound interceptor, in history
// order, until a handler takes them (deliverSignals).
type messages struct {
	*run
	signalHandlers map[string]*handler
	queryHandlers  map[string]*handler
	updateHandlers map[string]*handler
	queryOrder     []string // names of queryHandlers in the order they were set
	defaultSignal  *handler
	delivering     bool
	signalRuns     []*execution // async signal handlers still running
	querySeq       int          // queries handled, for the queryId of handleQuery interceptors
}

// handler is a JS message handler set with setHandler.
type handler struct {
	fn          goja.Callable
	validator   goja.Callable
	description string
	abandon     bool // unfinishedPolicy ABANDON
}

// execution is a running async signal handler.
type execution struct {
	name    string
	abandon bool
}

// setHandler implements setHandler(def, handler, options).
func (r *messages) setHandler(c goja.FunctionCall) goja.Value {
	r.requireContext("setHandler")
	r.requireWritable("setHandler")
	def, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("setHandler: the first argument must be a definition from defineSignal, defineQuery or defineUpdate"))
	}
	kind, name := str2(def.Get("type")), str2(def.Get("name"))
	if name == "" {
		panic(r.vm.NewTypeError("setHandler: the definition has no name"))
	}
	var h *handler
	if fnv := c.Argument(1); !goja.IsUndefined(fnv) && !goja.IsNull(fnv) {
		fn, ok := goja.AssertFunction(fnv)
		if !ok {
			panic(r.vm.NewTypeError("setHandler: the handler for %s %q must be a function", kind, name))
		}
		h = &handler{fn: fn}
		if o, ok := c.Argument(2).(*goja.Object); ok {
			h.description = str2(o.Get("description"))
			h.abandon = str2(o.Get("unfinishedPolicy")) == "ABANDON"
			if v := o.Get("validator"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				if h.validator, ok = goja.AssertFunction(v); !ok {
					panic(r.vm.NewTypeError("setHandler: the validator for update %q must be a function", name))
				}
			}
		}
	}
	switch kind {
	case "signal":
		r.setSignalHandler(name, h)
	case "query":
		r.setQueryHandler(name, h)
	case "update":
		r.setUpdateHandler(name, h)
	default:
		panic(r.vm.NewTypeError("setHandler: unknown definition type %q; use defineSignal, defineQuery or defineUpdate", kind))
	}
	return goja.Undefined()
}

func (r *messages) setSignalHandler(name string, h *handler) {
	if r.signalHandlers == nil {
		r.signalHandlers = map[string]*handler{}
	}
	if h == nil {
		delete(r.signalHandlers, name)
		return
	}
	r.signalHandlers[name] = h
	// Listed in the workflow's metadata (the Web UI shows it).
	_ = workflow.GetSignalChannelWithOptions(r.ctx, name, workflow.SignalChannelOptions{Description: h.description})
	r.deliverSignals()
}

func (r *messages) setDefaultSignalHandler(c goja.FunctionCall) goja.Value {
	r.requireContext("setDefaultSignalHandler")
	r.requireWritable("setDefaultSignalHandler")
	if v := c.Argument(0); goja.IsUndefined(v) || goja.IsNull(v) {
		r.defaultSignal = nil
	} else if fn, ok := goja.AssertFunction(v); ok {
		r.defaultSignal = &handler{fn: fn}
	} else {
		panic(r.vm.NewTypeError("setDefaultSignalHandler: the handler must be a function"))
	}
	r.deliverSignals()
	return goja.Undefined()
}

// deliverSignals hands queued signals to their handlers, in history order.
// A signal without a handler stays queued until one is set (or a default
// handler is), as in the TypeScript SDK; later signals that have a handler
// are not held up by it.
func (r *messages) deliverSignals() { r.deliver(false) }

// deliverSignalJobs is deliverSignals for signals the loop hands over as
// jobs of a workflow task: as the TypeScript SDK does after each job, the
// pending condition() predicates are checked after each signal, so that a
// predicate true between two signals resolves its condition.
func (r *messages) deliverSignalJobs() { r.deliver(true) }

func (r *messages) deliver(recheck bool) {
	if r.in == nil || r.delivering {
		return
	}
	r.delivering = true
	defer func() { r.delivering = false }()
	for {
		idx := -1
		var h *handler
		for i, s := range r.in.pending {
			if h = r.signalHandlers[s.name]; h != nil {
				idx = i
				break
			}
			if r.defaultSignal != nil {
				h, idx = r.defaultSignal, i
				break
			}
		}
		if idx < 0 {
			return
		}
		s := r.in.pending[idx]
		r.in.pending = append(r.in.pending[:idx], r.in.pending[idx+1:]...)
		r.callSignalHandler(s, h, h == r.defaultSignal && r.signalHandlers[s.name] == nil)
		if recheck && r.mods.timers != nil {
			r.mods.timers.checkConditions()
		}
	}
}

func (r *messages) callSignalHandler(s signal, h *handler, isDefault bool) {
	args := make([]goja.Value, 0, len(s.payloads)+1)
	if isDefault {
		args = append(args, r.vm.ToValue(s.name))
	}
	for i, p := range s.payloads {
		v, err := r.rt.FromPayload(p)
		if err != nil {
			// As in the TypeScript SDK, what decoding throws fails the
			// workflow task: the signal stays in history, and a worker with
			// a fixed payload converter handles it.
			panic(r.taskFailure("", fmt.Errorf("signal %s: argument %d: %w", s.name, i, err)))
		}
		args = append(args, v)
	}
	prev := r.cur
	r.cur = r.root
	defer func() { r.cur = prev }()
	// The handler is running (allHandlersFinished is false) from its call on,
	// as in the TypeScript SDK.
	ex := &execution{name: s.name, abandon: h.abandon}
	r.signalRuns = append(r.signalRuns, ex)
	finished := func() {
		for i, e := range r.signalRuns {
			if e == ex {
				r.signalRuns = append(r.signalRuns[:i], r.signalRuns[i+1:]...)
				break
			}
		}
	}
	var ret goja.Value
	var err error
	if r.icpt.has("handleSignal") && !internalName(s.name) {
		if isDefault {
			args = args[1:]
		}
		ret, err = r.icall("signal", r.vm.ToValue(s.name), r.vm.NewArray(anySlice(args)...), r.headersJS(s.header),
			r.vm.ToValue(r.signalNext))
	} else {
		ret, err = h.fn(goja.Undefined(), args...)
	}
	if err != nil {
		finished()
		r.handlerFailed("signal handler "+s.name, err)
		return
	}
	p, ok := ret.Export().(*goja.Promise)
	if !ok || p.State() != goja.PromiseStatePending {
		finished()
		if ok && p.State() == goja.PromiseStateRejected {
			r.forgetRejection(p) // read here: not an unhandled rejection
			r.handlerRejected(p.Result())
		}
		return
	}
	r.onSettle(p, func(v goja.Value, rejected bool) {
		finished()
		if rejected {
			r.handlerRejected(v)
		}
	})
}

// signalNext is the end of the handleSignal interceptors: it calls the
// handler of the signal named, or the default one, as the TypeScript SDK.
func (r *messages) signalNext(c goja.FunctionCall) goja.Value {
	name := c.Argument(0).String()
	args := r.jsArgs(c.Argument(1))
	if h := r.signalHandlers[name]; h != nil {
		return r.callJS(h.fn, args)
	}
	if r.defaultSignal != nil {
		return r.callJS(r.defaultSignal.fn, append([]goja.Value{r.vm.ToValue(name)}, args...))
	}
	panic(r.newError("IllegalStateError", "No registered signal handler for signal: "+name))
}

// internalName tells the names of the TypeScript SDK's internal messages,
// which skip the interceptors.
func internalName(name string) bool {
	return strings.HasPrefix(name, "__temporal_") || name == "__stack_trace" || name == "__enhanced_stack_trace"
}

// handlerFailed records an exception thrown by a message handler: a Temporal
// failure fails the workflow, anything else the workflow task.
func (r *messages) handlerFailed(what string, err error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		r.handlerRejected(ex.Value())
		return
	}
	panic(r.taskFailure(what, err))
}

// handlerRejected records what a message handler threw or rejected with: a
// Temporal failure fails the workflow; anything else fails the workflow task
// with the value's own message, as the TypeScript SDK's.
func (r *messages) handlerRejected(v goja.Value) {
	if r.instanceOf(v, r.classes.temporal) {
		if r.failure == nil {
			r.failure = v
		}
		r.wake()
		return
	}
	panic(r.taskFailureValue("", v))
}

// ---- queries -------------------------------------------------------------

func (r *messages) setQueryHandler(name string, h *handler) {
	if r.queryHandlers == nil {
		r.queryHandlers = map[string]*handler{}
	}
	prev, registered := r.queryHandlers[name]
	r.queryHandlers[name] = h
	switch {
	case h == nil && prev != nil:
		r.queryOrder = slices.DeleteFunc(r.queryOrder, func(n string) bool { return n == name })
	case h != nil && prev == nil:
		r.queryOrder = append(r.queryOrder, name)
	}
	if registered && h == nil {
		return
	}
	// A handler set again is registered again, so that the workflow's
	// metadata shows the description it was last set with, as in the
	// TypeScript SDK.
	desc := ""
	if h != nil {
		desc = h.description
	}
	fn := reflect.MakeFunc(queryFnType, func(in []reflect.Value) []reflect.Value {
		res, err := r.query(name, rawArgs(in))
		return []reflect.Value{reflect.ValueOf(res), errValue(err)}
	}).Interface()
	if err := workflow.SetQueryHandlerWithOptions(r.ctx, name, fn, workflow.QueryHandlerOptions{Description: desc}); err != nil {
		panic(r.vm.NewGoError(fmt.Errorf("setHandler: query %q: %w", name, err)))
	}
}

// query runs a query handler: synchronously and read-only.
func (r *messages) query(name string, payloads []*commonpb.Payload) (converter.RawValue, error) {
	h := r.queryHandlers[name]
	if h == nil {
		return converter.RawValue{}, fmt.Errorf("Workflow did not register a handler for %s. Registered queries: [%s]", name, strings.Join(r.queryNames(), " "))
	}
	args, err := r.decodeArgs(payloads)
	if err != nil {
		return converter.RawValue{}, fmt.Errorf("query %s: %w", name, err)
	}
	defer r.enterReadOnly("query handler")()
	var ret goja.Value
	if r.icpt != nil {
		return r.interceptQuery(name, args)
	}
	ierr := r.jsErr(func() { ret, err = h.fn(goja.Undefined(), args...) })
	r.endTask() // a query's JS time is an observation of its own
	if ierr != nil {
		return converter.RawValue{}, ierr
	}
	if err != nil {
		return converter.RawValue{}, r.messageError(err)
	}
	if p, ok := ret.Export().(*goja.Promise); ok {
		r.forgetRejection(p) // the query fails instead
		return converter.RawValue{}, errors.New("Query handlers should not return a Promise")
	}
	p, err := r.rt.ToPayload(ret)
	if err != nil {
		return converter.RawValue{}, fmt.Errorf("query %s: %w", name, err)
	}
	return converter.NewRawValue(p), nil
}

// interceptQuery runs a query in a run with interceptors: as the
// TypeScript SDK, it is an activation of its own, and goes through the
// handleQuery interceptors.
func (r *messages) interceptQuery(name string, args []goja.Value) (converter.RawValue, error) {
	var ret goja.Value
	var err error
	ierr := r.jsErr(func() {
		if err = r.beginActivation(); err != nil {
			return
		}
		defer func() {
			if cerr := r.concludeActivationErr(); err == nil {
				err = cerr
			}
		}()
		if !r.icpt.has("handleQuery") || internalName(name) {
			ret, err = r.queryHandlers[name].fn(goja.Undefined(), args...)
			return
		}
		r.querySeq++
		ret, err = r.icall("query", r.vm.ToValue(strconv.Itoa(r.querySeq)), r.vm.ToValue(name), r.vm.NewArray(anySlice(args)...),
			r.headersJS(r.in.msgHeader), r.vm.ToValue(r.queryNext))
	})
	r.endTask()
	if ierr != nil {
		return converter.RawValue{}, ierr
	}
	if err != nil {
		return converter.RawValue{}, r.messageError(err)
	}
	if p, ok := ret.Export().(*goja.Promise); ok {
		r.forgetRejection(p)
		switch p.State() {
		case goja.PromiseStateFulfilled:
			ret = p.Result()
		case goja.PromiseStateRejected:
			return converter.RawValue{}, r.messageErrorValue(p.Result())
		default:
			return converter.RawValue{}, errors.New("Query handlers should not return a Promise")
		}
	}
	p, err := r.rt.ToPayload(ret)
	if err != nil {
		return converter.RawValue{}, fmt.Errorf("query %s: %w", name, err)
	}
	return converter.NewRawValue(p), nil
}

// queryNext is the end of the handleQuery interceptors: it calls the
// handler of the query named.
func (r *messages) queryNext(c goja.FunctionCall) goja.Value {
	name := c.Argument(0).String()
	h := r.queryHandlers[name]
	if h == nil {
		panic(r.vm.NewGoError(fmt.Errorf("Workflow did not register a handler for %s. Registered queries: [%s]", name, strings.Join(r.queryNames(), " "))))
	}
	return r.callJS(h.fn, r.jsArgs(c.Argument(1)))
}

// builtinQueries are the queries every TypeScript SDK workflow answers,
// listed first among its registered queries.
var builtinQueries = []string{"__stack_trace", "__enhanced_stack_trace", "__temporal_workflow_metadata"}

// queryNames lists the registered queries as the TypeScript SDK does: the
// built-in ones, then the workflow's in the order their handlers were set.
func (r *messages) queryNames() []string {
	return append(slices.Clip(builtinQueries), r.queryOrder...)
}

// ---- updates -------------------------------------------------------------

func (r *messages) setUpdateHandler(name string, h *handler) {
	if r.updateHandlers == nil {
		r.updateHandlers = map[string]*handler{}
	}
	_, registered := r.updateHandlers[name]
	r.updateHandlers[name] = h
	if registered && h == nil {
		return // a handler set again is registered again, as queries are
	}
	var opts workflow.UpdateHandlerOptions
	if h != nil {
		opts.Description = h.description
		if h.abandon {
			opts.UnfinishedPolicy = workflow.HandlerUnfinishedPolicyAbandon
		}
	}
	opts.Validator = reflect.MakeFunc(validatorFnType, func(in []reflect.Value) []reflect.Value {
		return []reflect.Value{errValue(r.validateUpdate(name, rawArgs(in[1:])))}
	}).Interface()
	fn := reflect.MakeFunc(updateFnType, func(in []reflect.Value) []reflect.Value {
		ctx := in[0].Interface().(workflow.Context)
		res, err := r.update(ctx, name, rawArgs(in[1:]))
		return []reflect.Value{reflect.ValueOf(res), errValue(err)}
	}).Interface()
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, name, fn, opts); err != nil {
		panic(r.vm.NewGoError(fmt.Errorf("setHandler: update %q: %w", name, err)))
	}
}

func (r *messages) updateHandler(name string) (*handler, error) {
	h := r.updateHandlers[name]
	if h == nil {
		// The TypeScript SDK's rejection of an update without a handler.
		return nil, temporal.NewNonRetryableApplicationError("No registered handler for update: "+name, "Error", nil)
	}
	return h, nil
}

// validateUpdate runs an update's validator, read-only. A throw rejects the
// update before it is written to history.
//
// Signals of the same workflow task are not handled before it, although the
// TypeScript SDK handles them first: the Go SDK runs the validator in the
// update's coroutine, ahead of the run's main coroutine and with the whole
// workflow read-only, where a signal handler could not schedule anything.
// They are handled right after, before the update handler runs (update).
func (r *messages) validateUpdate(name string, payloads []*commonpb.Payload) error {
	h, err := r.updateHandler(name)
	if err != nil || h.validator == nil {
		return err
	}
	args, err := r.decodeArgs(payloads)
	if err != nil {
		return temporal.NewApplicationError(fmt.Sprintf("update %s: %v", name, err), "InvalidArgument")
	}
	defer r.enterReadOnly("update validator")()
	// The validator runs in its update's context, as in the TypeScript
	// SDK: log's attributes name the update.
	prev := r.cur
	uc := asyncCtx{scope: r.root.scope}
	if prev != nil {
		uc = *prev
	}
	uc.updateID, uc.updateName = r.in.msgUpdateID, name
	r.cur = &uc
	defer func() { r.cur = prev }()
	if ierr := r.jsErr(func() {
		if r.icpt == nil {
			_, err = h.validator(goja.Undefined(), args...)
			return
		}
		if err = r.beginActivation(); err != nil {
			return
		}
		if !r.icpt.has("validateUpdate") || internalName(name) {
			_, err = h.validator(goja.Undefined(), args...)
			return
		}
		next := func(c goja.FunctionCall) goja.Value { return r.callJS(h.validator, r.jsArgs(c.Argument(0))) }
		_, err = r.icall("validateUpdate", r.vm.ToValue(r.in.msgUpdateID), r.vm.ToValue(name),
			r.vm.NewArray(anySlice(args)...), r.headersJS(r.in.msgHeader), r.vm.ToValue(next))
	}); ierr != nil {
		return temporal.NewApplicationError(ierr.Error(), "Error")
	}
	if err != nil {
		return r.messageError(err)
	}
	// An async validator's promise is ignored, as in the TypeScript SDK
	// (its rejection, if any, is an unhandled one).
	return nil
}

// update runs an update handler on the update's own coroutine, waiting for
// its promise, which settles as the run's loop makes progress.
func (r *messages) update(ctx workflow.Context, name string, payloads []*commonpb.Payload) (converter.RawValue, error) {
	r.js(r.deliverSignalJobs)
	h, err := r.updateHandler(name)
	if err != nil {
		return converter.RawValue{}, err
	}
	args, err := r.decodeArgs(payloads)
	if err != nil {
		return converter.RawValue{}, temporal.NewApplicationError(fmt.Sprintf("update %s: %v", name, err), "InvalidArgument")
	}
	info := workflow.GetCurrentUpdateInfo(ctx)
	uctx := &asyncCtx{scope: r.root.scope, updateID: info.ID, updateName: name}
	prev := r.cur
	r.cur = uctx
	var ret goja.Value
	r.js(func() {
		if r.onActivate != nil {
			r.onActivate()
		}
		if r.icpt.has("handleUpdate") && !internalName(name) {
			next := func(c goja.FunctionCall) goja.Value { return r.callJS(h.fn, r.jsArgs(c.Argument(0))) }
			ret, err = r.icall("handleUpdate", r.vm.ToValue(info.ID), r.vm.ToValue(name), r.vm.NewArray(anySlice(args)...),
				r.headersJS(interceptor.WorkflowHeader(ctx)), r.vm.ToValue(next))
			return
		}
		ret, err = h.fn(goja.Undefined(), args...)
	})
	r.cur = prev
	r.flushHeld()
	defer r.wake() // state may have changed: let the loop re-check conditions
	if err != nil {
		var ex *goja.Exception
		if errors.As(err, &ex) {
			return converter.RawValue{}, r.updateFailure(ex.Value())
		}
		panic(r.taskFailure("update handler "+name, err))
	}
	value := ret
	if p, ok := ret.Export().(*goja.Promise); ok {
		f, set := workflow.NewFuture(ctx)
		var result goja.Value
		var rejected bool
		r.onSettle(p, func(v goja.Value, rej bool) {
			result, rejected = v, rej
			set.Set(nil, nil)
		})
		r.wake()
		_ = f.Get(ctx, nil)
		if rejected {
			return converter.RawValue{}, r.updateFailure(result)
		}
		value = result
	}
	pl, err := r.rt.ToPayload(value)
	if err != nil {
		return converter.RawValue{}, temporal.NewApplicationError(fmt.Sprintf("update %s: result: %v", name, err), "Error")
	}
	return converter.NewRawValue(pl), nil
}

// updateFailure: a Temporal failure fails the update; anything else fails
// the workflow task with the value's own message, as in the TypeScript SDK.
func (r *messages) updateFailure(v goja.Value) error {
	if r.instanceOf(v, r.classes.temporal) {
		return r.toGoError(v)
	}
	panic(r.taskFailureValue("", v))
}

// messageError turns an exception from a query handler or validator into
// the error the caller receives.
func (r *messages) messageError(err error) error {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return err
	}
	return r.messageErrorValue(ex.Value())
}

// messageErrorValue is messageError for a thrown (or rejected) value.
func (r *messages) messageErrorValue(v goja.Value) error {
	if r.instanceOf(v, r.classes.temporal) {
		return r.toGoError(v)
	}
	msg, _ := r.thrownMessage(v)
	typ := ""
	if o, ok := v.(*goja.Object); ok {
		typ = str2(o.Get("name"))
	}
	return temporal.NewApplicationError(msg, typ)
}

func (r *messages) currentUpdateInfo(goja.FunctionCall) goja.Value {
	if r.cur == nil || r.cur.updateID == "" {
		return goja.Undefined()
	}
	o := r.vm.NewObject()
	_ = o.Set("id", r.cur.updateID)
	_ = o.Set("name", r.cur.updateName)
	return o
}

func (r *messages) allHandlersFinished(goja.FunctionCall) goja.Value {
	return r.vm.ToValue(len(r.signalRuns) == 0 && workflow.AllHandlersFinished(r.ctx))
}

// warnUnfinishedSignals logs the TypeScript SDK's warning when the workflow
// completes while async signal handlers still run.
func (r *messages) warnUnfinishedSignals() {
	counts := map[string]int{}
	var names []string
	for _, e := range r.signalRuns {
		if e.abandon {
			continue
		}
		if counts[e.name] == 0 {
			names = append(names, e.name)
		}
		counts[e.name]++
	}
	if len(names) == 0 {
		return
	}
	type entry struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	list := make([]entry, len(names))
	for i, n := range names {
		list[i] = entry{n, counts[n]}
	}
	b, _ := json.Marshal(list)
	r.logger.Warn(unfinishedSignalMessage + " The following signals were unfinished (and warnings were not disabled for their handler): " + string(b))
}

const unfinishedSignalMessage = "[TMPRL1102] Workflow finished while a signal handler was still running. " +
	"This may have interrupted work that the signal handler was doing. You can wait for all update and signal " +
	"handlers to complete by using `await workflow.condition(workflow.allHandlersFinished)`. Alternatively, if both " +
	"you and the clients sending the update are okay with interrupting running handlers when the workflow finishes, " +
	"then you can disable this warning by passing an option when setting the handler: " +
	"`workflow.setHandler(mySignal, mySignalHandler, {unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON});`."

// rawArgs collects the payloads of a handler's RawValue parameters, up to the
// first empty one.
func rawArgs(in []reflect.Value) []*commonpb.Payload {
	var out []*commonpb.Payload
	for _, v := range in {
		rv, ok := v.Interface().(converter.RawValue)
		if !ok || rv.Payload() == nil {
			break
		}
		out = append(out, rv.Payload())
	}
	return out
}

func errValue(err error) reflect.Value {
	if err == nil {
		return reflect.Zero(errorType)
	}
	return reflect.ValueOf(&err).Elem()
}
