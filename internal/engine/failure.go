package engine

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// failureClasses are the run's failure constructors, registered by the
// built-in module when it is evaluated.
type failureClasses struct {
	obj                                                                                                           *goja.Object // what the classes program evaluated to
	temporal, application, server, cancelled, terminated, timeout, activity, child, alreadyStarted, continueAsNew *goja.Object
	scopeProto                                                                                                    *goja.Object // CancellationScope.prototype
}

// ensureClasses runs the classes program in the run's VM on first use.
func (r *run) ensureClasses() *failureClasses {
	if r.classes.obj != nil {
		return &r.classes
	}
	v, err := r.vm.RunProgram(r.w.classesProg)
	if err != nil {
		panic(fmt.Errorf("tsworker: define the built-in classes: %w", err))
	}
	o := v.ToObject(r.vm)
	get := func(name string) *goja.Object { return o.Get(name).ToObject(r.vm) }
	r.classes = failureClasses{
		obj:      o,
		temporal: get("TemporalFailure"), application: get("ApplicationFailure"), server: get("ServerFailure"),
		cancelled: get("CancelledFailure"), terminated: get("TerminatedFailure"), timeout: get("TimeoutFailure"),
		activity: get("ActivityFailure"), child: get("ChildWorkflowFailure"),
		alreadyStarted: get("WorkflowExecutionAlreadyStartedError"), continueAsNew: get("ContinueAsNew"),
	}
	r.classes.scopeProto = get("CancellationScope").Get("prototype").ToObject(r.vm)
	return &r.classes
}

var reflectString = reflect.TypeOf("")

func (r *run) instanceOf(v goja.Value, cls *goja.Object) bool {
	o, ok := v.(*goja.Object)
	if !ok || cls == nil {
		return false
	}
	return r.vm.InstanceOf(o, cls)
}

// WorkflowTaskError is a JavaScript error that failed a workflow task (rather
// than the workflow): the run stays open and the task is retried, as in every
// Temporal SDK.
type WorkflowTaskError struct {
	Workflow string // workflow type
	Message  string // what happened
	Stack    string // JS stack, source-mapped when the bundle has a source map
	// Engine is set when the engine, not the workflow code, ended the JS
	// (a timeout, the stack limit): the message then includes the stack,
	// which tells where the code was.
	Engine bool

	failure *failurepb.Failure // the failure the TypeScript SDK writes (see Failure)
}

// Error is the message of the failure the task fails with: the thrown
// error's own message, as the TypeScript SDK words it. The JS stack is in
// Stack: the Go SDK writes its own stack into a task failure.
func (e *WorkflowTaskError) Error() string {
	if e.Engine {
		return e.Detail()
	}
	return e.Message
}

// Detail is the message followed by the JS stack, for logs and load errors.
func (e *WorkflowTaskError) Detail() string {
	if e.Stack == "" || strings.Contains(e.Message, e.Stack) {
		return e.Message
	}
	return e.Message + "\n" + strings.TrimRight(e.Stack, "\n")
}

// taskFailure describes err (an error out of goja) as a workflow task
// failure.
func (r *run) taskFailure(what string, err error) error {
	if msg, ok := r.uncatchable(err); ok {
		e := &WorkflowTaskError{Workflow: r.workflowType(), Message: msg, Stack: r.lastStack, Engine: true}
		return r.taskError(e, &failurepb.Failure{Message: e.Error(), StackTrace: e.Stack}, nil)
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return r.taskFailureValue(what, ex.Value())
	}
	msg := err.Error()
	if what != "" {
		msg = what + ": " + msg
	}
	e := &WorkflowTaskError{Workflow: r.workflowType(), Message: msg}
	return r.taskError(e, &failurepb.Failure{Message: msg}, nil)
}

func (r *run) taskFailureValue(what string, v goja.Value) error {
	msg, stack := r.thrownMessage(v)
	if what != "" {
		msg = what + ": " + msg
	}
	e := &WorkflowTaskError{Workflow: r.workflowType(), Message: msg, Stack: stack}
	f := r.errorToFailure(v)
	f.Message = msg
	return r.taskError(e, f, nil)
}

