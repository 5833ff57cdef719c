// Package worker runs JavaScript/TypeScript workflows and Go activities on a
// Temporal task queue.
//
//	c, err := client.Dial(ctx, client.Options{HostPort: "localhost:7233"}) // package tsworker/client
//	if err != nil { ... }
//	w, err := worker.New(c, "my-queue", worker.Options{Workflows: "workflows.ts"})
//	if err != nil { ... } // bundle errors name the file and line
//	w.RegisterActivity(Greet) // callable from JS as greet (and Greet)
//	err = w.Run(worker.InterruptCh())
//
// Each function exported by the workflows file is a workflow type named
// after the export. The worker is a Go SDK worker underneath: its options,
// sticky cache and tuning apply unchanged.
//
// Workflows come in two layers. Options.Workflows names a file that New
// bundles and loads. Load (a file) and LoadBundle (a prebuilt bundle, as
// `tsworker bundle` writes it) return a *Workflows to pass as
// Options.Loaded: loaded once, shared by several workers, replays and test
// environments.
//
// Before deploying changed workflow code, replay histories of running
// workflows against it: ReadHistoryFiles or FetchHistories, then
// ReplayHistories and ReplayErr. Diagnostics makes the same account for
// workflow tasks that fail by non-determinism in a running worker.
package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/actreg"
	"github.com/tsworker/tsworker/internal/engine"
)

// Options configures a Worker. Workflows (or Loaded) is required; every
// other field is optional.
type Options struct {
	// Workflows is the workflows file (.ts or .js) New bundles and loads,
	// or a directory holding workflows.ts or index.ts. Each function the
	// file exports is a workflow type, named after the export.
	Workflows string
	// Loaded is a set of workflows already loaded with Load or LoadBundle,
	// instead of Workflows: to run a prebuilt bundle (`tsworker bundle`),
	// or to share one loaded bundle between several workers. The load
	// options below are then those given to Load, and must be left zero
	// here.
	Loaded *Workflows

	// WorkflowFailureErrorTypes, DataConverter, MetricsHandler, Limits,
	// Sinks, PayloadConverterPath and NodePaths are the LoadOptions New
	// loads Workflows with; see LoadOptions.
	WorkflowFailureErrorTypes  []string                // see LoadOptions
	DataConverter              converter.DataConverter // see LoadOptions
	MetricsHandler             client.MetricsHandler   // see LoadOptions
	Limits                     Limits                  // see LoadOptions
	Sinks                      Sinks                   // see LoadOptions
	PayloadConverterPath       string                  // see LoadOptions
	NodePaths                  []string                // see LoadOptions
	WorkflowInterceptorModules []string                // see LoadOptions

	// Diagnostics, also given to the client (Diagnostics.ClientOptions),
	// makes workflow tasks failed by non-determinism say which history event
	// and which JS line disagree, as replay reports do. Optional.
	Diagnostics *Diagnostics
	// Worker passes options through to the Go SDK worker (concurrency,
	// sticky cache timeouts, graceful stop timeout, interceptors, ...).
	// Its Interceptors, and those of the client that are also worker
	// interceptors (such as the Go SDK's tracing interceptors), see the JS
	// workflows as they see Go workflows: their start, signals, queries and
	// updates, and the activities, child workflows, signals and timers the
	// JS code asks for. An interceptor already on the client must not be
	// added here too, or it would run twice. Optional.
	Worker sdkworker.Options
}

// loadOptions returns the load options of o, and whether any is set.
func (o Options) loadOptions() (LoadOptions, bool) {
	lo := LoadOptions{WorkflowFailureErrorTypes: o.WorkflowFailureErrorTypes, DataConverter: o.DataConverter,
		MetricsHandler: o.MetricsHandler, Limits: o.Limits, Sinks: o.Sinks, PayloadConverterPath: o.PayloadConverterPath,
		NodePaths: o.NodePaths, WorkflowInterceptorModules: o.WorkflowInterceptorModules}
	set := len(lo.WorkflowFailureErrorTypes) > 0 || lo.DataConverter != nil || lo.MetricsHandler != nil ||
		lo.Limits != (Limits{}) || len(lo.Sinks) > 0 || lo.PayloadConverterPath != "" || len(lo.NodePaths) > 0 ||
		len(lo.WorkflowInterceptorModules) > 0
	return lo, set
}

