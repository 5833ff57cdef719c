package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dop251/goja"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// nexusModule: Nexus operations called from workflows
// (createNexusServiceClient), on the Go SDK's workflow.NexusClient.
var nexusModule = module{name: "nexus", exports: exports{
	"createNexusServiceClient": func(r *run) any { return nexusOps{r}.createClient },
}}

// nexusOps starts Nexus operations; it has no state of its own.
type nexusOps struct{ *run }

// NexusStart is one Nexus operation a workflow asks to start, as the
// TypeScript SDK's StartNexusOperationInput: where it goes, its input (a
// payload made by the workflow's payload converter) and its options. The
// engine's startNexusOperation is the one place that schedules it.
type NexusStart struct {
	Endpoint, Service, Operation string
	Input                        converter.RawValue
	Options                      workflow.NexusOperationOptions
	// Header is the Nexus header the startNexusOperation interceptors set
	// (their input.headers); nil without.
	Header map[string]string
}

// createClient backs createNexusServiceClient({ endpoint, service }): a
// client whose startOperation and executeOperation take an operation (its
// property name in the service definition, or the operation definition)
// and the operation's input and options.
func (r nexusOps) createClient(c goja.FunctionCall) goja.Value {
	r.requireContext("createNexusServiceClient")
	o, _ := c.Argument(0).(*goja.Object)
	if o == nil {
		panic(r.vm.NewTypeError("createNexusServiceClient: options must be an object with endpoint and service"))
	}
	endpoint := str2(o.Get("endpoint"))
	svc, _ := o.Get("service").(*goja.Object)
	if svc == nil {
		panic(r.vm.NewTypeError("createNexusServiceClient: service must be a Nexus service definition (nexus.service(name, operations))"))
	}
	client := r.vm.NewObject()
	start := func(c goja.FunctionCall) goja.Value {
		return r.startOperation(endpoint, svc, c.Argument(0), c.Argument(1), c.Argument(2))
	}
	_ = client.Set("startOperation", start)
	_ = client.Set("executeOperation", func(c goja.FunctionCall) goja.Value {
		// As the TypeScript SDK: start, then wait for the handle's result.
		p := start(c)
		then, _ := goja.AssertFunction(p.ToObject(r.vm).Get("then"))
		v, err := then(p, r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			h := c.Argument(0).ToObject(r.vm)
			result, _ := goja.AssertFunction(h.Get("result"))
			v, err := result(h)
			if err != nil {
				panic(err)
			}
			return v
		}))
		if err != nil {
			panic(err)
		}
		return v
	})
	return client
}

// startOperation reads one startOperation call and hands it to
// startNexusOperation.
func (r nexusOps) startOperation(endpoint string, svc *goja.Object, op, input, opts goja.Value) goja.Value {
	r.requireWritable("startNexusOperation")
	var def *goja.Object
	if o, ok := op.(*goja.Object); ok {
		def = o
	} else if ops, ok := svc.Get("operations").(*goja.Object); ok {
		def, _ = ops.Get(op.String()).(*goja.Object)
	}
	in := NexusStart{Endpoint: endpoint, Service: str2(svc.Get("name"))}
	if def != nil {
		in.Operation = str2(def.Get("name"))
	}
	switch {
	case in.Endpoint == "":
		panic(r.vm.NewTypeError("createNexusServiceClient: endpoint must be a non-empty string"))
	case in.Service == "":
		panic(r.vm.NewTypeError("createNexusServiceClient: service has no name"))
	case strings.HasPrefix(in.Endpoint, "__temporal_") || strings.HasPrefix(in.Service, "__temporal_"):
		// Reserved by the server; the Go SDK's client panics on them.
		panic(r.vm.NewTypeError("createNexusServiceClient: endpoint and service names starting with __temporal_ are reserved"))
	}
	// An operation the service does not define has no name: as in the
	// TypeScript SDK, it is scheduled so, and fails with the handler's
	// NOT_FOUND.
	p, err := r.rt.ToPayload(input)
	if err != nil {
		panic(r.vm.NewTypeError("startNexusOperation %s: %v", in.Operation, err))
	}
	in.Input = converter.NewRawValue(p)
	in.Header, r.outNexusHeader = r.outNexusHeader, nil
	if in.Options, err = nexusOptions(opts); err != nil {
		panic(r.vm.NewTypeError("startNexusOperation %s: %v", in.Operation, err))
	}
	return r.startNexusOperation(in)
}