// nonErrorHint is what the TypeScript SDK's failure converter adds to the
// message of a thrown value that is not an Error.
const nonErrorHint = " [A non-Error value was thrown from your code. We recommend throwing Error objects so that we can provide a stack trace]"

// thrownMessage is the message and stack of the failure the TypeScript
// SDK's failure converter makes of a thrown value: an Error's own message
// and stack; for anything else its text with a hint, and no stack.
func (r *run) thrownMessage(v goja.Value) (msg, stack string) {
	if o, ok := v.(*goja.Object); ok && r.isError(o) {
		_ = r.vm.Try(func() {
			msg = str2(o.Get("message"))
			stack = jsstack.Clean(str2(o.Get("stack")))
		})
		return msg, stack
	}
	switch {
	case v == nil || goja.IsUndefined(v):
		msg = "undefined"
	case goja.IsNull(v):
		msg = "null"
	default:
		if o, isObj := v.(*goja.Object); isObj {
			if ex := r.vm.Try(func() { msg = r.jsonString(o) }); ex != nil || msg == "" {
				msg = v.String()
			}
		} else {
			msg = v.String()
		}
	}
	return msg + nonErrorHint, ""
}

// isError is the TypeScript SDK's isError: an object with a string name and
// message.
func (r *run) isError(o *goja.Object) bool {
	ok := false
	_ = r.vm.Try(func() {
		n, m := o.Get("name"), o.Get("message")
		ok = n != nil && m != nil && n.ExportType() == reflectString && m.ExportType() == reflectString
	})
	return ok
}

// fail ends the run on an error thrown synchronously by the workflow function.
func (r *run) fail(err error) (converter.RawValue, error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return r.failValue(ex.Value())
	}
	panic(r.taskFailure("workflow function failed", err))
}

// failValue ends the run on a thrown or rejected JS value, as the
// TypeScript SDK does: a cancellation in a cancelled workflow cancels it; a
// Temporal failure (or an error of a failure type) fails the workflow;
// anything else fails the workflow task.
func (r *run) failValue(v goja.Value) (converter.RawValue, error) {
	if r.instanceOf(v, r.classes.continueAsNew) {
		if cmd, ok := v.(*goja.Object).Get("command").(*goja.Object); ok {
			if err, ok := r.goErrs[cmd]; ok {
				if c, ok := err.(*canCommand); ok {
					err = c.end(r.ctx)
				}
				return converter.RawValue{}, err
			}
		}
	}
	if r.cancelSeen && r.isCancellation(v) {
		return converter.RawValue{}, temporal.NewCanceledError()
	}
	if r.instanceOf(v, r.classes.temporal) {
		return converter.RawValue{}, r.toGoError(v)
	}
	if r.isFailureType(v) {
		return converter.RawValue{}, r.failureError(r.ensureApplicationFailure(v.(*goja.Object)))
	}
	panic(r.taskFailureValue("", v))
}

// isCancellation is the workflow module's isCancellation.
func (r *run) isCancellation(v goja.Value) bool {
	c := r.ensureClasses()
	if r.instanceOf(v, c.cancelled) {
		return true
	}
	if r.instanceOf(v, c.activity) || r.instanceOf(v, c.child) {
		return r.instanceOf(v.(*goja.Object).Get("cause"), c.cancelled)
	}
	return false
}

// isFailureType reports whether a thrown non-Temporal error is configured
// to fail the workflow: by the worker's FailureErrorTypes (class names) or
// by the workflow's setWorkflowOptions({ failureExceptionTypes }).
func (r *run) isFailureType(v goja.Value) bool {
	o, ok := v.(*goja.Object)
	if !ok {
		return false
	}
	for _, cls := range r.failureClassesJS {
		if r.vm.InstanceOf(o, cls) {
			return true
		}
	}
	names := r.w.opts.FailureErrorTypes
	if len(names) == 0 {
		return false
	}
	if slices.Contains(names, "Error") && r.vm.InstanceOf(o, r.vm.Get("Error").ToObject(r.vm)) {
		return true
	}
	for p := o.Prototype(); p != nil; p = p.Prototype() {
		if c, ok := p.Get("constructor").(*goja.Object); ok && slices.Contains(names, str2(c.Get("name"))) {
			return true
		}
	}
	return false
}

