package orderexample

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/testsuite"
)

func TestOrderApproved(t *testing.T) {
	env := testsuite.NewEnv(t, "workflows.ts")
	env.RegisterActivity(Charge) // the real activity, callable as charge()
	env.OnActivity("ship", nil)  // a mock: ship succeeds and does nothing

	// Two hours into the run, check the status and approve.
	var status string
	env.After(2*time.Hour, func() {
		v, err := env.QueryWorkflow("status")
		if err != nil {
			t.Errorf("query: %v", err)
			return
		}
		_ = v.Get(&status)
		env.SignalWorkflow("approve", "ada")
	})
	env.ExecuteWorkflow("order", "o-1", 42.5)

	var out string
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	if out != "receipt-o-1, approved by ada" {
		t.Errorf("result: %q", out)
	}
	if status != "waiting for approval" {
		t.Errorf("status before approval: %q", status)
	}
}

func TestOrderExpires(t *testing.T) {
	env := testsuite.NewEnv(t, "workflows.ts")
	start := env.Now()
	env.ExecuteWorkflow("order", "o-2", 10.0) // a week of waiting, skipped
	var out string
	if err := env.Result(&out); err != nil || out != "expired" {
		t.Fatalf("got %q, %v", out, err)
	}
	if waited := env.Now().Sub(start); waited != 7*24*time.Hour {
		t.Errorf("waited %v", waited)
	}
}

func TestOrderChargeDeclined(t *testing.T) {
	env := testsuite.NewEnv(t, "workflows.ts")
	env.OnActivity("charge", temporal.NewNonRetryableApplicationError("card declined", "Declined", nil))
	env.SignalWorkflowAfter(time.Minute, "approve", "ada")
	env.ExecuteWorkflow("order", "o-3", 10.0)

	var app *temporal.ApplicationError
	if err := env.Err(); !errors.As(err, &app) || app.Type() != "Declined" {
		t.Fatalf("want the Declined failure of charge, got %v", err)
	}
	env.Go().AssertActivityNumberOfCalls(t, "charge", 1) // non-retryable: one attempt
}
