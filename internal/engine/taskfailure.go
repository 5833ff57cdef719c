package engine

import (
	"github.com/dop251/goja"
	failurepb "go.temporal.io/api/failure/v1"
	"google.golang.org/protobuf/proto"
)

// A JS exception fails the workflow task by a panic of the workflow
// function, and the Go SDK wraps every panic of a workflow in its own panic
// error, which its failure converter writes as an ApplicationFailure of type
// PanicError with the Go stack. The failure converter of tsworker's client
// options (client.FailureConverter) finds the *WorkflowTaskError inside and
// writes the failure it carries instead: the one the TypeScript SDK writes
// for a failed workflow activation. The failure is made here, on the run's
// goroutine, while the JS values it describes are at hand.

// Failure returns the failure the TypeScript SDK writes for this workflow
// task failure: the thrown error's message and JS stack, its cause chain,
// source TypeScriptSDK and no failure info for an error that is not a
// Temporal failure, encoded with the worker's data converter. The failure
// is a copy: the caller may change it.
func (e *WorkflowTaskError) Failure() *failurepb.Failure {
	if e.failure == nil {
		return &failurepb.Failure{Message: e.Error(), StackTrace: e.Stack, Source: failureSource}
	}
	return proto.Clone(e.failure).(*failurepb.Failure)
}

// taskError returns e with its failure f (which gets cause's failure as
// its cause, when cause is not nil), shaped by the run when the loop
// belongs to one.
func (l *loop) taskError(e *WorkflowTaskError, f *failurepb.Failure, cause goja.Value) *WorkflowTaskError {
	if l.shapeFailure != nil {
		l.shapeFailure(e, f, cause)
	}
	return e
}

// shapeFailure is the loop's shapeFailure in a run: it completes f as the
// TypeScript SDK's failure converter writes a failure made by workflow code
// (source, cause), encodes it and keeps it in e.
func (r *run) shapeFailure(e *WorkflowTaskError, f *failurepb.Failure, cause goja.Value) {
	f.Source = failureSource
	if cause != nil {
		f.Cause = r.errorToFailure(cause)
	}
	if dc := r.w.opts.DataConverter; dc != nil {
		f = r.encodeFailure(dc, f)
	}
	e.failure = f
}

// unhandledRejection is the task failure of a promise rejection no handler
// took: the TypeScript SDK's UnhandledRejectionError, whose cause is the
// rejection's reason.
func (l *loop) unhandledRejection(reason goja.Value) *WorkflowTaskError {
	msg, stack := describeRejection(l.vm, reason)
	msg = "Unhandled Promise rejection: " + msg
	e := &WorkflowTaskError{Workflow: l.workflowType(), Message: msg, Stack: stack}
	return l.taskError(e, &failurepb.Failure{Message: msg, StackTrace: "UnhandledRejectionError: " + msg}, reason)
}
