// Package servertest runs the tests of package testsuite against a real
// Temporal server: the embedded dev server, started the first time a test
// needs it and shared by the whole test binary, or any server given by
// address. Each Env gets its own worker on its own task queue.
//
//	func TestHelloOnServer(t *testing.T) {
//		env := servertest.NewEnv(t, "workflows.ts")
//		env.RegisterActivity(Greet)
//		env.ExecuteWorkflow("hello", "Temporal")
//		var out string
//		if err := env.Result(&out); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// The API is testsuite.Env's (both are a testsuite.Environment), with real
// time: After(d, fn) calls fn d after the workflow started, and a workflow
// that sleeps a month takes a month. Mocks are plain Go functions
// registered under the activity's name.
//
// This package links the Temporal server into the test binary, which makes
// it several times bigger and slower to link than one using only package
// testsuite: keep server tests in few packages.
package servertest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	tsclient "github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/testsuite"
	"github.com/tsworker/tsworker/testsuite/internal/harness"
	"github.com/tsworker/tsworker/worker"
)

// Options configures a server environment. The zero value is ready to use.
type Options struct {
	testsuite.Options
	// Connect says how to reach the Temporal server to use (address,
	// namespace, TLS, API key). Optional; with no HostPort, the embedded
	// dev server shared by the test binary is used. Its data converter is
	// replaced.
	Connect tsclient.Options
	// StartWorkflow sets workflow start options: ID, timeouts, memo,
	// search attributes, ... The task queue is always the Env's own, and
	// an empty ID gets a unique one.
	StartWorkflow client.StartWorkflowOptions
}

// Env runs JS workflows on a Temporal server with a worker of its own. Its
// methods are called from the test's goroutine (After callbacks run there
// too).
type Env struct {
	t         testing.TB
	opts      Options
	wfs       *worker.Workflows
	c         client.Client
	w         *worker.Worker
	taskQueue string
	timeout   time.Duration

	workerStarted bool
	run           client.WorkflowRun
	workflow      string
	start         time.Time
	pending       []callback
	updates       sync.WaitGroup
	updateSeq     int
	ended         bool
	result        converter.RawValue
	err           error
}

type callback struct {
	at time.Time
	d  time.Duration // from the start, for callbacks set before it
	fn func()
}

var _ testsuite.Environment = (*Env)(nil)

var (
	shared struct {
		once sync.Once
		srv  *devserver.Server
		err  error
	}
	seq atomic.Int64
)

// Server returns the embedded dev server shared by the test binary,
// starting it the first time. It runs until the binary exits. A server
// that does not start fails the test.
func Server(t testing.TB) *devserver.Server {
	t.Helper()
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		shared.srv, shared.err = devserver.Start(ctx, devserver.Options{})
	})
	if shared.err != nil {
		t.Fatalf("servertest: %v", shared.err)
	}
	return shared.srv
}

