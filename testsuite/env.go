package testsuite

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	sdktest "go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/actreg"
	"github.com/tsworker/tsworker/testsuite/internal/harness"
	"github.com/tsworker/tsworker/worker"
)

// Options configures an environment. The zero value is ready to use.
type Options struct {
	// Loaded is an already loaded set of workflows (see worker.Load), used
	// instead of bundling the path given to NewEnv, which may then be "".
	// Sharing one between many environments saves bundling each time.
	Loaded *worker.Workflows
	// Load configures bundling and loading the path (failure error types,
	// limits). Not used with Loaded.
	Load worker.LoadOptions
	// Logger receives the Go SDK's log lines and the workflows' log.info
	// and friends. Optional; default: t.Log, debug lines left out.
	Logger log.Logger
	// Timeout bounds, in real time, how long ExecuteWorkflow waits. In the
	// in-memory environment it is the Go SDK's test timeout, which counts
	// only time spent in activities and other real work (workflow time is
	// skipped): default 3s, raised to 24h under a debugger. In the server
	// environment it bounds the whole run: default 30s.
	Timeout time.Duration
	// Worker passes options to the Go SDK worker: interceptors (added after
	// the one JS workflows need), deadlock detection timeout and, in the
	// server environment, everything else.
	Worker sdkworker.Options
}

// Env runs one JS workflow on the Go SDK's in-memory test suite: no
// server, and workflow time jumps ahead whenever the workflow waits only
// on timers, so a workflow that sleeps for a month completes at once.
//
//	env := testsuite.NewEnv(t, "workflows.ts")
//	env.RegisterActivity(Greet)
//	env.ExecuteWorkflow("hello", "Temporal")
//	var out string
//	if err := env.Result(&out); err != nil { ... }
//
// Signals, queries and updates are sent at points in workflow time with
// After (or SignalWorkflowAfter); ExecuteWorkflow runs the workflow to
// its end, calling them on the way. An Env runs one workflow: create one
// per test (they are cheap).
//
// Env methods must be called from the test's goroutine or from After
// callbacks, which run on it.
type Env struct {
	t    testing.TB
	wfs  *worker.Workflows
	env  *sdktest.TestWorkflowEnvironment
	acts actreg.Activities

	mu        sync.Mutex
	executed  bool
	workflow  string
	updateSeq int
}

// NewEnv returns an in-memory test environment for the workflows of the
// file at path (.ts or .js; a directory holding workflows.ts or index.ts).
// A file that does not bundle or load fails the test at once, with the
// bundler's message.
func NewEnv(t testing.TB, path string, opts ...Options) *Env {
	t.Helper()
	o := firstOptions(opts)
	wfs := Load(t, path, o)
	var suite sdktest.WorkflowTestSuite
	logger := o.Logger
	if logger == nil {
		logger = harness.NewLogger(t)
	}
	suite.SetLogger(logger)
	e := &Env{t: t, wfs: wfs, env: suite.NewTestWorkflowEnvironment()}
	e.env.SetDataConverter(harness.NewDataConverter())
	wo := o.Worker
	if wo.DeadlockDetectionTimeout == 0 {
		// As on a worker: the engine's own execution timeout, which
		// interrupts runaway JS with a clear message, comes first.
		wo.DeadlockDetectionTimeout = wfs.ExecutionTimeout() + 2*time.Second
	}
	// Last, as on a worker: the other interceptors see signals too.
	wo.Interceptors = append(slices.Clip(wo.Interceptors), wfs.InterceptorWith(e.acts.Lookup))
	e.env.SetWorkerOptions(wo)
	if o.Timeout > 0 {
		e.env.SetTestTimeout(o.Timeout)
	}
	wfs.Register(e.env)
	return e
}

func firstOptions(opts []Options) Options {
	if len(opts) > 0 {
		return opts[0]
	}
	return Options{}
}

// Load bundles and loads the workflows file at path for a test, or returns
// opts.Loaded when set. A file that does not bundle or load fails the test.
func Load(t testing.TB, path string, opts ...Options) *worker.Workflows {
	t.Helper()
	o := firstOptions(opts)
	if o.Loaded != nil {
		return o.Loaded
	}
	if path == "" {
		t.Fatal("testsuite: no workflows: pass the path of a .ts or .js workflows file (or Options.Loaded)")
	}
	wfs, err := worker.Load(path, o.Load)
	if err != nil {
		t.Fatalf("testsuite: load workflows %s: %v", path, err)
	}
	return wfs
}

// NewLogger returns a Go SDK logger that writes to t.Log, shown for failed
// tests and with -v, leaving out debug lines. Environments use one by
// default; give one to a Go SDK WorkflowTestSuite (SetLogger) for its
// TestActivityEnvironment.
func NewLogger(t testing.TB) log.Logger { return harness.NewLogger(t) }