// ensureApplicationFailure is the failure of a JS error that is not a
// Temporal failure, as the TypeScript SDK's ApplicationFailure.fromError
// makes it: its message, its class name as the type, its stack.
func (r *run) ensureApplicationFailure(o *goja.Object) *failurepb.Failure {
	typ := ""
	if c, ok := o.Get("constructor").(*goja.Object); ok {
		typ = str2(c.Get("name"))
	}
	if typ == "" {
		typ = str2(o.Get("name"))
	}
	msg, stack := r.thrownMessage(o)
	return &failurepb.Failure{Message: msg, StackTrace: stack, Source: failureSource,
		FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: typ}}}
}

// readWorkflowOptions reads setWorkflowOptions' failureExceptionTypes from
// the workflow function.
func (r *run) readWorkflowOptions(fn goja.Value) {
	o, ok := fn.(*goja.Object)
	if !ok {
		return
	}
	opts := o.Get("workflowDefinitionOptions")
	if getter, ok := goja.AssertFunction(opts); ok {
		v, err := getter(goja.Undefined())
		if err != nil {
			panic(r.taskFailure("workflowDefinitionOptions getter threw", err))
		}
		opts = v
	}
	oo, ok := opts.(*goja.Object)
	if !ok {
		return
	}
	if list, ok := oo.Get("failureExceptionTypes").(*goja.Object); ok {
		n := int(list.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			if c, ok := list.Get(fmt.Sprint(i)).(*goja.Object); ok {
				r.failureClassesJS = append(r.failureClassesJS, c)
			}
		}
	}
}

// failureSource is the source of the failures the engine writes: the
// TypeScript SDK's, whose failure converter the engine follows.
const failureSource = "TypeScriptSDK"

// toGoError converts a thrown JS value into the Go SDK error whose failure
// is the one the TypeScript SDK's failure converter makes of it.
func (r *run) toGoError(v goja.Value) error {
	return r.failureError(r.errorToFailure(v))
}

// failureError returns a Go SDK error that the Go SDK's failure converter
// turns into exactly f, and that the Go SDK never takes for a cancellation
// (it cancels a workflow whose error has a *temporal.CanceledError in its
// chain; the TypeScript SDK does so only in a cancelled workflow).
//
// The Go SDK writes the failure an error was decoded from as it was (its
// failure converter returns the failure the error holds); an application
// error without a cause is decoded, and the failure it holds is then made
// f.
func (r *run) failureError(f *failurepb.Failure) error {
	fc := temporal.GetDefaultFailureConverter()
	if dc := r.w.opts.DataConverter; dc != nil {
		f = r.encodeFailure(dc, f)
	}
	err := fc.FailureToError(&failurepb.Failure{Message: f.GetMessage(),
		FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{}}})
	held := fc.ErrorToFailure(err)
	proto.Reset(held)
	proto.Merge(held, f)
	return err
}

// encodeFailure applies the worker's data converter (its payload codec) to
// the failures the engine made, at every level: their payloads, and their
// message and stack, as the codec package's failure converter encodes them.
// Failures that came from history are already encoded.
func (r *run) encodeFailure(dc converter.DataConverter, f *failurepb.Failure) *failurepb.Failure {
	f = proto.Clone(f).(*failurepb.Failure)
	for g := f; g != nil; g = g.GetCause() {
		if g.GetSource() != failureSource || g.GetEncodedAttributes() != nil {
			continue
		}
		for _, ps := range []*commonpb.Payloads{g.GetApplicationFailureInfo().GetDetails(), g.GetCanceledFailureInfo().GetDetails(),
			g.GetTimeoutFailureInfo().GetLastHeartbeatDetails()} {
			for i, p := range ps.GetPayloads() {
				if enc, err := dc.ToPayload(converter.NewRawValue(p)); err == nil {
					ps.Payloads[i] = enc
				}
			}
		}
		_ = converter.EncodeCommonFailureAttributes(dc, g)
	}
	return f
}

