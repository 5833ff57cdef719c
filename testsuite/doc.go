// Package testsuite tests JavaScript/TypeScript workflows from Go tests, on
// the Go SDK's in-memory test suite: no server, and workflow time skips
// ahead whenever the workflow only waits, so a month-long sleep completes
// at once.
//
//	func TestHello(t *testing.T) {
//		env := testsuite.NewEnv(t, "workflows.ts")
//		env.RegisterActivity(Greet)                  // a Go activity
//		env.OnActivity("charge", "receipt-1")        // or a mock, by name
//		env.SignalWorkflowAfter(time.Hour, "approve", "ada")
//		env.ExecuteWorkflow("order", "o-1")
//		var out string
//		if err := env.Result(&out); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// The same test can run against a real Temporal server, the embedded dev
// server, with package servertest, whose Env has the same methods (both
// satisfy Environment). It is a separate package because linking the
// server makes a test binary several times bigger and slower to build.
//
// Go activities are tested on their own with the Go SDK's
// TestActivityEnvironment; see the package example.
package testsuite

import (
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
)

// Environment is what the in-memory Env and the server environment of
// package servertest have in common, so one test body can run on both.
//
// Times passed to After are workflow time in the in-memory environment
// (skipped ahead) and real time, from the workflow's start, on a server.
type Environment interface {
	// RegisterActivity registers a Go activity function, or every
	// exported method of a struct pointer, under its Go name and that
	// name with a lower-case first letter.
	RegisterActivity(a any)
	// RegisterActivityWithOptions registers a Go activity under
	// options.Name.
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
	// ExecuteWorkflow runs the workflow to its end, calling After
	// callbacks on the way.
	ExecuteWorkflow(workflowType string, args ...any)
	// After calls fn once d has passed since the workflow started (or,
	// from a callback, since now), while the workflow runs.
	After(d time.Duration, fn func())
	// SignalWorkflow sends a signal with any number of arguments.
	SignalWorkflow(name string, args ...any)
	// SignalWorkflowAfter sends a signal after d.
	SignalWorkflowAfter(d time.Duration, name string, args ...any)
	// QueryWorkflow queries the workflow.
	QueryWorkflow(name string, args ...any) (converter.EncodedValue, error)
	// UpdateWorkflow sends an update; its outcome fills in the Update.
	UpdateWorkflow(name string, args ...any) *Update
	// UpdateWorkflowAfter sends an update after d.
	UpdateWorkflowAfter(d time.Duration, name string, args ...any) *Update
	// CancelWorkflow requests cancellation of the workflow.
	CancelWorkflow()
	// Result decodes the workflow's result and returns its failure.
	Result(valuePtr any) error
	// Err returns the workflow's failure, or nil.
	Err() error
}

var _ Environment = (*Env)(nil)