// LoadOptions configures loading workflows: by New (from the fields of the
// same names in Options), Load and LoadBundle. The zero value is ready to
// use.
type LoadOptions struct {
	// WorkflowFailureErrorTypes are names of JS error classes that fail the
	// workflow instead of the workflow task when thrown by a workflow
	// (matched along the prototype chain; "Error" matches every error), as
	// the TypeScript SDK's workflowFailureErrorTypes. By default only
	// Temporal failures (ApplicationFailure, ...) fail the workflow; any
	// other error fails the task, which is retried. A workflow can add
	// classes with setWorkflowOptions({ failureExceptionTypes }).
	WorkflowFailureErrorTypes []string
	// DataConverter must be the data converter given to the client
	// (client.Options.DataConverter) when it is not the default, for
	// example to encrypt payloads with a codec. Default: the Go SDK's.
	DataConverter converter.DataConverter
	// MetricsHandler receives tsworker's own metrics: bundle latency, JS
	// runtimes created, runs cached, JS time per workflow task. Give it
	// the handler of the client (client.Options.MetricsHandler), where the
	// Go SDK's metrics go, such as metrics.Prometheus.Handler. Default: not
	// recorded.
	MetricsHandler client.MetricsHandler
	// Limits bound runaway workflow code: execution time without yielding,
	// memory, recursion depth (see Limits for the defaults). A run over a
	// limit fails its workflow task, which is retried; the worker goes on.
	Limits Limits
	// Sinks are the Go functions workflow code calls through proxySinks, as
	// the TypeScript SDK's sinks worker option: called after the workflow
	// code that made the call ran up to its next await, with the arguments
	// as they are then (a structured clone, encoded by the payload
	// converter), and not for calls replayed from history unless
	// Sink.CallDuringReplay (calls from query handlers and update
	// validators are made either way). A sink named LoggerSink receives the
	// workflow module's log calls and the workflow function's lifecycle
	// lines ("Workflow started", "Workflow completed", ...), which otherwise
	// go to the Go SDK's replay-aware workflow logger. Optional.
	Sinks Sinks
	// PayloadConverterPath is a module exporting payloadConverter, as the
	// TypeScript SDK's payloadConverterPath: a converter built with
	// @temporalio/common's classes (CompositePayloadConverter,
	// UndefinedPayloadConverter, JsonPayloadConverter, ...) or any object with
	// toPayload and fromPayload. Load bundles it with the workflows, and
	// every value into and out of them goes through it (arguments, results,
	// signals, queries, updates, memos, failure details), but search
	// attributes. Go code on the other side (activities, clients) must agree
	// with its payloads; a prebuilt bundle (LoadBundle) carries the converter
	// it was built with. Optional; default: the default payload converter.
	PayloadConverterPath string
	// NodePaths are more directories holding npm packages the workflows (and
	// the payload converter) import, searched after the node_modules
	// directories beside the importing file and above it, as Node's
	// NODE_PATH or webpack's resolve.modules in the TypeScript SDK's
	// bundleWorkflowCode. Optional: a project whose node_modules is beside
	// or above its workflows needs none.
	NodePaths []string
	// WorkflowInterceptorModules are modules exporting interceptors, a
	// WorkflowInterceptorsFactory of @temporalio/workflow, as the TypeScript
	// SDK's interceptors.workflowModules: Load bundles them with the
	// workflows, and each run calls each module's factory, in this order,
	// before the workflow function. Their inbound, outbound and internals
	// interceptors then see the run's calls, composed as in the TypeScript
	// SDK; headers they set reach the server. A prebuilt bundle (LoadBundle)
	// carries the modules it was built with. Optional.
	WorkflowInterceptorModules []string
}

// Sinks, Sink and SinkCall: see LoadOptions.Sinks.
type (
	// Sinks are sink functions by interface name and function name.
	Sinks = engine.Sinks
	// Sink is a Go function workflow code calls through proxySinks.
	Sink = engine.Sink
	// SinkCall is one call of a sink by workflow code.
	SinkCall = engine.SinkCall
)

// LoggerSink is the name of the sink interface behind the workflow
// module's log (functions trace, debug, info, warn and error, called with
// the message and its attributes).
const LoggerSink = engine.LoggerSink

