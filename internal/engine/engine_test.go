package engine

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	sdktest "go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
)

// The engine's semantics on the Go SDK's in-memory test suite: no server,
// workflow time skipped, a few milliseconds per test.

var (
	loadOnce sync.Once
	loaded   *Workflows
	loadErr  error
)

// testWorkflows loads testdata/workflows.ts once for the package.
func testWorkflows(t *testing.T) *Workflows {
	t.Helper()
	loadOnce.Do(func() {
		res := bundler.Bundle(bundler.Options{Entry: "testdata/workflows.ts"})
		if loadErr = res.Err(); loadErr != nil {
			return
		}
		loaded, loadErr = Load(bundler.WithInlineSourceMap(res.Code, res.SourceMap), Options{Name: "workflows.ts"})
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

// newTestEnv returns a test environment running the test workflows with the
// greet and fail activities.
func newTestEnv(t *testing.T) *sdktest.TestWorkflowEnvironment {
	t.Helper()
	wfs := testWorkflows(t)
	var suite sdktest.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{wfs.Interceptor()}})
	wfs.Register(env)
	env.RegisterActivityWithOptions(func(_ context.Context, name string) (string, error) {
		return "Hello, " + name + "!", nil
	}, activity.RegisterOptions{Name: "greet"})
	env.RegisterActivityWithOptions(func(_ context.Context, msg string) error {
		return errors.New(msg)
	}, activity.RegisterOptions{Name: "fail"})
	return env
}

// runWorkflow executes a workflow to its end and decodes its result into out.
func runWorkflow(t *testing.T, env *sdktest.TestWorkflowEnvironment, out any, name string, args ...any) {
	t.Helper()
	env.ExecuteWorkflow(name, args...)
	if !env.IsWorkflowCompleted() {
		t.Fatalf("%s did not complete", name)
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("%s failed: %v", name, err)
	}
	if out != nil {
		if err := env.GetWorkflowResult(out); err != nil {
			t.Fatalf("%s: result: %v", name, err)
		}
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat("testdata/workflows.ts"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func TestActivities(t *testing.T) {
	t.Run("result", func(t *testing.T) {
		var got string
		runWorkflow(t, newTestEnv(t), &got, "activityOK", "Temporal")
		if got != "Hello, Temporal!" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("failure", func(t *testing.T) {
		var got map[string]any
		runWorkflow(t, newTestEnv(t), &got, "activityFails")
		if got["cls"] != true || got["type"] != "fail" || got["cause"] != "boom" {
			t.Errorf("got %v, want an ActivityFailure of fail caused by boom", got)
		}
	})
}

func TestTimers(t *testing.T) {
	var got []int64
	runWorkflow(t, newTestEnv(t), &got, "timers")
	if len(got) != 2 || got[0] != time.Hour.Milliseconds() || got[1] != 10 {
		t.Errorf("got %v, want [3600000 10]: sleep moves workflow time by its duration; a cleared setTimeout never fires", got)
	}
}

func TestScopes(t *testing.T) {
	var got []string
	runWorkflow(t, newTestEnv(t), &got, "scopes")
	want := "cancel:true,timeout:true,nonCancellable"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestSignalsBufferedInHistoryOrder(t *testing.T) {
	env := newTestEnv(t)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow("a", "1")
		env.SignalWorkflow("b", "2")
		env.SignalWorkflow("a", "3")
	}, time.Second)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow("b", "4")
		env.SignalWorkflow("a", "5")
		env.SignalWorkflow("b", "6")
	}, 2*time.Minute)
	var got []string
	runWorkflow(t, env, &got, "signalOrder")
	if want := "a:1,a:3,b:2,b:4,a:5,b:6"; strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s (b buffered until its handler is set; then history order across names)", got, want)
	}
}

func TestQueries(t *testing.T) {
	env := newTestEnv(t)
	var answer int
	var qerr error
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow("count", 1)
		if qerr = err; err == nil {
			qerr = v.Get(&answer)
		}
	}, time.Minute)
	runWorkflow(t, env, nil, "queries")
	if qerr != nil || answer != 42 {
		t.Errorf("query count(1) = %d, %v; want 42", answer, qerr)
	}
}

// updateResult records what the test environment reports of an update.
type updateResult struct {
	accepted, rejected bool
	err                error
	value              any
}

