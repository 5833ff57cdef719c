// Package engine runs JavaScript workflows on the Go SDK's workflow core.
//
// A loaded bundle becomes a set of workflow types, one per exported function.
// Each run of one of them gets its own JS runtime, driven by an event loop on
// the workflow's coroutine: JS calls into @temporalio/workflow become Go SDK
// commands (activities, timers, ...), and the loop blocks on a Selector over
// everything pending, resolving the matching JS promise when something
// completes. Only that coroutine ever touches the runtime.
package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
	"github.com/tsworker/tsworker/internal/jsstack"
	"github.com/tsworker/tsworker/internal/wfmodule"
)

// Registry is where workflows are registered: a Go SDK worker, a
// WorkflowReplayer, or a test environment.
type Registry interface {
	RegisterDynamicWorkflow(w any, options workflow.DynamicRegisterOptions)
}

// Options configures how workflows run.
type Options struct {
	// Name is used in messages and stack traces. Optional; default
	// "workflows.js".
	Name string
	// FailureErrorTypes are names of JS error classes that fail the
	// workflow, rather than the workflow task, when a workflow throws them
	// (matched along the prototype chain; "Error" matches every error).
	// Temporal failures (ApplicationFailure, ...) always fail the workflow.
	// Like the TypeScript SDK's workflowFailureErrorTypes worker option; a
	// workflow can also list classes with setWorkflowOptions.
	FailureErrorTypes []string
	// Limits bound runaway workflow code. Optional; see Limits for the
	// defaults.
	Limits Limits
	// DataConverter is the data converter of the client the workers use,
	// when it is not the Go SDK's default (a payload codec, for example).
	// The Go SDK applies it everywhere but to the signals it hands the
	// engine. Optional.
	DataConverter converter.DataConverter
	// MetricsHandler receives tsworker's own metrics (see MetricBundleLatency
	// and the other Metric names): usually the handler of the client the
	// workers use (client.Options.MetricsHandler), so that they sit next to
	// the Go SDK's. Optional; default: none recorded.
	MetricsHandler client.MetricsHandler
	// BundleStart is when bundling the code given to Load began, so that the
	// bundle latency metric covers bundling and loading. Optional; default:
	// when Load is called.
	BundleStart time.Time
	// Sinks are the Go functions workflow code calls through proxySinks.
	// Optional.
	Sinks Sinks
}

// ActivityLookup returns the Go function a worker registered under an
// activity name.
type ActivityLookup func(name string) (fn any, ok bool)

// Workflows is a loaded bundle: its compiled program and the workflow types
// it exports. It is safe for concurrent use by many runs.
type Workflows struct {
	prog        *jsruntime.Program
	classesProg *goja.Program
	names       []string
	arity       map[string]int // workflow type -> the function's length
	opts        Options
	metrics     *workflowsMetrics // nil without a metrics handler
	frames      *frameCache       // stacks and positions of the runs' frames
	icptProg    *goja.Program     // interceptors.js, for a bundle with interceptor modules; else nil
}

// Load compiles a bundle and finds its workflow types by evaluating it once.
// A bundle whose top level throws, or that exports no function, is an error.
func Load(code []byte, opts Options) (*Workflows, error) {
	loadStart := time.Now()
	if opts.Name == "" {
		opts.Name = "workflows.js"
	}
	// The program is named after the bundle's output file, whose directory
	// the source map's paths are relative to.
	prog, err := jsruntime.Compile("workflows.js", code)
	if err != nil {
		return nil, err
	}
	classes, err := goja.Compile(jsstack.ClassesFile, wfmodule.Classes, false)
	if err != nil {
		return nil, fmt.Errorf("compile built-in classes: %w", err)
	}
	w := &Workflows{prog: prog, classesProg: classes, opts: opts, arity: map[string]int{}, frames: newFrameCache()}
	r := newProbeRun(w)
	var exports *goja.Object
	err = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				if e, ok := p.(error); ok {
					err = e
					return
				}
				panic(p)
			}
		}()
		r.js(func() {
			exports, err = r.rt.Run(prog, bundler.ExportsGlobal)
			if err != nil {
				if msg, ok := r.uncatchable(err); ok {
					err = &WorkflowTaskError{Workflow: "(load)", Message: msg, Stack: r.lastStack}
				}
			}
		})
		return err
	}()
	if err != nil {
		msg := jsErrorString(err)
		var te *WorkflowTaskError
		if errors.As(err, &te) {
			msg = te.Detail()
		}
		return nil, fmt.Errorf("load %s: evaluating the workflows file failed: %s", opts.Name, msg)
	}
	w.names = r.rt.WorkflowNames(exports)
	if w.icptProg, err = compileInterceptors(r.vm); err != nil {
		return nil, fmt.Errorf("load %s: %w", opts.Name, err)
	}
	for _, k := range w.names {
		n := int64(0)
		// length is a plain property of a function unless the code
		// redefined it: a throwing getter counts as no parameters.
		_ = r.vm.Try(func() { n = exports.Get(k).ToObject(r.vm).Get("length").ToInteger() })
		w.arity[k] = int(max(0, min(n, maxArgs)))
	}
	if len(w.names) == 0 {
		return nil, fmt.Errorf("load %s: no workflows: the file exports no functions; export each workflow, e.g. `export async function myWorkflow() {}`", opts.Name)
	}
	sort.Strings(w.names)
	if w.metrics = newWorkflowsMetrics(opts.MetricsHandler); w.metrics != nil {
		for _, n := range w.names {
			w.metrics.addType(n)
		}
		w.metrics.recordBundle(opts.BundleStart, loadStart)
	}
	return w, nil
}