// engineOptions is lo for the engine, which names messages after name.
func (lo LoadOptions) engineOptions(name string) engine.Options {
	return engine.Options{Name: name, FailureErrorTypes: lo.WorkflowFailureErrorTypes, Limits: lo.Limits,
		DataConverter: lo.DataConverter, MetricsHandler: lo.MetricsHandler, Sinks: lo.Sinks}
}

// Workflows is a loaded workflows bundle: the compiled program and the
// workflow types it exports, safe for concurrent use. Load it once and
// share it between workers (Options.Loaded), replays (ReplayHistories) and
// test environments. Its methods:
//
//   - Names() []string: the workflow types, sorted;
//   - Arity(name string) int: the number of parameters a workflow type's
//     function declares (its length in JS);
//   - Register(reg WorkflowRegistry): registers every workflow type on a Go
//     SDK worker, WorkflowReplayer or test environment, which must also
//     have Interceptor() among its interceptors, last (New does both);
//   - Interceptor() interceptor.WorkerInterceptor: the worker interceptor
//     JS workflows need; those before it see their signals too.
type Workflows = engine.Workflows

// WorkflowRegistry is where Workflows.Register registers workflows: a Go
// SDK worker, WorkflowReplayer or test environment.
type WorkflowRegistry = engine.Registry

// Limits bound runaway workflow code. The zero value of each field means
// its default: ExecutionTimeout 5s without yielding, MemoryBudget 256 MiB
// allocated without yielding, MaxCallStackSize 10000 frames.
type Limits = engine.Limits

// Load bundles the workflows file at path (a .ts or .js file, or a
// directory holding workflows.ts or index.ts) and loads it. Bundle errors
// name the file and line.
func Load(path string, opts ...LoadOptions) (*Workflows, error) {
	start := time.Now()
	res := bundler.Bundle(bundler.Options{Entry: path, PayloadConverter: firstOpts(opts).PayloadConverterPath,
		NodePaths: firstOpts(opts).NodePaths, InterceptorModules: firstOpts(opts).WorkflowInterceptorModules})
	if err := res.Err(); err != nil {
		return nil, err
	}
	o := firstOpts(opts).engineOptions(res.Entry)
	o.BundleStart = start
	return engine.Load(res.Code, o)
}

// LoadBundle loads a prebuilt bundle, as `tsworker bundle` writes it; name
// (the file it came from) appears in messages and stack traces.
func LoadBundle(code []byte, name string, opts ...LoadOptions) (*Workflows, error) {
	return engine.Load(code, firstOpts(opts).engineOptions(name))
}

func firstOpts(opts []LoadOptions) LoadOptions {
	if len(opts) > 0 {
		return opts[0]
	}
	return LoadOptions{}
}

// Worker polls a task queue and runs JS workflows and Go activities.
type Worker struct {
	w         sdkworker.Worker
	wfs       *Workflows
	taskQueue string

	acts actreg.Activities // registered activities, by name
}

