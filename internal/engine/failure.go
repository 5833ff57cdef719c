package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
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
}

func (e *WorkflowTaskError) Error() string {
	s := fmt.Sprintf("workflow %s: %s", e.Workflow, e.Message)
	if e.Stack == "" || strings.Contains(e.Message, e.Stack) {
		return s
	}
	// A JS stack starts with "Name: message", which s already says.
	stack := e.Stack
	if i := strings.IndexByte(stack, '\n'); i >= 0 && strings.HasSuffix(e.Message, stack[:i]) {
		stack = stack[i+1:]
	}
	return s + "\n" + strings.TrimRight(stack, "\n")
}

// taskFailure describes err (an error out of goja) as a workflow task
// failure.
func (r *run) taskFailure(what string, err error) error {
	if msg, ok := r.uncatchable(err); ok {
		return &WorkflowTaskError{Workflow: r.workflowType(), Message: msg, Stack: r.lastStack}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return r.taskFailureValue(what, ex.Value())
	}
	return &WorkflowTaskError{Workflow: r.workflowType(), Message: what + ": " + err.Error()}
}

func (r *run) taskFailureValue(what string, v goja.Value) error {
	msg, stack := r.describe(v)
	if what != "" {
		msg = what + ": " + msg
	}
	return &WorkflowTaskError{Workflow: r.workflowType(), Message: msg, Stack: stack}
}

// describe renders a thrown JS value: "Name: message" and its stack.
func (r *run) describe(v goja.Value) (msg, stack string) {
	if v == nil || goja.IsUndefined(v) {
		return "undefined was thrown", ""
	}
	if goja.IsNull(v) {
		return "null was thrown", ""
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return fmt.Sprintf("a non-Error value was thrown: %s", r.rt.Inspect(v)), ""
	}
	name := o.Get("name")
	m := o.Get("message")
	if m == nil || goja.IsUndefined(m) {
		return fmt.Sprintf("a non-Error value was thrown: %s", r.rt.Inspect(v)), ""
	}
	msg = m.String()
	if name != nil && !goja.IsUndefined(name) {
		msg = name.String() + ": " + msg
	}
	if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) {
		stack = st.String()
	}
	return msg, stack
}

// fail ends the run on an error thrown synchronously by the workflow function.
func (r *run) fail(err error) (converter.RawValue, error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return r.failValue(ex.Value())
	}
	panic(r.taskFailure("workflow function failed", err))
}