// errorToFailure is the TypeScript SDK's DefaultFailureConverter
// errorToFailure: a failure decoded from history is passed on as it was; a
// TemporalFailure made by workflow code becomes the failure of its class,
// with its message, stack and cause; any other Error its message, stack and
// cause only; anything else its text with a hint.
func (r *run) errorToFailure(v goja.Value) *failurepb.Failure {
	c := r.ensureClasses()
	o, isObj := v.(*goja.Object)
	if !isObj || !r.vm.InstanceOf(o, c.temporal) {
		msg, stack := r.thrownMessage(v)
		f := &failurepb.Failure{Message: msg, StackTrace: stack, Source: failureSource}
		if isObj && stack != "" || isObj && r.isError(o) {
			f.Cause = r.causeFailure(o)
		}
		return f
	}
	if orig, ok := r.fromHistory[o]; ok && o.Get("failure").ToBoolean() {
		return orig
	}
	get := func(k string) goja.Value { return o.Get(k) }
	f := &failurepb.Failure{Message: str2(get("message")), StackTrace: jsstack.Clean(str2(get("stack"))), Source: failureSource,
		Cause: r.causeFailure(o)}
	switch {
	case r.vm.InstanceOf(o, c.activity):
		f.FailureInfo = &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityId: str2(get("activityId")), Identity: str2(get("identity")),
			ActivityType: &commonpb.ActivityType{Name: str2(get("activityType"))},
			RetryState:   retryStateOf(str2(get("retryState"))),
		}}
	case r.vm.InstanceOf(o, c.child):
		i := &failurepb.ChildWorkflowExecutionFailureInfo{Namespace: str2(get("namespace")),
			WorkflowType: &commonpb.WorkflowType{Name: str2(get("workflowType"))},
			RetryState:   retryStateOf(str2(get("retryState")))}
		if ex, ok := get("execution").(*goja.Object); ok {
			i.WorkflowExecution = &commonpb.WorkflowExecution{WorkflowId: str2(ex.Get("workflowId")), RunId: str2(ex.Get("runId"))}
		}
		f.FailureInfo = &failurepb.Failure_ChildWorkflowExecutionFailureInfo{ChildWorkflowExecutionFailureInfo: i}
	case r.vm.InstanceOf(o, c.application):
		i := &failurepb.ApplicationFailureInfo{Type: str2(get("type")), NonRetryable: get("nonRetryable").ToBoolean(),
			Details: r.payloadsOf(get("details"))}
		if d := get("nextRetryDelay"); d != nil && !goja.IsUndefined(d) && !goja.IsNull(d) {
			if dur, err := parseDuration(d); err == nil {
				i.NextRetryDelay = durationpb.New(dur)
			}
		}
		if str2(get("category")) == "BENIGN" {
			i.Category = enumspb.APPLICATION_ERROR_CATEGORY_BENIGN
		}
		f.FailureInfo = &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: i}
	case r.vm.InstanceOf(o, c.cancelled):
		f.FailureInfo = &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{
			Details: r.payloadsOf(get("details"))}}
	case r.vm.InstanceOf(o, c.timeout):
		i := &failurepb.TimeoutFailureInfo{TimeoutType: timeoutTypeOf(str2(get("timeoutType")))}
		if hb := get("lastHeartbeatDetails"); hb != nil && hb.ToBoolean() {
			i.LastHeartbeatDetails = r.payloadsOf(r.vm.NewArray(hb))
		}
		f.FailureInfo = &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: i}
	case r.vm.InstanceOf(o, c.server):
		f.FailureInfo = &failurepb.Failure_ServerFailureInfo{ServerFailureInfo: &failurepb.ServerFailureInfo{
			NonRetryable: get("nonRetryable").ToBoolean()}}
	case r.vm.InstanceOf(o, c.terminated):
		f.FailureInfo = &failurepb.Failure_TerminatedFailureInfo{TerminatedFailureInfo: &failurepb.TerminatedFailureInfo{}}
	}
	return f
}

// causeFailure is the failure of o's cause, if it has a truthy one.
func (r *run) causeFailure(o *goja.Object) *failurepb.Failure {
	var cause goja.Value
	_ = r.vm.Try(func() { cause = o.Get("cause") })
	if cause == nil || !cause.ToBoolean() {
		return nil
	}
	return r.errorToFailure(cause)
}