// nexusOptions reads StartNexusOperationOptions.
func nexusOptions(v goja.Value) (workflow.NexusOperationOptions, error) {
	var out workflow.NexusOperationOptions
	o, ok := v.(*goja.Object)
	if !ok {
		out.CancellationType = workflow.NexusOperationCancellationTypeWaitCompleted
		return out, nil
	}
	var err error
	for _, f := range []struct {
		key string
		dst *time.Duration
	}{
		{"scheduleToCloseTimeout", &out.ScheduleToCloseTimeout},
		{"scheduleToStartTimeout", &out.ScheduleToStartTimeout},
		{"startToCloseTimeout", &out.StartToCloseTimeout},
	} {
		if *f.dst, err = optDuration(o, f.key); err != nil {
			return out, err
		}
	}
	out.Summary = str2(o.Get("summary"))
	switch ct := str2(o.Get("cancellationType")); ct {
	case "", "WAIT_CANCELLATION_COMPLETED": // the TypeScript SDK's default
		out.CancellationType = workflow.NexusOperationCancellationTypeWaitCompleted
	case "WAIT_CANCELLATION_REQUESTED":
		out.CancellationType = workflow.NexusOperationCancellationTypeWaitRequested
	case "TRY_CANCEL":
		out.CancellationType = workflow.NexusOperationCancellationTypeTryCancel
	case "ABANDON":
		out.CancellationType = workflow.NexusOperationCancellationTypeAbandon
	default:
		return out, fmt.Errorf("unknown cancellationType %q; use NexusOperationCancellationType.ABANDON, TRY_CANCEL, WAIT_CANCELLATION_REQUESTED or WAIT_CANCELLATION_COMPLETED", ct)
	}
	return out, nil
}

// startNexusOperation schedules in (the TypeScript SDK's
// startNexusOperation outbound call): it returns a promise of the
// operation's handle, settled once the operation started (or completed
// synchronously) or failed to. As activities, the operation is held until
// the JS stops running, and never scheduled when its scope is cancelled
// first.
func (r *run) startNexusOperation(in NexusStart) goja.Value {
	sc := r.cur.scope
	if sc.consideredCancelled() {
		return r.rejectedPromise(sc.reason)
	}
	started, resolveStart, rejectStart := r.vm.NewPromise()
	result, resolveResult, rejectResult := r.vm.NewPromise()
	r.markHandled(r.vm.ToValue(result))
	// Which of the two promises a settlement goes to: the start's until
	// the operation started, then the result's.
	isStarted, settled := false, false
	reject := func(v goja.Value) {
		if settled {
			return
		}
		settled = true
		if isStarted {
			_ = rejectResult(v)
		} else {
			_ = rejectStart(v)
		}
	}
	handle := func(token string) *goja.Object {
		h := r.vm.NewObject()
		_ = h.Set("service", in.Service)
		_ = h.Set("operation", in.Operation)
		_ = h.Set("token", token) // "" when it completed synchronously, as in the TypeScript SDK
		_ = h.Set("result", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(result) })
		return h
	}
	n := &heldNexus{sc: sc, in: in, stack: r.waitStack()}
	cancelRequested := func() bool { return sc.requested }
	n.onDrop = func(goja.Value) { reject(r.nexusCancelled(in, nexusCancelledBeforeScheduled, "", nil)) }
	// TRY_CANCEL and ABANDON report the cancellation at once, as the
	// TypeScript SDK's core does (the Go SDK waits for the server to record
	// the cancel request under TRY_CANCEL); the others wait for history.
	if ct := in.Options.CancellationType; ct == workflow.NexusOperationCancellationTypeTryCancel ||
		ct == workflow.NexusOperationCancellationTypeAbandon {
		n.onCancel = func(token string) { reject(r.nexusCancelled(in, nexusCancelledAfterStarting, token, nil)) }
	}
	n.onStarted = func(token string, err error) {
		if settled || isStarted {
			return
		}
		if err != nil {
			reject(r.nexusError(err, in, token, cancelRequested()))
			return
		}
		isStarted = true
		_ = resolveStart(handle(token))
	}
	n.onResult = func(f workflow.Future, token string) {
		if settled {
			return
		}
		var raw converter.RawValue
		if err := f.Get(r.ctx, &raw); err != nil {
			reject(r.nexusError(err, in, token, cancelRequested()))
			return
		}
		settled = true
		if !isStarted {
			// Completed synchronously: the handle comes with the result.
			isStarted = true
			_ = resolveStart(handle(""))
		}
		_ = resolveResult(r.payloadToJS(raw.Payload()))
	}
	r.hold(n)
	return r.vm.ToValue(started)
}