// Go returns the Go SDK test environment underneath, for what Env does not
// wrap: listeners, child workflow mocks, SetStartTime, ...
func (e *Env) Go() *sdktest.TestWorkflowEnvironment { return e.env }

// Workflows returns the loaded workflows.
func (e *Env) Workflows() *worker.Workflows { return e.wfs }

// RegisterActivity registers a Go activity function, or every exported
// method of a struct pointer, under its Go name and that name with a
// lower-case first letter, as worker.Worker does: func Greet is callable
// from JS as greet() and Greet().
func (e *Env) RegisterActivity(a any) {
	e.t.Helper()
	e.RegisterActivityWithOptions(a, activity.RegisterOptions{})
}

// RegisterActivityWithOptions registers a Go activity under options.Name
// (and its lower-case-first alias); without a name it is RegisterActivity.
func (e *Env) RegisterActivityWithOptions(a any, options activity.RegisterOptions) {
	e.t.Helper()
	regs, err := actreg.Registrations(a, options, e.acts.Has)
	if err != nil {
		e.t.Fatalf("testsuite: %v", err)
	}
	for _, r := range regs {
		e.register(r.Fn, r.Opts)
	}
}

func (e *Env) register(fn any, opts activity.RegisterOptions) {
	e.t.Helper()
	// Registering a name again replaces the function, as a test that
	// swaps an activity for another expects.
	opts.DisableAlreadyRegisteredCheck = true
	if err := catch(func() { e.env.RegisterActivityWithOptions(fn, opts) }); err != nil {
		e.t.Fatalf("testsuite: register activity %s: %v", opts.Name, err)
	}
	e.acts.Set(opts.Name, fn)
}

// RegisterWorkflow registers a native Go workflow beside the JS ones, for
// JS workflows that start it as a child.
func (e *Env) RegisterWorkflow(w any) { e.env.RegisterWorkflow(w) }

// RegisterWorkflowWithOptions registers a native Go workflow under
// options.Name.
func (e *Env) RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions) {
	e.env.RegisterWorkflowWithOptions(w, options)
}

// OnActivity mocks the activity a workflow calls by name, whether or not
// an activity of that name is registered. returns is what the activity
// returns on every call:
//
//	env.OnActivity("greet", "Hello!")                      // a result
//	env.OnActivity("charge", errors.New("card declined"))  // a failure
//	env.OnActivity("lookup", nil, nil)                     // (result, error)
//	env.OnActivity("greet", func(ctx context.Context, name string) (string, error) {
//		return "Hi " + name, nil
//	})
//
// A function receives the activity's arguments, decoded for its
// parameters, as a Go activity would. The returned Go SDK mock call takes
// Times, Once, After, Never and so on; AssertExpectations checks them.
func (e *Env) OnActivity(name string, returns ...any) *sdktest.MockCallWrapper {
	e.t.Helper()
	var fn any
	if len(returns) == 1 && returns[0] != nil && reflect.TypeOf(returns[0]).Kind() == reflect.Func {
		fn = returns[0]
		// The Go SDK calls a mock function only if its type is the
		// registered function's: register it as the activity, so any
		// signature works, mock or no real activity.
		if cur, ok := e.acts.Lookup(name); !ok || reflect.TypeOf(cur) != reflect.TypeOf(fn) {
			e.register(fn, activity.RegisterOptions{Name: name})
		}
	} else {
		stub, ret, err := harness.ValueFunc(returns)
		if err != nil {
			e.t.Fatalf("testsuite: OnActivity %s: %v", name, err)
		}
		e.register(stub, activity.RegisterOptions{Name: name})
		fn, returns = stub, ret
	}
	anyArgs := make([]any, reflect.TypeOf(fn).NumIn())
	for i := range anyArgs {
		anyArgs[i] = mock.Anything
	}
	return e.env.OnActivity(name, anyArgs...).Return(returns...)
}

// AssertExpectations checks that the mocks set with OnActivity were called
// as their Times, Once, ... say.
func (e *Env) AssertExpectations() bool {
	e.t.Helper()
	return e.env.AssertExpectations(e.t)
}

// ExecuteWorkflow runs the workflow type (the name of a function exported
// by the workflows file) with args until it completes, fails or is stuck,
// calling After callbacks on the way at their workflow times. Read its
// outcome with Result and Err. An unknown workflow type fails the test.
func (e *Env) ExecuteWorkflow(workflowType string, args ...any) {
	e.t.Helper()
	e.mu.Lock()
	if e.executed {
		e.mu.Unlock()
		e.t.Fatalf("testsuite: ExecuteWorkflow(%q): this Env already ran %s; an Env runs one workflow, create another", workflowType, e.workflow)
	}
	e.executed, e.workflow = true, workflowType
	e.mu.Unlock()
	checkExported(e.t, e.wfs, workflowType)
	if err := catch(func() { e.env.ExecuteWorkflow(workflowType, args...) }); err != nil {
		e.t.Fatalf("testsuite: ExecuteWorkflow(%q): %v", workflowType, err)
	}
}