// payloadsOf encodes a JS array of details; empty or absent is nil.
func (r *run) payloadsOf(v goja.Value) *commonpb.Payloads {
	vals := r.detailsOf(v)
	if len(vals) == 0 {
		return nil
	}
	ps := &commonpb.Payloads{}
	for _, d := range vals {
		ps.Payloads = append(ps.Payloads, d.(converter.RawValue).Payload())
	}
	return ps
}

func retryStateOf(s string) enumspb.RetryState {
	return enumspb.RetryState(enumspb.RetryState_value["RETRY_STATE_"+s])
}

func timeoutTypeOf(s string) enumspb.TimeoutType {
	return enumspb.TimeoutType(enumspb.TimeoutType_value["TIMEOUT_TYPE_"+s])
}

// jsonString is JSON.stringify(o).
func (r *run) jsonString(o *goja.Object) string {
	stringify, _ := goja.AssertFunction(r.vm.Get("JSON").ToObject(r.vm).Get("stringify"))
	out, err := stringify(goja.Undefined(), o)
	if err != nil {
		panic(err)
	}
	return str2(out)
}

func str2(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// detailsOf turns a JS array of details into payloads the Go SDK passes
// through unchanged.
func (r *run) detailsOf(v goja.Value) []any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	n := int(o.Get("length").ToInteger())
	out := make([]any, 0, n)
	for i := 0; i < n; i++ {
		p, err := r.rt.ToPayload(o.Get(fmt.Sprint(i)))
		if err != nil {
			continue
		}
		out = append(out, converter.NewRawValue(p))
	}
	return out
}

// keepGoError remembers the Go error behind a JS value.
func (r *run) keepGoError(o *goja.Object, err error) {
	if r.goErrs == nil {
		r.goErrs = map[*goja.Object]error{}
	}
	r.goErrs[o] = err
}

// toJSError converts a Go SDK error (an activity, timer or child failure)
// into the JS failure the TypeScript SDK would give workflow code.
func (r *run) toJSError(err error) goja.Value {
	orig := coreShape(temporal.GetDefaultFailureConverter().ErrorToFailure(err))
	return r.failureToJS(orig, r.decodeFailure(orig))
}

// coreShape returns the failure the Go SDK made of an error (f) as the
// TypeScript SDK's core resolves the operation with it. The Go SDK passes on
// what came from history, but rebuilds the levels it made itself: activity
// and child workflow wrappers (message, source) and the cancellation and
// termination causes it makes from history events.
func coreShape(f *failurepb.Failure) *failurepb.Failure {
	if f == nil {
		return nil
	}
	f = proto.Clone(f).(*failurepb.Failure)
	for g := f; g != nil; g = g.GetCause() {
		goMade := g.GetSource() == goSource
		switch {
		case g.GetActivityFailureInfo() != nil:
			g.Message, g.Source = activityMessage(g), ""
			if g.GetCause().GetCanceledFailureInfo() != nil {
				// The TypeScript SDK's core reports a cancelled activity so.
				g.GetActivityFailureInfo().RetryState = enumspb.RETRY_STATE_CANCEL_REQUESTED
			}
		case g.GetChildWorkflowExecutionFailureInfo() != nil:
			g.Source = ""
			i := g.GetChildWorkflowExecutionFailureInfo()
			switch c := g.GetCause(); {
			case c.GetCanceledFailureInfo() != nil:
				g.Message, i.RetryState = "Child Workflow execution cancelled", enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE
			case c.GetTerminatedFailureInfo() != nil:
				g.Message, i.RetryState = "Child Workflow execution terminated", enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE
			case c.GetTimeoutFailureInfo() != nil:
				g.Message = "Child Workflow execution timed out"
			default:
				g.Message = "Child Workflow execution failed"
			}
		case goMade && g.GetCanceledFailureInfo() != nil && g.GetMessage() == sdkCanceledMessage:
			g.Message, g.Source = "", ""
		case goMade && g.GetTerminatedFailureInfo() != nil:
			g.Message, g.Source = "Terminated", ""
		}
	}
	return f
}

// goSource is the source of the failures the Go SDK makes.
const goSource = "GoSDK"