// The messages of the failures the TypeScript SDK's core makes for
// operations the workflow cancelled.
const (
	nexusCancelledBeforeScheduled = "Nexus Operation cancelled before scheduled"
	nexusCancelledAfterStarting   = "Nexus operation cancelled after starting"
	nexusCancelRequestCompleted   = "Nexus operation cancellation request completed"
	nexusCancelRequestFailed      = "Nexus operation cancellation request failed"
)

// nexusError is the JS error of a failed or cancelled operation. The Go SDK
// gives a bare cancellation (or, when the cancel request failed under
// WAIT_CANCELLATION_REQUESTED, the request's failure) where the
// operation's cancellation type resolves it without an outcome from
// history; the TypeScript SDK a NexusOperationFailure around it.
func (r *run) nexusError(err error, in NexusStart, token string, cancelRequested bool) goja.Value {
	var nexusErr *temporal.NexusOperationError
	if errors.As(err, &nexusErr) {
		return r.toJSError(err)
	}
	waitRequested := in.Options.CancellationType == workflow.NexusOperationCancellationTypeWaitRequested
	switch {
	case temporal.IsCanceledError(err) && waitRequested:
		return r.nexusCancelled(in, nexusCancelRequestCompleted, token, nil)
	case temporal.IsCanceledError(err):
		return r.nexusCancelled(in, nexusCancelledAfterStarting, token, nil)
	case cancelRequested && waitRequested:
		f := temporal.GetDefaultFailureConverter().ErrorToFailure(err)
		return r.nexusCancelled(in, nexusCancelRequestFailed, token, r.decodeFailure(f))
	}
	return r.toJSError(err)
}

// nexusCancelled is the NexusOperationFailure of an operation the workflow
// cancelled, as the TypeScript SDK's core makes it: cause is a
// CancelledFailure unless given. The Go SDK does not tell workflow code an
// operation's scheduled event ID, so it is 0.
func (r *run) nexusCancelled(in NexusStart, msg, token string, cause *failurepb.Failure) goja.Value {
	if cause == nil {
		cause = &failurepb.Failure{FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}}}
	}
	f := &failurepb.Failure{
		Message: msg,
		FailureInfo: &failurepb.Failure_NexusOperationExecutionFailureInfo{NexusOperationExecutionFailureInfo: &failurepb.NexusOperationFailureInfo{
			Endpoint: in.Endpoint, Service: in.Service, Operation: in.Operation, OperationToken: token,
		}},
		Cause: cause,
	}
	return r.failureToJS(f, f)
}

// handlerErrorSource defines nexus-rpc's HandlerError as the TypeScript
// SDK's failure converter gives it to workflow code: an Error (not a
// TemporalFailure) with the handler error's type and retry behaviour. The
// prototype carries nexus-rpc's instanceof marker, so that
// `err instanceof HandlerError` holds for nexus-rpc's class bundled from
// node_modules too.
const handlerErrorSource = `(function () {
  const retryableTypes = ['UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'REQUEST_TIMEOUT', 'UNKNOWN'];
  class HandlerError extends Error {
    constructor(type, message, options) {
      super(message || 'Handler error: ' + type, { cause: options?.cause });
      this.type = type;
      this.rawErrorType = options?.rawErrorType ?? type;
      this.retryableOverride = options?.retryableOverride;
      this.originalFailure = options?.originalFailure;
    }
    get retryable() {
      return typeof this.retryableOverride === 'boolean' ? this.retryableOverride : retryableTypes.includes(this.type);
    }
  }
  Object.defineProperty(HandlerError.prototype, 'name', { value: 'HandlerError', enumerable: true });
  Object.defineProperty(HandlerError.prototype, Symbol.for('__nexus_isHandlerError'), { value: true });
  return HandlerError;
})()`

// handlerErrorProgram is compiled once; each run that meets a handler
// error evaluates it once.
var handlerErrorProgram = goja.MustCompile("nexus-handler-error.js", handlerErrorSource, true)