// failValue ends the run on a thrown or rejected JS value: a Temporal
// failure fails the workflow; anything else fails the workflow task.
func (r *run) failValue(v goja.Value) (converter.RawValue, error) {
	if r.instanceOf(v, r.classes.continueAsNew) {
		if cmd, ok := v.(*goja.Object).Get("command").(*goja.Object); ok {
			if err, ok := r.goErrs[cmd]; ok {
				return converter.RawValue{}, err
			}
		}
	}
	if r.instanceOf(v, r.classes.temporal) {
		return converter.RawValue{}, r.toGoError(v)
	}
	if r.isFailureType(v) {
		return converter.RawValue{}, r.errorToApplicationFailure(v)
	}
	panic(r.taskFailureValue("", v))
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

// errorToApplicationFailure converts a JS error the way the TypeScript
// SDK's ensureApplicationFailure does: its message, and its class name as
// the type.
func (r *run) errorToApplicationFailure(v goja.Value) error {
	o := v.(*goja.Object)
	typ := ""
	if c, ok := o.Get("constructor").(*goja.Object); ok {
		typ = str2(c.Get("name"))
	}
	if typ == "" {
		typ = str2(o.Get("name"))
	}
	return temporal.NewApplicationError(str2(o.Get("message")), typ)
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

// toGoError converts a JS TemporalFailure into the Go SDK error that
// produces the same failure.
func (r *run) toGoError(v goja.Value) error {
	o, ok := v.(*goja.Object)
	if !ok {
		return temporal.NewApplicationError(r.rt.Inspect(v), "Error")
	}
	if err, ok := r.goErrs[o]; ok {
		return err
	}
	str := func(k string) string {
		x := o.Get(k)
		if x == nil || goja.IsUndefined(x) || goja.IsNull(x) {
			return ""
		}
		return x.String()
	}
	var cause error
	if c := o.Get("cause"); c != nil && !goja.IsUndefined(c) && !goja.IsNull(c) {
		if r.instanceOf(c, r.classes.temporal) {
			cause = r.toGoError(c)
		} else {
			msg, _ := r.describe(c)
			t := ""
			if co, ok := c.(*goja.Object); ok {
				t = str2(co.Get("name"))
			}
			cause = temporal.NewApplicationError(msg, t)
		}
	}
	switch {
	case r.instanceOf(v, r.classes.cancelled):
		return temporal.NewCanceledError(r.detailsOf(o.Get("details"))...)
	case r.instanceOf(v, r.classes.application), !r.instanceOf(v, r.classes.temporal):
		opts := temporal.ApplicationErrorOptions{
			NonRetryable: o.Get("nonRetryable") != nil && o.Get("nonRetryable").ToBoolean(),
			Cause:        cause,
			Details:      r.detailsOf(o.Get("details")),
		}
		if d := o.Get("nextRetryDelay"); d != nil && !goja.IsUndefined(d) && !goja.IsNull(d) {
			if dur, err := parseDuration(d); err == nil {
				opts.NextRetryDelay = dur
			}
		}
		if str("category") == "BENIGN" {
			opts.Category = temporal.ApplicationErrorCategoryBenign
		}
		return temporal.NewApplicationErrorWithOptions(str("message"), str("type"), opts)
	default:
		// Other failure classes created by workflow code: keep message and
		// type name.
		return temporal.NewApplicationErrorWithOptions(str("message"), str("name"), temporal.ApplicationErrorOptions{Cause: cause})
	}
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
	f := r.decodeFailure(temporal.GetDefaultFailureConverter().ErrorToFailure(err))
	v := r.failureToJS(f)
	if o, ok := v.(*goja.Object); ok {
		r.keepGoError(o, err)
	}
	return v
}

func (r *run) failureToJS(f *failurepb.Failure) goja.Value {
	if f == nil {
		return goja.Undefined()
	}
	r.ensureClasses()
	vm := r.vm
	cause := r.failureToJS(f.GetCause())
	msg := vm.ToValue(f.GetMessage())
	var v *goja.Object
	var err error
	switch {
	case f.GetApplicationFailureInfo() != nil:
		i := f.GetApplicationFailureInfo()
		var delay goja.Value = goja.Undefined()
		if d := i.GetNextRetryDelay(); d != nil {
			delay = vm.ToValue(d.AsDuration().Milliseconds())
		}
		var category goja.Value = goja.Undefined()
		if i.GetCategory() == enumspb.APPLICATION_ERROR_CATEGORY_BENIGN {
			category = vm.ToValue("BENIGN")
		}
		v, err = vm.New(r.classes.application, msg, vm.ToValue(i.GetType()), vm.ToValue(i.GetNonRetryable()),
			r.payloadsToJS(i.GetDetails()), cause, delay, category)
	case f.GetActivityFailureInfo() != nil:
		i := f.GetActivityFailureInfo()
		rs := i.GetRetryState()
		if f.GetCause().GetCanceledFailureInfo() != nil {
			// The TypeScript SDK's core reports a cancelled activity so.
			rs = enumspb.RETRY_STATE_CANCEL_REQUESTED
		}
		v, err = vm.New(r.classes.activity, vm.ToValue(activityMessage(f)), vm.ToValue(i.GetActivityType().GetName()),
			vm.ToValue(i.GetActivityId()), r.retryState(rs), vm.ToValue(i.GetIdentity()), cause)
	case f.GetTimeoutFailureInfo() != nil:
		i := f.GetTimeoutFailureInfo()
		var hb goja.Value = goja.Undefined()
		if ps := i.GetLastHeartbeatDetails().GetPayloads(); len(ps) > 0 {
			hb = r.payloadToJS(ps[0])
		}
		v, err = vm.New(r.classes.timeout, msg, hb, r.timeoutType(i.GetTimeoutType()))
		if err == nil && !goja.IsUndefined(cause) {
			_ = v.Set("cause", cause)
		}
	case f.GetCanceledFailureInfo() != nil:
		if f.GetMessage() == sdkCanceledMessage {
			msg = vm.ToValue("") // the Go SDK's stock text; the TypeScript SDK has none
		}
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
	default:
		v, err = vm.New(r.classes.temporal, msg, cause)
	}
	if err != nil {
		return vm.NewGoError(fmt.Errorf("convert failure %q: %w", f.GetMessage(), err))
	}
	if st := f.GetStackTrace(); st != "" {
		_ = v.Set("stack", st)
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

// abandonedActivity is the failure an ABANDON activity rejects with when its
// scope is cancelled, as the TypeScript SDK's core builds it.
func (r *run) abandonedActivity(name string) goja.Value {
	return r.failureToJS(&failurepb.Failure{
		Message: "Activity cancelled",
		Cause:   &failurepb.Failure{FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}}},
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityType: &commonpb.ActivityType{Name: name},
			RetryState:   enumspb.RETRY_STATE_CANCEL_REQUESTED,
		}},
	})
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