// failureToJS is the TypeScript SDK's failureToError: the error of f's
// class, its stack the failure's stack_trace ("" if none) and, on Temporal
// failures, the failure itself (a plain object, as the proto's JSON) in its
// failure property. orig is f as it came (encoded, if a codec is used): a
// rethrown failure is passed on as it came.
func (r *run) failureToJS(orig, f *failurepb.Failure) goja.Value {
	if f == nil {
		return goja.Undefined()
	}
	v := r.newFailureJS(f, r.failureToJS(orig.GetCause(), f.GetCause()))
	o, ok := v.(*goja.Object)
	if !ok {
		return v
	}
	_ = o.Set("stack", f.GetStackTrace())
	if r.vm.InstanceOf(o, r.classes.temporal) {
		_ = o.Set("failure", r.rawFailure(f))
		if r.fromHistory == nil {
			r.fromHistory = map[*goja.Object]*failurepb.Failure{}
		}
		r.fromHistory[o] = orig
	}
	return o
}

// rawFailure is f as the plain object JSON.parse makes of its proto JSON.
func (r *run) rawFailure(f *failurepb.Failure) goja.Value {
	b, err := protojson.Marshal(f)
	if err != nil {
		return goja.Undefined()
	}
	parse, _ := goja.AssertFunction(r.vm.Get("JSON").ToObject(r.vm).Get("parse"))
	v, err := parse(goja.Undefined(), r.vm.ToValue(string(b)))
	if err != nil {
		return goja.Undefined()
	}
	return v
}

// newFailureJS makes the JS error of failure f with cause.
func (r *run) newFailureJS(f *failurepb.Failure, cause goja.Value) goja.Value {
	r.ensureClasses()
	vm := r.vm
	msg := vm.ToValue(f.GetMessage())
	var v *goja.Object
	var err error
	switch {
	case f.GetApplicationFailureInfo() != nil:
		i := f.GetApplicationFailureInfo()
		var category goja.Value = goja.Undefined()
		if i.GetCategory() == enumspb.APPLICATION_ERROR_CATEGORY_BENIGN {
			category = vm.ToValue("BENIGN")
		}
		v, err = vm.New(r.classes.application, msg, vm.ToValue(i.GetType()), vm.ToValue(i.GetNonRetryable()),
			r.payloadsToJS(i.GetDetails()), cause, goja.Undefined(), category)
	case f.GetActivityFailureInfo() != nil:
		i := f.GetActivityFailureInfo()
		v, err = vm.New(r.classes.activity, msg, vm.ToValue(i.GetActivityType().GetName()),
			vm.ToValue(i.GetActivityId()), r.retryState(i.GetRetryState()), vm.ToValue(i.GetIdentity()), cause)
	case f.GetTimeoutFailureInfo() != nil:
		i := f.GetTimeoutFailureInfo()
		var hb goja.Value = goja.Undefined()
		if ps := i.GetLastHeartbeatDetails().GetPayloads(); len(ps) > 0 {
			hb = r.payloadToJS(ps[0])
		}
		v, err = vm.New(r.classes.timeout, msg, hb, r.timeoutType(i.GetTimeoutType()))
	case f.GetCanceledFailureInfo() != nil:
		v, err = vm.New(r.classes.cancelled, msg, r.payloadsToJS(f.GetCanceledFailureInfo().GetDetails()), cause)
	case f.GetTerminatedFailureInfo() != nil:
		v, err = vm.New(r.classes.terminated, msg, cause)
	case f.GetServerFailureInfo() != nil:
		v, err = vm.New(r.classes.server, msg, vm.ToValue(f.GetServerFailureInfo().GetNonRetryable()), cause)
	case f.GetChildWorkflowExecutionFailureInfo() != nil:
		i := f.GetChildWorkflowExecutionFailureInfo()
		exec := vm.NewObject()
		_ = exec.Set("workflowId", i.GetWorkflowExecution().GetWorkflowId())
		_ = exec.Set("runId", i.GetWorkflowExecution().GetRunId())
		v, err = vm.New(r.classes.child, vm.ToValue(i.GetNamespace()), exec,
			vm.ToValue(i.GetWorkflowType().GetName()), r.retryState(i.GetRetryState()), cause)
	case f.GetNexusOperationExecutionFailureInfo() != nil:
		i := f.GetNexusOperationExecutionFailureInfo()
		// As the TypeScript SDK's, with the proto's defaults (0, "").
		v, err = vm.New(r.classes.obj.Get("NexusOperationFailure").ToObject(vm), msg, vm.ToValue(i.GetScheduledEventId()),
			vm.ToValue(i.GetEndpoint()), vm.ToValue(i.GetService()), vm.ToValue(i.GetOperation()), vm.ToValue(i.GetOperationToken()), cause)
	case f.GetNexusHandlerFailureInfo() != nil:
		v, err = r.nexusHandlerError(f, cause)
	default:
		v, err = vm.New(r.classes.temporal, msg, cause)
	}
	if err != nil {
		return vm.NewGoError(fmt.Errorf("convert failure %q: %w", f.GetMessage(), err))
	}
	return v
}

