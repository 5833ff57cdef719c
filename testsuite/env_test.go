package testsuite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/testsuite"
)

const workflows = "testdata/workflows.ts"

func Greet(_ context.Context, name string) (string, error) { return "Hello, " + name + "!", nil }

func TestHello(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.RegisterActivity(Greet)
	env.ExecuteWorkflow("hello", "Temporal")
	var out string
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	if out != "Hello, Temporal!" {
		t.Fatalf("got %q", out)
	}
}

func TestThirtyDaySleepSkipsTime(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.RegisterActivity(Greet)
	start := time.Now()
	wfStart := env.Now()
	env.ExecuteWorkflow("longSleep", "later")
	real := time.Since(start)
	var out struct {
		Greeting string
		SleptMs  int64
	}
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	month := 30 * 24 * time.Hour
	if out.Greeting != "Hello, later!" || time.Duration(out.SleptMs)*time.Millisecond != month {
		t.Fatalf("got %+v", out)
	}
	if got := env.Now().Sub(wfStart); got < month {
		t.Fatalf("workflow time moved %v, want at least %v", got, month)
	}
	if real > time.Second {
		t.Fatalf("a 30-day sleep took %v of real time", real)
	}
}

func TestTimers(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.ExecuteWorkflow("timers")
	var marks []time.Duration
	var ms []int64
	if err := env.Result(&ms); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		marks = append(marks, time.Duration(m)*time.Millisecond)
	}
	want := []time.Duration{time.Second, time.Second + time.Hour, time.Second + time.Hour + 48*time.Hour,
		time.Second + time.Hour + 48*time.Hour + 5*time.Minute}
	if !reflect.DeepEqual(marks, want) {
		t.Fatalf("got %v want %v", marks, want)
	}
}

func TestConditionTimeout(t *testing.T) {
	tests := []struct {
		name      string
		approveAt time.Duration // 0: never
		want      string
		wantTime  time.Duration // workflow time the run took
	}{
		{name: "times out", want: "timed out", wantTime: 24 * time.Hour},
		{name: "approved in time", approveAt: 2 * time.Hour, want: "approved by ada", wantTime: 2 * time.Hour},
		{name: "approved too late", approveAt: 25 * time.Hour, want: "timed out", wantTime: 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testsuite.NewEnv(t, workflows)
			start := env.Now()
			var before string
			env.After(time.Hour, func() {
				v, err := env.QueryWorkflow("status")
				if err != nil {
					t.Errorf("query: %v", err)
					return
				}
				_ = v.Get(&before)
			})
			if tt.approveAt > 0 {
				env.SignalWorkflowAfter(tt.approveAt, "approve", "ada")
			}
			env.ExecuteWorkflow("approval")
			var out string
			if err := env.Result(&out); err != nil {
				t.Fatal(err)
			}
			if out != tt.want {
				t.Errorf("got %q want %q", out, tt.want)
			}
			if before != "waiting" {
				t.Errorf("status query after an hour: got %q", before)
			}
			if got := env.Now().Sub(start); got != tt.wantTime {
				t.Errorf("took %v of workflow time, want %v", got, tt.wantTime)
			}
			// Queries work on a completed workflow too.
			v, err := env.QueryWorkflow("status")
			if err != nil {
				t.Fatal(err)
			}
			var after string
			if err := v.Get(&after); err != nil || after != map[bool]string{true: "approved by ada", false: "waiting"}[tt.want != "timed out"] {
				t.Errorf("status query at the end: %q %v", after, err)
			}
		})
	}
}

func TestActivityRetriesWithBackoff(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	var attempts []int32
	var mu sync.Mutex
	env.RegisterActivityWithOptions(func(ctx context.Context) (int, error) {
		info := activity.GetInfo(ctx)
		mu.Lock()
		attempts = append(attempts, info.Attempt)
		mu.Unlock()
		if info.Attempt < 5 {
			return 0, fmt.Errorf("attempt %d: not yet", info.Attempt)
		}
		return 42, nil
	}, activity.RegisterOptions{Name: "flaky"})
	env.ExecuteWorkflow("retries")
	var out struct {
		Value          int
		ElapsedMinutes float64
	}
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(attempts, []int32{1, 2, 3, 4, 5}) {
		t.Errorf("attempts: %v", attempts)
	}
	// Backoff 1, 2, 4 and 8 minutes between the five attempts.
	if out.Value != 42 || out.ElapsedMinutes != 15 {
		t.Errorf("got %+v, want value 42 after 15 minutes", out)
	}
}

