package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkclient "go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/internal/jsstack"
)

// outcome is how a followed workflow ended.
type outcome struct {
	result string // JSON, when it completed
	err    error  // why it did not complete
}

// taskFailedError is a workflow task that failed: a bug in the workflow
// code (a thrown non-Temporal error) or non-determinism. The run itself
// stays open and the server retries the task.
type taskFailedError struct {
	workflow string
	failure  *failurepb.Failure
	js       *jsFailure // the JS error as the worker logged it, when known
}

func (e *taskFailedError) Error() string {
	js := e.js
	if st := e.failure.GetStackTrace(); js == nil && st != "" && !isGoStack(st) && plainJSError(e.failure) {
		f := newJSFailure(e.failure.GetMessage(), st)
		js = &f
	}
	if js != nil {
		return fmt.Sprintf("workflow %s: workflow task failed%s: %s", e.workflow, js.at(), js.head)
	}
	msg := firstLine(e.failure.GetMessage())
	// The engine names the workflow in the message already.
	msg = strings.TrimPrefix(msg, "workflow "+e.workflow+": ")
	return fmt.Sprintf("workflow %s: workflow task failed: %s", e.workflow, msg)
}

// follow prints one line per event of the workflow's history to w as the
// events happen, following continue-as-new, and returns how it ended. A
// workflow task that fails because of the workflow's code ends the follow
// with a *taskFailedError.
func follow(ctx context.Context, c sdkclient.Client, workflowID, runID string, w io.Writer) outcome {
	f := follower{w: w, activities: map[int64]string{}, children: map[int64]string{}}
	for {
		it := c.GetWorkflowHistory(ctx, workflowID, runID, true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		next := ""
		for next == "" && it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				if ctx.Err() != nil {
					return outcome{err: errInterrupted}
				}
				return outcome{err: fmt.Errorf("follow workflow %s: %w", workflowID, err)}
			}
			f.print(ev)
			var o outcome
			var done bool
			if o, done, next = f.ended(ev); done {
				return o
			}
		}
		if ctx.Err() != nil {
			return outcome{err: errInterrupted}
		}
		if next == "" {
			return outcome{err: fmt.Errorf("follow workflow %s: its history ended before the workflow did", workflowID)}
		}
		runID = next
	}
}

// follower turns events into short lines.
type follower struct {
	w          io.Writer
	workflow   string
	activities map[int64]string // scheduled event id -> activity type
	children   map[int64]string // initiated event id -> workflow type
}

func (f *follower) print(ev *historypb.HistoryEvent) {
	if line := f.describe(ev); line != "" {
		fmt.Fprintf(f.w, "  %s\n", line)
	}
}

// describe returns the line for ev, or "" for bookkeeping events nobody
// needs to see.
func (f *follower) describe(ev *historypb.HistoryEvent) string {
	name := ev.GetEventType().String()
	switch ev.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		return ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		f.workflow = ev.GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
		return name + " " + f.workflow
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
		a := ev.GetWorkflowTaskFailedEventAttributes()
		return name + ": " + firstLine(a.GetFailure().GetMessage())
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		a := ev.GetActivityTaskScheduledEventAttributes()
		f.activities[ev.GetEventId()] = a.GetActivityType().GetName()
		return name + " " + a.GetActivityType().GetName()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		return name + " " + f.activities[ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()]
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		a := ev.GetActivityTaskFailedEventAttributes()
		return name + " " + f.activities[a.GetScheduledEventId()] + ": " + summary(a.GetFailure())
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		a := ev.GetActivityTaskTimedOutEventAttributes()
		return name + " " + f.activities[a.GetScheduledEventId()] + ": " + summary(a.GetFailure())
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
		return name + " " + f.activities[ev.GetActivityTaskCancelRequestedEventAttributes().GetScheduledEventId()]
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		return name + " " + f.activities[ev.GetActivityTaskCanceledEventAttributes().GetScheduledEventId()]
	case enumspb.EVENT_TYPE_TIMER_STARTED:
		a := ev.GetTimerStartedEventAttributes()
		return fmt.Sprintf("%s %s", name, a.GetStartToFireTimeout().AsDuration())
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
		return name + " " + ev.GetWorkflowExecutionSignaledEventAttributes().GetSignalName()
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
		return name + " " + ev.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
	case enumspb.EVENT_TYPE_MARKER_RECORDED:
		return name + " " + ev.GetMarkerRecordedEventAttributes().GetMarkerName()
	case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
		t := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType().GetName()
		f.children[ev.GetEventId()] = t
		return name + " " + t
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
		return name + " " + f.children[ev.GetChildWorkflowExecutionStartedEventAttributes().GetInitiatedEventId()]
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
		return name + " " + f.children[ev.GetChildWorkflowExecutionCompletedEventAttributes().GetInitiatedEventId()]
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := ev.GetChildWorkflowExecutionFailedEventAttributes()
		return name + " " + f.children[a.GetInitiatedEventId()] + ": " + summary(a.GetFailure())
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
		if r := ev.GetWorkflowExecutionTerminatedEventAttributes().GetReason(); r != "" {
			return name + ": " + r
		}
	}
	return name
}