// handlerErrorKey is where a run keeps its HandlerError class, on its
// classes object.
const handlerErrorKey = "__nexusHandlerError"

// nexusHandlerError is the HandlerError of failure f (its
// nexusHandlerFailureInfo) with cause.
func (r *run) nexusHandlerError(f *failurepb.Failure, cause goja.Value) (*goja.Object, error) {
	cls, _ := r.classes.obj.Get(handlerErrorKey).(*goja.Object)
	if cls == nil {
		v, err := r.vm.RunProgram(handlerErrorProgram)
		if err != nil {
			return nil, fmt.Errorf("define HandlerError: %w", err)
		}
		cls = v.ToObject(r.vm)
		_ = r.classes.obj.DefineDataProperty(handlerErrorKey, cls, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	i := f.GetNexusHandlerFailureInfo()
	raw := i.GetType()
	typ := raw
	if !knownHandlerErrorTypes[typ] {
		typ = "UNKNOWN"
	}
	// An empty message becomes "Handler error: TYPE" in the constructor, as
	// in the TypeScript SDK (whose decoded failures have "", not undefined).
	msg := f.GetMessage()
	// originalFailure: the failure as a Nexus failure whose details are the
	// Temporal failure, as the TypeScript SDK keeps it for round trips.
	orig := r.vm.NewObject()
	_ = orig.Set("message", f.GetMessage())
	meta := r.vm.NewObject()
	_ = meta.Set("type", "temporal.api.failure.v1.Failure")
	_ = orig.Set("metadata", meta)
	_ = orig.Set("details", r.rawFailure(f))
	opts := r.vm.NewObject()
	_ = opts.Set("cause", cause)
	_ = opts.Set("rawErrorType", raw)
	_ = opts.Set("originalFailure", orig)
	switch i.GetRetryBehavior() {
	case enumspb.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE:
		_ = opts.Set("retryableOverride", true)
	case enumspb.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE:
		_ = opts.Set("retryableOverride", false)
	}
	return r.vm.New(cls, r.vm.ToValue(typ), r.vm.ToValue(msg), opts)
}

// knownHandlerErrorTypes are nexus-rpc's HandlerErrorType values.
var knownHandlerErrorTypes = map[string]bool{
	"UNKNOWN": true, "BAD_REQUEST": true, "UNAUTHENTICATED": true, "UNAUTHORIZED": true, "NOT_FOUND": true,
	"NOT_IMPLEMENTED": true, "CONFLICT": true, "UNAVAILABLE": true, "UPSTREAM_TIMEOUT": true,
	"RESOURCE_EXHAUSTED": true, "INTERNAL": true, "REQUEST_TIMEOUT": true,
}

// heldNexus is a Nexus operation asked for and not yet scheduled.
type heldNexus struct {
	sc        *scope
	in        NexusStart
	stack     string // JS stack of the call, for __stack_trace
	onStarted func(token string, err error)
	onResult  func(f workflow.Future, token string)
	onCancel  func(token string) // the scope was cancelled after the operation was scheduled; nil if nothing to do
	onDrop    func(reason goja.Value)
}

func (n *heldNexus) heldScope() *scope { return n.sc }

func (n *heldNexus) start(r *run) {
	r.startingStack = n.stack // for SourceLocation
	client := workflow.NewNexusClient(n.in.Endpoint, n.in.Service)
	ctx := n.sc.ctx
	if n.in.Header != nil {
		ctx = workflow.WithValue(ctx, nexusHeaderKey{}, n.in.Header) // see outbound.ExecuteNexusOperation
	}
	f := client.ExecuteOperation(ctx, n.in.Operation, n.in.Input, n.in.Options)
	r.startingStack = ""
	token := ""
	r.awaitStack(f.GetNexusOperationExecution(), n.stack, func(sf workflow.Future) {
		// Set when the operation started, completed synchronously (token
		// "", with the result) or failed (with the result's error).
		var exec workflow.NexusOperationExecution
		err := sf.Get(r.ctx, &exec)
		token = exec.OperationToken
		n.onStarted(token, err)
	})
	r.awaitStack(f, n.stack, func(f workflow.Future) { n.onResult(f, token) })
	if n.onCancel != nil {
		n.sc.onCancel(func(goja.Value) { n.onCancel(token) })
	}
}

func (n *heldNexus) drop(_ *run, reason goja.Value) { n.onDrop(reason) }