func (u *updateResult) Accept()          { u.accepted = true }
func (u *updateResult) Reject(err error) { u.rejected, u.err = true, err }
func (u *updateResult) Complete(v any, err error) {
	u.value, u.err = v, err
}

func TestUpdates(t *testing.T) {
	env := newTestEnv(t)
	bad, good := &updateResult{}, &updateResult{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow("add", "u1", bad, -1)
		env.UpdateWorkflow("add", "u2", good, 5)
	}, time.Second)
	var total int
	runWorkflow(t, env, &total, "updates")
	if !bad.rejected || bad.err == nil || !strings.Contains(bad.err.Error(), "negative") {
		t.Errorf("update -1: %+v, want rejected by the validator", bad)
	}
	if !good.accepted || good.err != nil {
		t.Errorf("update 5: %+v, want accepted and completed", good)
	}
	if total != 5 {
		t.Errorf("total = %d, want 5", total)
	}
}

func TestChildren(t *testing.T) {
	var got string
	runWorkflow(t, newTestEnv(t), &got, "parent")
	if !strings.HasPrefix(got, "child of ") || !strings.HasSuffix(got, ": x") || strings.Contains(got, "none") {
		t.Errorf("got %q, want the child's answer naming its parent", got)
	}
}

func TestContinueAsNew(t *testing.T) {
	env := newTestEnv(t)
	env.ExecuteWorkflow("continued", 0)
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("got %v, want a continue-as-new", err)
	}
	if can.WorkflowType.Name != "continued" {
		t.Errorf("continued as %q", can.WorkflowType.Name)
	}
}

func TestPatches(t *testing.T) {
	var got bool
	runWorkflow(t, newTestEnv(t), &got, "patches")
	if !got {
		t.Error("patched() is false in a new run")
	}
}

func TestFailures(t *testing.T) {
	t.Run("Temporal failure fails the workflow", func(t *testing.T) {
		env := newTestEnv(t)
		env.ExecuteWorkflow("failsWorkflow")
		var appErr *temporal.ApplicationError
		if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != "BadInput" || !appErr.NonRetryable() {
			t.Fatalf("got %v, want a non-retryable ApplicationError of type BadInput", err)
		}
	})
	t.Run("other errors fail the task", func(t *testing.T) {
		taskFailure(t, "failsTask", "not a Temporal failure")
	})
}

// taskFailure runs a workflow that must fail its workflow task with a
// message containing want.
func taskFailure(t *testing.T, name string, want string, args ...any) {
	t.Helper()
	env := newTestEnv(t)
	env.ExecuteWorkflow(name, args...)
	err := env.GetWorkflowError()
	var panicErr *temporal.PanicError
	if !errors.As(err, &panicErr) {
		t.Fatalf("got %v, want a workflow task failure (a panic in the Go SDK's test suite)", err)
	}
	if !strings.Contains(panicErr.Error(), want) {
		t.Errorf("task failure %q does not say %q", panicErr.Error(), want)
	}
}

func TestUnhandledRejection(t *testing.T) {
	for _, kind := range []string{"error", "temporal"} {
		t.Run(kind, func(t *testing.T) {
			want := "Unhandled Promise rejection: Error: lost"
			if kind == "temporal" {
				want = "Unhandled Promise rejection: ApplicationFailure: lost"
			}
			taskFailure(t, "unhandledRejection", want, kind)
		})
	}
	t.Run("handled later in the same turn", func(t *testing.T) {
		var got string
		runWorkflow(t, newTestEnv(t), &got, "handledLater")
		if got != "caught late" {
			t.Errorf("got %q", got)
		}
	})
}

// Arity is each workflow function's length, as JS counts parameters.
func TestArity(t *testing.T) {
	code := `var __tsworker_exports = {
		none: async function () {}, two: async function (a, b) {}, defaults: function (a, b = 1, c) {},
		rest: (a, ...more) => a,
		hostile: Object.defineProperty(function (a) {}, 'length', { get() { throw new Error('no'); } }),
	};`
	wfs, err := Load([]byte(code), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"none": 0, "two": 2, "defaults": 1, "rest": 1, "hostile": 0, "missing": 0} {
		if got := wfs.Arity(name); got != want {
			t.Errorf("Arity(%q) = %d, want %d", name, got, want)
		}
	}
}