// ended reports whether ev closes the run, and how; next is the run to
// follow after a continue-as-new.
func (f *follower) ended(ev *historypb.HistoryEvent) (o outcome, done bool, next string) {
	wf := f.workflow
	switch ev.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		res := ev.GetWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads()
		if len(res) == 0 {
			return outcome{result: "null"}, true, ""
		}
		out, err := client.PayloadJSON(res[0])
		if err != nil {
			return outcome{err: fmt.Errorf("result of workflow %s: %w", wf, err)}, true, ""
		}
		return outcome{result: out}, true, ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		fl := ev.GetWorkflowExecutionFailedEventAttributes().GetFailure()
		return outcome{err: &workflowFailedError{workflow: wf, failure: fl}}, true, ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
		return outcome{err: fmt.Errorf("workflow %s timed out", wf)}, true, ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		return outcome{err: fmt.Errorf("workflow %s was cancelled", wf)}, true, ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
		reason := ev.GetWorkflowExecutionTerminatedEventAttributes().GetReason()
		return outcome{err: fmt.Errorf("workflow %s was terminated: %s", wf, reason)}, true, ""
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		return outcome{}, false, ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
		a := ev.GetWorkflowTaskFailedEventAttributes()
		switch a.GetCause() {
		case enumspb.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
			enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR:
			return outcome{err: &taskFailedError{workflow: wf, failure: a.GetFailure()}}, true, ""
		}
	}
	return outcome{}, false, ""
}

// workflowFailedError is a workflow that ended with a failure.
type workflowFailedError struct {
	workflow string
	failure  *failurepb.Failure
}

func (e *workflowFailedError) Error() string {
	return fmt.Sprintf("workflow %s failed: %s", e.workflow, summary(e.failure))
}

// summary is a failure and its causes on one line:
// "Activity task failed: boom (type MyError)".
func summary(f *failurepb.Failure) string {
	var parts []string
	for ; f != nil; f = f.GetCause() {
		msg := firstLine(f.GetMessage())
		if app := f.GetApplicationFailureInfo(); app != nil && app.GetType() != "" {
			msg += " (type " + app.GetType() + ")"
		}
		if msg != "" {
			parts = append(parts, msg)
		}
	}
	return strings.Join(parts, ": ")
}

// writeFailure prints a failure with its class, type, JS stack and causes,
// as a JS workflow author knows them from the TypeScript SDK.
func writeFailure(w io.Writer, f *failurepb.Failure) {
	const indent = "    "
	for depth := 0; f != nil; depth, f = depth+1, f.GetCause() {
		lines := strings.Split(strings.TrimRight(jsstack.Clean(f.GetMessage()), "\n"), "\n")
		head := lines[0]
		rest := lines[1:]
		if st := f.GetStackTrace(); st != "" && !isGoStack(st) {
			stack := strings.Split(jsstack.Clean(st), "\n")
			// A JS stack starts with "Name: message": a JS error that is
			// not a Temporal failure (a task failure) reads as in JS.
			if plainJSError(f) && strings.HasSuffix(stack[0], ": "+head) {
				head, stack = stack[0], stack[1:]
				if depth > 0 {
					head = "caused by " + head
				}
				fmt.Fprintf(w, "%s%s\n", indent, head)
				writeLines(w, indent, head, append(rest, stack...))
				continue
			}
			rest = append(rest, stack...)
		}
		if f.GetApplicationFailureInfo().GetType() != goPanicType {
			head = failureClass(f) + ": " + head
			if tags := failureTags(f); len(tags) > 0 {
				head += " [" + strings.Join(tags, ", ") + "]"
			}
		}
		if depth > 0 {
			head = "caused by " + head
		}
		fmt.Fprintf(w, "%s%s\n", indent, head)
		writeLines(w, indent, head, rest)
	}
}