// New creates a worker for taskQueue that runs the workflows of
// opts.Workflows (or opts.Loaded). Register activities, then Start or Run
// it.
func New(c client.Client, taskQueue string, opts Options) (*Worker, error) {
	if c == nil {
		return nil, errors.New("worker: nil client; connect with client.Dial first")
	}
	if taskQueue == "" {
		return nil, errors.New("worker: empty task queue name")
	}
	wfs := opts.Loaded
	var err error
	w := &Worker{taskQueue: taskQueue}
	lo, loSet := opts.loadOptions()
	switch {
	case wfs != nil && opts.Workflows != "":
		err = fmt.Errorf("both Options.Workflows (%s) and Options.Loaded are set; set one", opts.Workflows)
	case wfs != nil && loSet:
		err = errors.New("Options.Loaded is set with load options (WorkflowFailureErrorTypes, DataConverter, MetricsHandler, Limits, Sinks, PayloadConverterPath, NodePaths, WorkflowInterceptorModules), " +
			"which apply only to Options.Workflows: give them to Load or LoadBundle")
	case wfs != nil:
	case opts.Workflows != "":
		wfs, err = Load(opts.Workflows, lo)
	default:
		err = errors.New("no workflows: set Options.Workflows to a .ts or .js file (or Options.Loaded, from Load or LoadBundle)")
	}
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	wo := opts.Worker
	if wo.DeadlockDetectionTimeout == 0 {
		// The Go SDK's deadlock detector must not fire before tsworker's
		// own execution timeout, which interrupts the JS cleanly.
		wo.DeadlockDetectionTimeout = wfs.ExecutionTimeout() + 2*time.Second
	}
	if wo.StickyScheduleToStartTimeout == 0 {
		// The server waits this long for the answer to a query sent to the
		// worker's sticky queue, then sends it again on the normal queue,
		// where it runs a second time. The Go SDK's 5s would cut off a
		// query handler that the execution timeout is about to stop, and
		// the client would get no answer before its deadline; 10s is the
		// TypeScript SDK's default.
		wo.StickyScheduleToStartTimeout = max(10*time.Second, 2*wfs.ExecutionTimeout())
	}
	// The engine's interceptor goes last, innermost: the interceptors of
	// the client and of wo see every call first, the JS workflows' signals
	// included, which the engine keeps for the JS handlers instead of
	// passing on.
	wo.Interceptors = slices.Clip(wo.Interceptors)
	if d := opts.Diagnostics; d != nil {
		d.attach(c)
		wo.Interceptors = append(wo.Interceptors, &recording{s: d.execution})
	}
	wo.Interceptors = append(wo.Interceptors, wfs.InterceptorWith(w.acts.Lookup))
	w.w = sdkworker.New(c, taskQueue, wo)
	w.wfs = wfs
	wfs.Register(w.w)
	w.w.RegisterDynamicActivity(w.activityNotFound, activity.DynamicRegisterOptions{})
	return w, nil
}

// GoWorker returns the underlying Go SDK worker, to register native Go
// workflows (or anything else) beside the JS ones.
func (w *Worker) GoWorker() sdkworker.Worker { return w.w }

// Workflows returns the workflows the worker runs.
func (w *Worker) Workflows() *Workflows { return w.wfs }

// RegisterActivity registers a Go activity function, or every exported
// method of a struct pointer, under its Go name (as the Go SDK does) and
// also under that name with a lower-case first letter, the usual JS spelling:
// func Greet is callable as greet() and Greet().
func (w *Worker) RegisterActivity(a any) {
	w.RegisterActivityWithOptions(a, activity.RegisterOptions{})
}

// RegisterActivityWithOptions registers a Go activity with Go SDK options;
// options.Name is the name JS calls it by (a lower-case-first alias is
// added as by RegisterActivity). Without a name it behaves as
// RegisterActivity. Like the Go SDK, it panics on a value that is not an
// activity.
func (w *Worker) RegisterActivityWithOptions(a any, options activity.RegisterOptions) {
	regs, err := actreg.Registrations(a, options, w.acts.Has)
	if err != nil {
		panic("worker: " + err.Error())
	}
	for _, r := range regs {
		w.w.RegisterActivityWithOptions(r.Fn, r.Opts)
		w.acts.Set(r.Opts.Name, r.Fn)
	}
}

// Activities returns the registered activity names, sorted.
func (w *Worker) Activities() []string { return w.acts.Names() }

// Start starts polling and returns.
func (w *Worker) Start() error { return w.w.Start() }

// Run starts the worker and blocks until interruptCh yields (see
// InterruptCh), then stops it gracefully.
func (w *Worker) Run(interruptCh <-chan any) error { return w.w.Run(interruptCh) }

// Stop stops the worker, giving running activities the graceful stop
// timeout of Options.Worker.
func (w *Worker) Stop() { w.w.Stop() }

// InterruptCh returns a channel that yields on SIGINT or SIGTERM.
func InterruptCh() <-chan any { return sdkworker.InterruptCh() }

// activityNotFound answers an activity task whose type no activity of this
// worker has, with the TypeScript SDK's message. It is non-retryable, so the
// workflow learns of the mistake at once rather than at a timeout.
func (w *Worker) activityNotFound(ctx context.Context, _ converter.EncodedValues) (any, error) {
	name := activity.GetInfo(ctx).ActivityType.Name
	names := w.Activities()
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return nil, temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("Activity function %s is not registered on this Worker, available activities: [%s]", name, strings.Join(quoted, ",")),
		"NotFoundError", nil)
}