func TestActivityRetriesExhausted(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	var calls atomic.Int32
	env.OnActivity("flaky", func(context.Context) (int, error) {
		calls.Add(1)
		return 0, errors.New("down")
	})
	env.ExecuteWorkflow("retries")
	err := env.Err()
	var actErr *temporal.ActivityError
	if !errors.As(err, &actErr) || !strings.Contains(err.Error(), "down") {
		t.Fatalf("want an activity failure, got %v", err)
	}
	if calls.Load() != 5 {
		t.Fatalf("%d attempts, want 5", calls.Load())
	}
}

func TestMocks(t *testing.T) {
	t.Run("value for a name never registered", func(t *testing.T) {
		env := testsuite.NewEnv(t, workflows)
		env.OnActivity("greet", "canned")
		env.ExecuteWorkflow("hello", "x")
		var out string
		if err := env.Result(&out); err != nil || out != "canned" {
			t.Fatalf("got %q %v", out, err)
		}
	})
	t.Run("function replacing a registered activity", func(t *testing.T) {
		env := testsuite.NewEnv(t, workflows)
		env.RegisterActivity(Greet)
		env.OnActivity("greet", func(_ context.Context, name string) (string, error) { return "Hi " + name, nil }).Once()
		env.ExecuteWorkflow("hello", "Ada")
		var out string
		if err := env.Result(&out); err != nil || out != "Hi Ada" {
			t.Fatalf("got %q %v", out, err)
		}
		env.AssertExpectations()
	})
	t.Run("function of another signature", func(t *testing.T) {
		env := testsuite.NewEnv(t, workflows)
		env.RegisterActivity(Greet)
		env.OnActivity("greet", func(_ context.Context, v any) (any, error) { return fmt.Sprintf("<%v>", v), nil })
		env.ExecuteWorkflow("hello", "Ada")
		var out string
		if err := env.Result(&out); err != nil || out != "<Ada>" {
			t.Fatalf("got %q %v", out, err)
		}
	})
	type receipt struct {
		Receipt string `json:"receipt"`
	}
	tests := []struct {
		name    string
		returns []any
		want    string
	}{
		{"struct result", []any{receipt{"r-1"}}, "paid: r-1"},
		{"map result", []any{map[string]string{"receipt": "r-2"}}, "paid: r-2"},
		{"error", []any{temporal.NewNonRetryableApplicationError("card declined", "Declined", nil)}, "declined: card declined"},
		{"result and error", []any{nil, temporal.NewNonRetryableApplicationError("expired", "Declined", nil)}, "declined: expired"},
		{"typed function", []any{func(_ context.Context, o struct {
			ID     string
			Amount float64
		}) (receipt, error) {
			return receipt{fmt.Sprintf("%s/%g", o.ID, o.Amount)}, nil
		}}, "paid: o-7/9.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testsuite.NewEnv(t, workflows)
			env.OnActivity("charge", tt.returns...)
			env.ExecuteWorkflow("checkout", "o-7", 9.5)
			var out string
			if err := env.Result(&out); err != nil || out != tt.want {
				t.Fatalf("got %q %v, want %q", out, err, tt.want)
			}
			if !env.Go().AssertActivityNumberOfCalls(t, "charge", 1) {
				t.Fail()
			}
		})
	}
}

