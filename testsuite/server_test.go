package testsuite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/testsuite"
	"github.com/tsworker/tsworker/testsuite/servertest"
)

// environments runs each test body in memory and on the embedded server.
var environments = []struct {
	name string
	new  func(t *testing.T) testsuite.Environment
}{
	{"memory", func(t *testing.T) testsuite.Environment { return testsuite.NewEnv(t, workflows) }},
	{"server", func(t *testing.T) testsuite.Environment { return servertest.NewEnv(t, workflows) }},
}

func onActivity(env testsuite.Environment, name string, returns ...any) {
	switch e := env.(type) {
	case *testsuite.Env:
		e.OnActivity(name, returns...)
	case *servertest.Env:
		e.OnActivity(name, returns...)
	}
}

func TestBothEnvironments(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, env testsuite.Environment)
	}{
		{"activity", func(t *testing.T, env testsuite.Environment) {
			env.RegisterActivity(Greet)
			env.ExecuteWorkflow("hello", "Temporal")
			var out string
			if err := env.Result(&out); err != nil || out != "Hello, Temporal!" {
				t.Fatalf("got %q %v", out, err)
			}
		}},
		{"mocks", func(t *testing.T, env testsuite.Environment) {
			onActivity(env, "charge", func(_ context.Context, o struct{ ID string }) (map[string]string, error) {
				if o.ID == "bad" {
					return nil, temporal.NewNonRetryableApplicationError("card declined", "Declined", nil)
				}
				return map[string]string{"receipt": "r-" + o.ID}, nil
			})
			env.ExecuteWorkflow("checkout", "o-1", 10)
			var out string
			if err := env.Result(&out); err != nil || out != "paid: r-o-1" {
				t.Fatalf("got %q %v", out, err)
			}
		}},
		{"value mock", func(t *testing.T, env testsuite.Environment) {
			onActivity(env, "charge", temporal.NewNonRetryableApplicationError("expired", "Declined", nil))
			env.ExecuteWorkflow("checkout", "o-2", 10)
			var out string
			if err := env.Result(&out); err != nil || out != "declined: expired" {
				t.Fatalf("got %q %v", out, err)
			}
		}},
		{"signals, queries and updates", func(t *testing.T, env testsuite.Environment) {
			env.SignalWorkflowAfter(50*time.Millisecond, "addItems", "apple", 2)
			env.SignalWorkflowAfter(100*time.Millisecond, "addItems", "pear", 1)
			rejected := env.UpdateWorkflowAfter(150*time.Millisecond, "setLimit", -1)
			var limit *testsuite.Update
			var snapshot map[string]int
			env.After(200*time.Millisecond, func() {
				v, err := env.QueryWorkflow("items")
				if err == nil {
					err = v.Get(&snapshot)
				}
				if err != nil {
					t.Errorf("query: %v", err)
				}
				limit = env.UpdateWorkflow("setLimit", 5)
			})
			env.SignalWorkflowAfter(300*time.Millisecond, "addItems", "apple", 2)
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
			if ok, err := rejected.Rejected(); !ok || !strings.Contains(fmt.Sprint(err), "limit must be positive, got -1") {
				t.Errorf("update -1: rejected %v with %v", ok, err)
			}
			var count int
			if err := limit.Get(&count); err != nil || count != 3 || !limit.Accepted() {
				t.Errorf("update 5: got %d %v (accepted %v)", count, err, limit.Accepted())
			}
		}},
		{"condition timeout", func(t *testing.T, env testsuite.Environment) {
			// approval waits a day for a signal that comes at once.
			env.SignalWorkflowAfter(10*time.Millisecond, "approve", "ada")
			env.ExecuteWorkflow("approval")
			var out string
			if err := env.Result(&out); err != nil || out != "approved by ada" {
				t.Fatalf("got %q %v", out, err)
			}
		}},
		{"failure", func(t *testing.T, env testsuite.Environment) {
			env.ExecuteWorkflow("fails")
			var app *temporal.ApplicationError
			if err := env.Err(); !errors.As(err, &app) || app.Type() != "Refused" || app.Message() != "no way" {
				t.Fatalf("want ApplicationError Refused, got %v", err)
			}
		}},
		{"cancel", func(t *testing.T, env testsuite.Environment) {
			env.After(50*time.Millisecond, env.CancelWorkflow)
			env.ExecuteWorkflow("approval")
			var canceled *temporal.CanceledError
			if err := env.Err(); !errors.As(err, &canceled) {
				t.Fatalf("want a cancellation, got %v", err)
			}
		}},
	}
	for _, e := range environments {
		t.Run(e.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, e.new(t)) })
			}
		})
	}
}

func TestServerStartThenInteract(t *testing.T) {
	env := servertest.NewEnv(t, workflows)
	run := env.StartWorkflow("cart")
	if run.GetID() == "" || !strings.Contains(env.TaskQueue(), "TestServerStartThenInteract") {
		t.Fatalf("run %q on %q", run.GetID(), env.TaskQueue())
	}
	env.SignalWorkflow("addItems", "fig", 3)
	v, err := env.QueryWorkflow("items", "fig")
	var figs map[string]int
	if err == nil {
		err = v.Get(&figs)
	}
	if err != nil || figs["fig"] != 3 {
		t.Fatalf("query: %v %v", figs, err)
	}
	u := env.UpdateWorkflow("setLimit", 3)
	var out map[string]int
	if err := env.Result(&out); err != nil || out["fig"] != 3 {
		t.Fatalf("result: %v %v", out, err)
	}
	var n int
	if err := u.Get(&n); err != nil || n != 3 {
		t.Fatalf("update: %d %v", n, err)
	}
	// An ended workflow still answers queries on a server.
	if _, err := env.QueryWorkflow("items"); err != nil {
		t.Fatalf("query after the end: %v", err)
	}
}

func TestServerTimeout(t *testing.T) {
	msg := fatal(t, func(tb testing.TB) {
		env := servertest.NewEnv(tb, workflows, servertest.Options{Options: testsuite.Options{Timeout: 300 * time.Millisecond}})
		env.ExecuteWorkflow("approval")
	})
	if !strings.Contains(msg, "workflow approval (ID ") || !strings.Contains(msg, "still running after 300ms") {
		t.Fatalf("got %q", msg)
	}
}