func checkExported(t testing.TB, wfs *worker.Workflows, workflowType string) {
	t.Helper()
	for _, n := range wfs.Names() {
		if n == workflowType {
			return
		}
	}
	t.Fatalf("testsuite: workflow %q is not exported by the workflows file; its workflows are: %s",
		workflowType, strings.Join(wfs.Names(), ", "))
}

// catch turns a panic of the Go SDK (misuse, or its test timeout) into an
// error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	fn()
	return nil
}

// After calls fn when d of workflow time has passed: since the start when
// called before ExecuteWorkflow, since now when called from a callback.
// The workflow runs until then (time skipping ahead while it only waits),
// and goes on after fn returns. This is how a test sends signals, queries
// and updates at chosen points, and moves time by hand.
func (e *Env) After(d time.Duration, fn func()) { e.env.RegisterDelayedCallback(fn, d) }

// SignalWorkflow sends the signal name with args (any number, as JS
// handlers take) to the running workflow. Call it from an After callback;
// the workflow sees it when the callback returns.
func (e *Env) SignalWorkflow(name string, args ...any) {
	e.env.SignalWorkflow(name, harness.Args(args))
}

// SignalWorkflowAfter sends the signal name with args after d of workflow
// time.
func (e *Env) SignalWorkflowAfter(d time.Duration, name string, args ...any) {
	e.After(d, func() { e.SignalWorkflow(name, args...) })
}

// QueryWorkflow queries the workflow: from an After callback while it
// runs, or after ExecuteWorkflow returns.
func (e *Env) QueryWorkflow(name string, args ...any) (converter.EncodedValue, error) {
	v, err := e.env.QueryWorkflow(name, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return v, nil
}

// UpdateWorkflow sends the update name with args to the running workflow,
// from an After callback. The returned Update fills in as the workflow
// accepts and completes it; read it after ExecuteWorkflow returns.
func (e *Env) UpdateWorkflow(name string, args ...any) *Update {
	e.updateSeq++
	u := &Update{Name: name, ID: fmt.Sprintf("%s-%d", name, e.updateSeq)}
	e.env.UpdateWorkflow(name, u.ID, u, args...)
	return u
}

// UpdateWorkflowAfter sends the update name with args after d of workflow
// time.
func (e *Env) UpdateWorkflowAfter(d time.Duration, name string, args ...any) *Update {
	e.updateSeq++
	u := &Update{Name: name, ID: fmt.Sprintf("%s-%d", name, e.updateSeq)}
	e.After(d, func() { e.env.UpdateWorkflow(name, u.ID, u, args...) })
	return u
}

// CancelWorkflow requests cancellation of the running workflow, from an
// After callback.
func (e *Env) CancelWorkflow() { e.env.CancelWorkflow() }

// Now returns the current workflow time.
func (e *Env) Now() time.Time { return e.env.Now() }

// Completed reports whether the workflow has ended (completed or failed).
func (e *Env) Completed() bool { return e.env.IsWorkflowCompleted() }

// Err returns the workflow's failure, or nil if it completed. JS failures
// arrive as the Go SDK's error types: an ApplicationFailure thrown by the
// workflow is a *temporal.ApplicationError inside a
// *temporal.WorkflowExecutionError; a JS exception that failed the
// workflow task is a *temporal.PanicError there.
func (e *Env) Err() error {
	if err := e.ran(); err != nil {
		return err
	}
	return e.env.GetWorkflowError()
}

// Result decodes the workflow's result into valuePtr (nil only checks for
// an error) and returns the workflow's failure, if any.
func (e *Env) Result(valuePtr any) error {
	if err := e.ran(); err != nil {
		return err
	}
	if err := e.env.GetWorkflowError(); err != nil {
		return err
	}
	if valuePtr == nil {
		return nil
	}
	if err := e.env.GetWorkflowResult(valuePtr); err != nil {
		return fmt.Errorf("decode result of %s: %w", e.workflow, err)
	}
	return nil
}

var errNotRun = errors.New("no workflow has run; call ExecuteWorkflow first")

func (e *Env) ran() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.executed {
		return errNotRun
	}
	if !e.env.IsWorkflowCompleted() {
		return fmt.Errorf("workflow %s has not completed", e.workflow)
	}
	return nil
}