func TestSignalsQueriesUpdates(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.SignalWorkflowAfter(time.Minute, "addItems", "apple", 2)
	env.SignalWorkflowAfter(2*time.Minute, "addItems", "pear", 1)
	rejected := env.UpdateWorkflowAfter(3*time.Minute, "setLimit", -1)
	var limit *testsuite.Update
	var snapshot, apples map[string]int
	env.After(4*time.Minute, func() {
		v, err := env.QueryWorkflow("items")
		if err == nil {
			err = v.Get(&snapshot)
		}
		if err == nil {
			v, err = env.QueryWorkflow("items", "apple")
		}
		if err == nil {
			err = v.Get(&apples)
		}
		if err != nil {
			t.Errorf("query: %v", err)
		}
		limit = env.UpdateWorkflow("setLimit", 5)
	})
	env.SignalWorkflowAfter(time.Hour, "addItems", "apple", 2)
	env.SignalWorkflowAfter(2*time.Hour, "addItems", "never", 1)
	env.ExecuteWorkflow("cart")

	var out map[string]int
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"apple": 4, "pear": 1}; !reflect.DeepEqual(out, want) {
		t.Errorf("result: got %v want %v", out, want)
	}
	if want := map[string]int{"apple": 2, "pear": 1}; !reflect.DeepEqual(snapshot, want) {
		t.Errorf("query: got %v want %v", snapshot, want)
	}
	if want := map[string]int{"apple": 2}; !reflect.DeepEqual(apples, want) {
		t.Errorf("query with an argument: got %v want %v", apples, want)
	}
	if ok, err := rejected.Rejected(); !ok || !strings.Contains(fmt.Sprint(err), "limit must be positive, got -1") {
		t.Errorf("update -1: rejected %v with %v", ok, err)
	}
	var count int
	if err := limit.Get(&count); err != nil || count != 3 || !limit.Accepted() {
		t.Errorf("update 5: got %d %v (accepted %v)", count, err, limit.Accepted())
	}
}

func TestWorkflowFailure(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.ExecuteWorkflow("fails")
	err := env.Result(nil)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Message() != "no way" || app.Type() != "Refused" {
		t.Fatalf("want ApplicationError Refused, got %v", err)
	}
	if !errors.Is(env.Err(), err) && env.Err().Error() != err.Error() {
		t.Fatalf("Err and Result disagree: %v / %v", env.Err(), err)
	}
}

func TestLocalActivity(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.RegisterActivity(Greet)
	env.ExecuteWorkflow("localHello", "local")
	var out string
	if err := env.Result(&out); err != nil || out != "Hello, local!" {
		t.Fatalf("got %q %v", out, err)
	}
}

func TestCancel(t *testing.T) {
	env := testsuite.NewEnv(t, workflows)
	env.After(time.Hour, env.CancelWorkflow)
	env.ExecuteWorkflow("approval")
	var canceled *temporal.CanceledError
	if err := env.Err(); !errors.As(err, &canceled) {
		t.Fatalf("want a cancellation, got %v", err)
	}
}

// fatalT records Fatal calls instead of ending the test.
type fatalT struct {
	testing.TB
	msg string
}

func (f *fatalT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalT) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// fatal runs fn with a fatalT and returns the Fatal message, if any.
func fatal(t *testing.T, fn func(tb testing.TB)) string {
	f := &fatalT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f.msg
}

func TestMisuseFailsTheTest(t *testing.T) {
	tests := []struct {
		name string
		fn   func(tb testing.TB)
		want string
	}{
		{"missing file", func(tb testing.TB) { testsuite.NewEnv(tb, "testdata/nope.ts") }, "testsuite: load workflows testdata/nope.ts"},
		{"broken file", func(tb testing.TB) { testsuite.NewEnv(tb, "testdata/broken.ts") }, "broken.ts:"},
		{"unknown workflow", func(tb testing.TB) { testsuite.NewEnv(tb, workflows).ExecuteWorkflow("nope") }, `workflow "nope" is not exported by the workflows file; its workflows are: approval, buggy, cart,`},
		{"second workflow", func(tb testing.TB) {
			env := testsuite.NewEnv(tb, workflows)
			env.ExecuteWorkflow("timers")
			env.ExecuteWorkflow("timers")
		}, "this Env already ran timers; an Env runs one workflow"},
		{"bad mock", func(tb testing.TB) { testsuite.NewEnv(tb, workflows).OnActivity("greet", 1, 2, 3) }, "OnActivity greet: want a result, an error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fatal(t, tt.fn); !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestWorkflowBug(t *testing.T) {
	// A JS exception that is not a Temporal failure fails the workflow
	// task; on a worker the task is retried, here the run ends with it.
	env := testsuite.NewEnv(t, workflows)
	env.ExecuteWorkflow("buggy")
	err := env.Err()
	var panicErr *temporal.PanicError
	if !errors.As(err, &panicErr) {
		t.Fatalf("want a PanicError, got %T %v", err, err)
	}
	// The error's own message, as the TypeScript SDK writes it; the JS
	// stack is in the log.
	if msg := panicErr.Error(); !strings.HasPrefix(msg, "Cannot read property 'push' of undefined") {
		t.Fatalf("got %q", msg)
	}
}