// activityMessage is the message the TypeScript SDK's core writes on the
// ActivityFailure wrapper.
func activityMessage(f *failurepb.Failure) string {
	c := f.GetCause()
	switch {
	case c.GetTimeoutFailureInfo() != nil:
		return "Activity task timed out"
	case c.GetCanceledFailureInfo() != nil:
		return "Activity cancelled"
	default:
		return "Activity task failed"
	}
}

func (r *run) payloadsToJS(ps *commonpb.Payloads) goja.Value {
	vals := make([]any, 0, len(ps.GetPayloads()))
	for _, p := range ps.GetPayloads() {
		vals = append(vals, r.payloadToJS(p))
	}
	return r.vm.NewArray(vals...)
}

func (r *run) payloadToJS(p *commonpb.Payload) goja.Value {
	v, err := r.rt.FromPayload(p)
	if err != nil {
		return goja.Undefined()
	}
	return v
}

func (r *run) retryState(s enumspb.RetryState) goja.Value {
	if s == enumspb.RETRY_STATE_UNSPECIFIED {
		return goja.Undefined()
	}
	return r.vm.ToValue(strings.TrimPrefix(enumspb.RetryState_name[int32(s)], "RETRY_STATE_"))
}

func (r *run) timeoutType(t enumspb.TimeoutType) goja.Value {
	if t == enumspb.TIMEOUT_TYPE_UNSPECIFIED {
		return goja.Undefined()
	}
	return r.vm.ToValue(strings.TrimPrefix(enumspb.TimeoutType_name[int32(t)], "TIMEOUT_TYPE_"))
}

func invalidArgument(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, "InvalidArgument", nil)
}

// cancelledActivity is the failure a cancelled activity rejects with when
// its result is not awaited (TRY_CANCEL, ABANDON, or cancelled before it was
// scheduled), as the TypeScript SDK's core builds it.
func (r *run) cancelledActivity(name, id string) goja.Value {
	f := &failurepb.Failure{
		Message: "Activity cancelled",
		Cause:   &failurepb.Failure{FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}}},
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityId:   id,
			ActivityType: &commonpb.ActivityType{Name: name},
			RetryState:   enumspb.RETRY_STATE_CANCEL_REQUESTED,
		}},
	}
	return r.failureToJS(f, f)
}

// decodeFailure returns f with what the payload codec of the worker's data
// converter encoded decoded, at every level of its cause chain: the failure
// of a Go SDK error is the one that came from the server.
func (r *run) decodeFailure(f *failurepb.Failure) *failurepb.Failure {
	dc := r.w.opts.DataConverter
	if dc == nil || f == nil {
		return f
	}
	f = proto.Clone(f).(*failurepb.Failure)
	for g := f; g != nil; g = g.GetCause() {
		converter.DecodeCommonFailureAttributes(dc, g)
		r.decodePayloads(dc, g.GetApplicationFailureInfo().GetDetails())
		r.decodePayloads(dc, g.GetCanceledFailureInfo().GetDetails())
		r.decodePayloads(dc, g.GetTimeoutFailureInfo().GetLastHeartbeatDetails())
	}
	return f
}

// decodePayloads decodes ps in place; a payload that does not decode is
// left as it is.
func (r *run) decodePayloads(dc converter.DataConverter, ps *commonpb.Payloads) {
	for i, p := range ps.GetPayloads() {
		var raw converter.RawValue
		if err := dc.FromPayload(p, &raw); err == nil {
			ps.Payloads[i] = raw.Payload()
		}
	}
}