// NewEnv returns a server environment for the workflows of the file at
// path: a client and a worker of its own, on a task queue of its own,
// both closed when the test ends. A file that does not bundle or load, or
// a server that cannot be reached, fails the test.
func NewEnv(t testing.TB, path string, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	wfs := testsuite.Load(t, path, o.Options)
	co := o.Connect
	if co.HostPort == "" {
		co.HostPort = Server(t).FrontendHostPort()
	}
	co.Logger = o.Logger
	if co.Logger == nil {
		co.Logger = harness.NewLogger(t)
	}
	// Signals carry several arguments through it.
	co.SDK.DataConverter = harness.NewDataConverter()
	// Workflow tasks failed by non-determinism say what changed, and where.
	diag := worker.NewDiagnostics()
	co.Logger = diag.Logger(co.Logger)
	co.SDK.FailureConverter = diag.FailureConverter(co.SDK.FailureConverter)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := tsclient.Dial(ctx, co)
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	n := seq.Add(1)
	e := &Env{t: t, opts: o, wfs: wfs, c: c, taskQueue: fmt.Sprintf("%s-%d", queueName(t.Name()), n), timeout: o.Timeout}
	if e.timeout <= 0 {
		e.timeout = 30 * time.Second
	}
	e.w, err = worker.New(c, e.taskQueue, worker.Options{Loaded: wfs, Diagnostics: diag, Worker: o.Worker})
	if err != nil {
		c.Close()
		t.Fatalf("servertest: %v", err)
	}
	t.Cleanup(e.close)
	return e
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func queueName(testName string) string { return unsafeChars.ReplaceAllString(testName, "_") }

func (e *Env) close() {
	if e.run != nil && !e.ended {
		// A workflow the test left running would hold the worker's
		// graceful stop; it has nothing more to say.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = e.c.TerminateWorkflow(ctx, e.run.GetID(), e.run.GetRunID(), "test ended")
		cancel()
	}
	if e.workerStarted {
		e.w.Stop()
	}
	e.c.Close()
}

// Client returns the Env's client, connected to the server.
func (e *Env) Client() client.Client { return e.c }

// Worker returns the Env's worker, to register more on it before the first
// workflow starts.
func (e *Env) Worker() *worker.Worker { return e.w }

// TaskQueue returns the Env's task queue.
func (e *Env) TaskQueue() string { return e.taskQueue }

// Run returns the workflow run started last, or nil.
func (e *Env) Run() client.WorkflowRun { return e.run }

// RegisterActivity registers a Go activity function, or every exported
// method of a struct pointer, under its Go name and that name with a
// lower-case first letter. Register activities before starting a
// workflow: the worker starts with the first one.
func (e *Env) RegisterActivity(a any) {
	e.t.Helper()
	e.RegisterActivityWithOptions(a, activity.RegisterOptions{})
}

// RegisterActivityWithOptions registers a Go activity under options.Name
// (and its lower-case-first alias).
func (e *Env) RegisterActivityWithOptions(a any, options activity.RegisterOptions) {
	e.t.Helper()
	if e.workerStarted {
		e.t.Fatalf("servertest: register activities before starting a workflow: the worker is already polling")
	}
	if err := catch(func() {
		if options.Name == "" {
			e.w.RegisterActivity(a)
		} else {
			e.w.RegisterActivityWithOptions(a, options)
		}
	}); err != nil {
		e.t.Fatalf("servertest: register activity: %v", err)
	}
}

// OnActivity registers a stand-in for the activity a workflow calls by
// name, as testsuite.Env.OnActivity does: returns is a result, an error,
// (result, error), or a function called with the activity's arguments.
// On a server a mock is a plain registered activity: there are no call
// expectations.
func (e *Env) OnActivity(name string, returns ...any) {
	e.t.Helper()
	fn := any(nil)
	if len(returns) == 1 && returns[0] != nil && reflect.TypeOf(returns[0]).Kind() == reflect.Func {
		fn = returns[0]
	} else {
		var err error
		if fn, _, err = harness.ValueFunc(returns); err != nil {
			e.t.Fatalf("servertest: OnActivity %s: %v", name, err)
		}
	}
	e.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
}

// StartWorkflow starts the workflow type with args and returns at once;
// signal, query and update it, then wait for it with Result or Err. The
// worker starts with the first workflow.
func (e *Env) StartWorkflow(workflowType string, args ...any) client.WorkflowRun {
	e.t.Helper()
	if e.run != nil && !e.ended {
		e.t.Fatalf("servertest: StartWorkflow(%q): workflow %s is still running; wait for it with Result first", workflowType, e.workflow)
	}
	checkExported(e.t, e.wfs, workflowType)
	if !e.workerStarted {
		if err := e.w.Start(); err != nil {
			e.t.Fatalf("servertest: start worker: %v", err)
		}
		e.workerStarted = true
	}
	so := e.opts.StartWorkflow
	so.TaskQueue = e.taskQueue
	if so.ID == "" {
		so.ID = fmt.Sprintf("%s-%d", e.taskQueue, seq.Add(1))
	}
	ctx, cancel := e.rpcContext()
	defer cancel()
	run, err := e.c.ExecuteWorkflow(ctx, so, workflowType, args...)
	if err != nil {
		e.t.Fatalf("servertest: start workflow %s: %v", workflowType, err)
	}
	e.run, e.workflow, e.ended, e.err, e.result = run, workflowType, false, nil, converter.RawValue{}
	e.start = time.Now()
	for i := range e.pending {
		if e.pending[i].at.IsZero() {
			e.pending[i].at = e.start.Add(e.pending[i].d)
		}
	}
	return run
}

// ExecuteWorkflow starts the workflow type with args and waits until it
// ends, calling After callbacks on the way. A workflow still running
// after Options.Timeout (default 30s) fails the test.
func (e *Env) ExecuteWorkflow(workflowType string, args ...any) {
	e.t.Helper()
	e.StartWorkflow(workflowType, args...)
	e.wait()
}

func checkExported(t testing.TB, wfs *worker.Workflows, workflowType string) {
	t.Helper()
	names := wfs.Names()
	if i := sort.SearchStrings(names, workflowType); i < len(names) && names[i] == workflowType {
		return
	}
	t.Fatalf("servertest: workflow %q is not exported by the workflows file; its workflows are: %v", workflowType, names)
}

// wait runs the workflow to its end, calling callbacks when due.
func (e *Env) wait() {
	e.t.Helper()
	if e.run == nil {
		e.t.Fatalf("servertest: no workflow started; call ExecuteWorkflow or StartWorkflow first")
	}
	if e.ended {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	var result converter.RawValue
	var err error
	go func() {
		defer close(done)
		err = e.run.Get(ctx, &result)
	}()
	deadline := time.NewTimer(time.Until(e.start.Add(e.timeout)))
	defer deadline.Stop()
	for {
		var due <-chan time.Time
		if len(e.pending) > 0 {
			sort.SliceStable(e.pending, func(i, j int) bool { return e.pending[i].at.Before(e.pending[j].at) })
			tm := time.NewTimer(time.Until(e.pending[0].at))
			defer tm.Stop()
			due = tm.C
		}
		select {
		case <-done:
			e.ended, e.result, e.err = true, result, err
			e.pending = nil
			e.waitUpdates()
			return
		case <-due:
			cb := e.pending[0]
			e.pending = e.pending[1:]
			cb.fn()
		case <-deadline.C:
			e.t.Fatalf("servertest: workflow %s (ID %s) still running after %v; raise Options.Timeout if it needs longer",
				e.workflow, e.run.GetID(), e.timeout)
		}
	}
}

// waitUpdates waits for updates in flight, which the server settles once
// the workflow has ended.
func (e *Env) waitUpdates() {
	ch := make(chan struct{})
	go func() { e.updates.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		e.t.Errorf("servertest: updates of workflow %s still unsettled 10s after it ended", e.run.GetID())
	}
}

// After calls fn, on the test's goroutine, once d has passed since the
// workflow started (since now when called while it runs), if the workflow
// is still running then.
func (e *Env) After(d time.Duration, fn func()) {
	cb := callback{d: d, fn: fn}
	if e.run != nil && !e.ended {
		cb.at = time.Now().Add(d)
	}
	e.pending = append(e.pending, cb)
}

func (e *Env) rpcContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

func (e *Env) current(op string) bool {
	e.t.Helper()
	if e.run == nil {
		e.t.Errorf("servertest: %s: no workflow started", op)
		return false
	}
	return true
}

// SignalWorkflow sends the signal name with args (any number) to the
// workflow. A failure to send fails the test.
func (e *Env) SignalWorkflow(name string, args ...any) {
	e.t.Helper()
	if !e.current("signal " + name) {
		return
	}
	ctx, cancel := e.rpcContext()
	defer cancel()
	if err := e.c.SignalWorkflow(ctx, e.run.GetID(), e.run.GetRunID(), name, harness.Args(args)); err != nil {
		e.t.Errorf("servertest: signal %s: %v", name, err)
	}
}

// SignalWorkflowAfter sends the signal name with args d after the
// workflow started.
func (e *Env) SignalWorkflowAfter(d time.Duration, name string, args ...any) {
	e.After(d, func() { e.SignalWorkflow(name, args...) })
}

// QueryWorkflow queries the workflow, running or ended.
func (e *Env) QueryWorkflow(name string, args ...any) (converter.EncodedValue, error) {
	if e.run == nil {
		return nil, errors.New("query " + name + ": no workflow started")
	}
	ctx, cancel := e.rpcContext()
	defer cancel()
	v, err := e.c.QueryWorkflow(ctx, e.run.GetID(), e.run.GetRunID(), name, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return v, nil
}

// UpdateWorkflow sends the update name with args and returns once the
// workflow has accepted or rejected it; the Update fills in when it
// completes.
func (e *Env) UpdateWorkflow(name string, args ...any) *testsuite.Update {
	e.t.Helper()
	u := e.newUpdate(name)
	e.sendUpdate(u, args)
	return u
}

func (e *Env) newUpdate(name string) *testsuite.Update {
	e.updateSeq++
	return &testsuite.Update{Name: name, ID: fmt.Sprintf("%s-%d", name, e.updateSeq)}
}

func (e *Env) sendUpdate(u *testsuite.Update, args []any) {
	e.t.Helper()
	if !e.current("update " + u.Name) {
		u.Reject(errors.New("no workflow started"))
		return
	}
	ctx, cancel := e.rpcContext()
	defer cancel()
	h, err := e.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: e.run.GetID(), RunID: e.run.GetRunID(), UpdateID: u.ID, UpdateName: u.Name,
		Args: args, WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		u.Reject(err)
		return
	}
	e.updates.Add(1)
	go func() {
		defer e.updates.Done()
		var raw converter.RawValue
		err := h.Get(context.Background(), &raw)
		if err != nil && !e.accepted(u.ID) {
			u.Reject(err)
			return
		}
		u.Accept()
		u.Complete(raw, err)
	}()
}

// accepted reports whether the workflow's history holds the acceptance of
// the update: a failed update was either rejected (never in history) or
// accepted and then failed.
func (e *Env) accepted(updateID string) bool {
	ctx, cancel := e.rpcContext()
	defer cancel()
	it := e.c.GetWorkflowHistory(ctx, e.run.GetID(), e.run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return false
		}
		if a := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil && a.GetProtocolInstanceId() == updateID {
			return true
		}
	}
	return false
}

// UpdateWorkflowAfter sends the update name with args d after the
// workflow started.
func (e *Env) UpdateWorkflowAfter(d time.Duration, name string, args ...any) *testsuite.Update {
	u := e.newUpdate(name)
	e.After(d, func() { e.sendUpdate(u, args) })
	return u
}

// CancelWorkflow requests cancellation of the workflow.
func (e *Env) CancelWorkflow() {
	e.t.Helper()
	if !e.current("cancel") {
		return
	}
	ctx, cancel := e.rpcContext()
	defer cancel()
	if err := e.c.CancelWorkflow(ctx, e.run.GetID(), e.run.GetRunID()); err != nil {
		e.t.Errorf("servertest: cancel: %v", err)
	}
}

// Result waits for the workflow to end, calling After callbacks on the
// way, decodes its result into valuePtr (nil only checks for an error) and
// returns its failure, if any.
func (e *Env) Result(valuePtr any) error {
	e.t.Helper()
	e.wait()
	if e.err != nil {
		return e.err
	}
	if valuePtr == nil || e.result.Payload() == nil {
		return nil
	}
	if err := converter.GetDefaultDataConverter().FromPayload(e.result.Payload(), valuePtr); err != nil {
		return fmt.Errorf("decode result of %s: %w", e.workflow, err)
	}
	return nil
}

// Err waits for the workflow to end and returns its failure, or nil.
func (e *Env) Err() error {
	e.t.Helper()
	e.wait()
	return e.err
}

// catch turns a panic of the Go SDK (a function it cannot register) into
// an error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	fn()
	return nil
}