// writeLines writes the lines of a failure's message and stack under its
// head.
func writeLines(w io.Writer, indent, head string, lines []string) {
	for _, line := range lines {
		line = strings.TrimSpace(line)
		// A JS stack starts with "Name: message", already in head.
		if line == "" || strings.Contains(head, line) {
			continue
		}
		fmt.Fprintf(w, "%s    %s\n", indent, line)
	}
}

// plainJSError tells the failure of a workflow task failed by a JS error
// that is not a Temporal failure: the TypeScript SDK writes it without
// failure info; a worker whose client lacks tsworker's failure converter
// writes it as the Go SDK writes a workflow panic.
func plainJSError(f *failurepb.Failure) bool {
	return f.GetFailureInfo() == nil || f.GetApplicationFailureInfo().GetType() == goPanicType
}

// goPanicType is the failure type the Go SDK gives a workflow task that
// failed because the workflow function panicked, which is how the engine
// fails a task when JS throws something that is not a Temporal failure.
const goPanicType = "PanicError"

func failureTags(f *failurepb.Failure) []string {
	var tags []string
	if app := f.GetApplicationFailureInfo(); app != nil {
		if app.GetType() != "" {
			tags = append(tags, "type "+app.GetType())
		}
		if app.GetNonRetryable() {
			tags = append(tags, "non-retryable")
		}
	}
	if a := f.GetActivityFailureInfo(); a != nil {
		tags = append(tags, "activity "+a.GetActivityType().GetName(), "retry state "+a.GetRetryState().String())
	}
	if c := f.GetChildWorkflowExecutionFailureInfo(); c != nil {
		tags = append(tags, "child workflow "+c.GetWorkflowType().GetName())
	}
	if t := f.GetTimeoutFailureInfo(); t != nil {
		tags = append(tags, "timeout "+t.GetTimeoutType().String())
	}
	return tags
}

// isGoStack tells a Go stack trace (the Go SDK's, of the workflow's
// coroutine) from a JS one: it says nothing to a JS workflow author.
func isGoStack(s string) bool {
	return strings.HasPrefix(s, "coroutine ") || strings.HasPrefix(s, "goroutine ") || strings.Contains(s, ".go:")
}

// failureClass names a failure as the TypeScript SDK's error classes do.
func failureClass(f *failurepb.Failure) string {
	switch {
	case f.GetApplicationFailureInfo() != nil:
		return "ApplicationFailure"
	case f.GetActivityFailureInfo() != nil:
		return "ActivityFailure"
	case f.GetChildWorkflowExecutionFailureInfo() != nil:
		return "ChildWorkflowFailure"
	case f.GetTimeoutFailureInfo() != nil:
		return "TimeoutFailure"
	case f.GetCanceledFailureInfo() != nil:
		return "CancelledFailure"
	case f.GetTerminatedFailureInfo() != nil:
		return "TerminatedFailure"
	case f.GetServerFailureInfo() != nil:
		return "ServerFailure"
	}
	return "Failure"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// failureOf returns the failure behind an outcome error, if it has one.
func failureOf(err error) *failurepb.Failure {
	var wf *workflowFailedError
	if errors.As(err, &wf) {
		return wf.failure
	}
	var tf *taskFailedError
	if errors.As(err, &tf) {
		if st := tf.failure.GetStackTrace(); tf.js == nil || tf.js.stack == "" || st != "" && !isGoStack(st) {
			return tf.failure
		}
		// The Go SDK writes its own stack into the task failure; the
		// TypeScript SDK writes the JS stack there.
		f := proto.CloneOf(tf.failure)
		f.StackTrace = tf.js.stack
		return f
	}
	return nil
}