// ExecutionTimeout is how long a run's JS may run without yielding.
func (w *Workflows) ExecutionTimeout() time.Duration {
	return w.opts.Limits.withDefaults().ExecutionTimeout
}

// Names returns the workflow types, sorted.
func (w *Workflows) Names() []string { return append([]string(nil), w.names...) }

// Arity returns the number of parameters the function of a workflow type
// declares (its length in JS: parameters before the first one with a
// default value or a rest parameter), or 0 for a type the bundle does not
// export. Tools use it to warn about missing arguments.
func (w *Workflows) Arity(name string) int { return w.arity[name] }

// known tells a workflow type the bundle exports.
func (w *Workflows) known(name string) bool {
	_, ok := w.arity[name]
	return ok
}

// Register registers the bundle's workflows on reg (a worker, replayer or
// test environment). Runs also need the Interceptor installed on the same
// worker, replayer or environment.
func (w *Workflows) Register(reg Registry) {
	reg.RegisterDynamicWorkflow(w.execute, workflow.DynamicRegisterOptions{})
}

// Interceptor returns the worker interceptor that delivers signals, queries
// and updates to JS runs, in history order.
func (w *Workflows) Interceptor() interceptor.WorkerInterceptor {
	return &workerInterceptor{w: w}
}

// InterceptorWith is Interceptor for a worker whose activities lookup
// finds: local activities need it, because the Go SDK calls them with Go
// values decoded for the function's parameters, not with payloads.
func (w *Workflows) InterceptorWith(lookup ActivityLookup) interceptor.WorkerInterceptor {
	return &workerInterceptor{w: w, lookup: lookup}
}

type ctxKey struct{}

// execute is the dynamic workflow function behind every JS workflow type.
func (w *Workflows) execute(ctx workflow.Context, input converter.EncodedValues) (converter.RawValue, error) {
	info := workflow.GetInfo(ctx)
	name := info.WorkflowType.Name
	if !w.known(name) {
		panic(fmt.Errorf("Failed to initialize workflow of type '%s': no such function is exported by the workflow bundle %s (exported workflows: %s)",
			name, w.opts.Name, strings.Join(w.names, ", ")))
	}
	in, _ := ctx.Value(ctxKey{}).(*inbound)
	if in == nil {
		panic(errors.New("tsworker: the engine's worker interceptor is not installed on this worker; " +
			"add Workflows.Interceptor() to the worker's (or replayer's) Interceptors"))
	}
	payloads, err := decodeArgs(input)
	if err != nil {
		return converter.RawValue{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("decode arguments of workflow %s: %v", name, err), "InvalidArgument", nil)
	}
	r := newRun(ctx, w, in)
	defer r.close()
	defer func() {
		if p := recover(); p != nil {
			// The Go SDK writes its own stack into the task failure: the
			// JS stack goes to the log.
			if te, ok := p.(*WorkflowTaskError); ok && !workflow.IsReplaying(ctx) {
				r.logger.Error("JS workflow code failed the workflow task", "Error", te.Message, "JSStack", te.Stack)
			}
			panic(p)
		}
	}()
	return r.execute(name, payloads)
}

const maxArgs = 256

func decodeArgs(input converter.EncodedValues) ([]*commonpb.Payload, error) {
	if input == nil || !input.HasValues() {
		return nil, nil
	}
	n := maxArgs
	if p, ok := input.(interface{ Payloads() *commonpb.Payloads }); ok {
		n = len(p.Payloads().GetPayloads())
	}
	raws := make([]converter.RawValue, n)
	ptrs := make([]any, n)
	for i := range raws {
		ptrs[i] = &raws[i]
	}
	if err := input.Get(ptrs...); err != nil {
		return nil, err
	}
	out := make([]*commonpb.Payload, 0, n)
	for _, r := range raws {
		if r.Payload() == nil {
			break
		}
		out = append(out, r.Payload())
	}
	return out, nil
}

// jsErrorString renders an error out of goja with its JS stack when it has
// one.
func jsErrorString(err error) string {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		if o, ok := ex.Value().(*goja.Object); ok {
			if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) && st.String() != "" {
				return jsstack.Clean(st.String())
			}
		}
		return ex.Error()
	}
	return err.Error()
}

// SourceLocation returns where in the workflow code the run that ctx
// belongs to is now ("workflows.ts:12:5", source-mapped), for tools that
// observe the run's commands through Go SDK interceptors while JS asks for
// them, such as replay reports. It returns "" when no JS is running. For a
// command the engine held (see hold), it is where the JS asked for it.
func SourceLocation(ctx workflow.Context) string {
	in, _ := ctx.Value(ctxKey{}).(*inbound)
	if in == nil || in.run == nil {
		return ""
	}
	if st := in.run.startingStack; st != "" {
		return stackLocation(st)
	}
	var buf [16]goja.StackFrame
	frames := in.run.vm.CaptureCallStack(len(buf), buf[:0])
	for i := range frames {
		pos := in.run.frames.position(&frames[i])
		if pos.Filename == "" || pos.Line == 0 || jsstack.BuiltinFile(pos.Filename) {
			continue
		}
		return fmt.Sprintf("%s:%d:%d", pos.Filename, pos.Line, pos.Column)
	}
	return ""
}
