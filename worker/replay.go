package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/engine"
	"google.golang.org/protobuf/encoding/prototext"
)

// History is one workflow execution's event history, to replay.
type History struct {
	// Name says which history this is in results and messages: the file it
	// was read from, or "workflowID (run runID)" when fetched.
	Name string
	// WorkflowID and RunID identify the execution when known (histories
	// fetched from a server); the replayed run sees them in workflowInfo().
	// Optional.
	WorkflowID, RunID string
	// Events is the history itself.
	Events *historypb.History
}

// WorkflowType returns the workflow type the history started, or "".
func (h History) WorkflowType() string {
	if evs := h.Events.GetEvents(); len(evs) > 0 {
		return evs[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
	}
	return ""
}

// ReplayResult is the outcome of replaying one history.
type ReplayResult struct {
	// Name is the history's name, WorkflowType its workflow type.
	Name, WorkflowType string
	// Err is nil when the code produced the commands the history records;
	// otherwise a *ReplayError.
	Err error
}

// OK reports whether the replay matched the history.
func (r ReplayResult) OK() bool { return r.Err == nil }

// ReplayError is a history the workflow code does not replay.
type ReplayError struct {
	// Name is the history's name, WorkflowType its workflow type.
	Name, WorkflowType string
	// Nondeterministic is set when the code produced other commands than
	// the history records: the change needs patched() (or a new workflow
	// type) to be deployed while such workflows run.
	Nondeterministic bool
	// Reason is the Go SDK's message, on one line, without Go stacks. For
	// non-determinism it says which command the history has and which
	// the code produced.
	Reason string
	// Err is the Go SDK's error.
	Err error
}

// Error returns "replay NAME: REASON".
func (e *ReplayError) Error() string { return "replay " + e.Name + ": " + e.Reason }

// Unwrap returns the Go SDK's error.
func (e *ReplayError) Unwrap() error { return e.Err }

// ReplayHistories replays each history against the workflows of wfs, as a
// worker would after a restart, and reports for each whether the code
// still produces the commands the history records. Run it in CI against
// histories of the workflows in production before deploying a change: a
// failure means running workflows would fail their next task after the
// deploy.
func ReplayHistories(ctx context.Context, wfs *Workflows, histories ...History) []ReplayResult {
	results := make([]ReplayResult, len(histories))
	for i, h := range histories {
		results[i] = ReplayResult{Name: h.Name, WorkflowType: h.WorkflowType()}
		if err := ctx.Err(); err != nil {
			results[i].Err = &ReplayError{Name: h.Name, WorkflowType: results[i].WorkflowType, Reason: "not replayed: " + err.Error(), Err: err}
			continue
		}
		results[i].Err = replayOne(wfs, h)
	}
	return results
}

func replayOne(wfs *Workflows, h History) error {
	replayErr, err := replayWith(wfs, h, nil)
	if err != nil {
		return err
	}
	if replayErr == nil {
		return nil
	}
	reason, nondet := replayReason(replayErr)
	if nondet {
		// The Go SDK's message names the first event it could not match,
		// sometimes only by number ("lookup failed for scheduledEventID");
		// say what the history has there and what the code does instead.
		// The commands the code asks for (and the JS lines asking) are
		// recorded only now, replaying again: a replay that passes never
		// pays for them.
		rec := &recorder{}
		if _, err := replayWith(wfs, h, rec); err != nil {
			return err
		}
		if diff := firstDifference(historyCommands(h.Events), rec.commands()); diff != "" {
			reason = "nondeterministic: " + diff + " (Go SDK: " + reason + ")"
		} else if !strings.Contains(strings.ToLower(reason), "nondeterministic") {
			reason = "nondeterministic: " + reason
		}
	}
	return &ReplayError{Name: h.Name, WorkflowType: h.WorkflowType(), Nondeterministic: nondet, Reason: reason, Err: replayErr}
}

// replayWith replays h once with a new Go SDK replayer, its commands
// recorded into rec if rec is not nil. It returns the replay's error, or
// err if the replayer could not be made.
func replayWith(wfs *Workflows, h History, rec *recorder) (replayErr, err error) {
	var interceptors []interceptor.WorkerInterceptor
	if rec != nil {
		interceptors = append(interceptors, &recording{s: func() commandSink { return rec }})
	}
	r, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{
		Interceptors: append(interceptors, wfs.Interceptor()),
		// Runaway JS is stopped by the engine's own execution timeout,
		// with a message saying so; the Go SDK's one-second deadlock
		// detector would fire first, on slow machines too.
		DisableDeadlockDetection: true,
	})
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", h.Name, err)
	}
	wfs.Register(r)
	return r.ReplayWorkflowHistoryWithOptions(nopLogger{}, h.Events, sdkworker.ReplayWorkflowHistoryOptions{
		OriginalExecution: workflow.Execution{ID: h.WorkflowID, RunID: h.RunID},
	}), nil
}

// replayReason makes a replay error one readable line.
func replayReason(err error) (reason string, nondeterministic bool) {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, failurePrefix):
		var f failurepb.Failure
		if uerr := prototext.Unmarshal([]byte(strings.TrimPrefix(msg, failurePrefix)), &f); uerr == nil {
			msg = failureMessage(&f)
		} else {
			msg = strings.TrimPrefix(msg, failurePrefix)
		}
	case resultMismatch.MatchString(msg):
		last := "its last event"
		if m := lastEventType.FindAllStringSubmatch(msg, -1); len(m) > 0 {
			last = eventName(m[len(m)-1][1])
		}
		msg = fmt.Sprintf("the replayed run does not end as the history does (%s): the workflow code's result or failure changed", last)
		return msg, true
	}
	msg = oneLine(stripGoStack(msg))
	return msg, nondetMarker.MatchString(msg)
}

// failureMessage is a failure's message followed by its causes'.
func failureMessage(f *failurepb.Failure) string {
	var parts []string
	for ; f != nil; f = f.GetCause() {
		if m := strings.TrimSpace(f.GetMessage()); m != "" {
			parts = append(parts, m)
		}
	}
	return strings.Join(parts, ": ")
}

func eventName(enum string) string {
	s := strings.TrimPrefix(enum, "EVENT_TYPE_")
	var b strings.Builder
	for _, w := range strings.Split(strings.ToLower(s), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// stripGoStack drops the lines of Go stack traces from msg.
func stripGoStack(msg string) string {
	lines := strings.Split(msg, "\n")
	out := lines[:0]
	for _, l := range lines {
		if goStackLine.MatchString(l) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ReadHistory reads a history in JSON, as the Temporal Web UI downloads it
// or `temporal workflow show --output json` prints it (older exports, with
// enum names such as "WorkflowExecutionStarted", too). name is the
// history's name in results.
func ReadHistory(name string, r io.Reader) (History, error) {
	h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
	if err != nil {
		return History{}, fmt.Errorf("read history %s: %w; want the JSON of `temporal workflow show --output json` or the Web UI's download", name, err)
	}
	if len(h.GetEvents()) == 0 {
		return History{}, fmt.Errorf("read history %s: no events; want the JSON of `temporal workflow show --output json` or the Web UI's download", name)
	}
	if h.Events[0].GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED {
		return History{}, fmt.Errorf("read history %s: the first event is %s, not WorkflowExecutionStarted; pass a complete history", name, h.Events[0].GetEventType())
	}
	return History{Name: name, Events: h}, nil
}

// ReadHistoryFile reads a history JSON file (see ReadHistory), named by
// its path.
func ReadHistoryFile(path string) (History, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return History{}, fmt.Errorf("read history: %w", err)
	}
	return ReadHistory(path, bytes.NewReader(data))
}

// ReadHistoryFiles reads history JSON files; a directory stands for the
// .json files in it, in name order.
func ReadHistoryFiles(paths ...string) ([]History, error) {
	var out []History
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		files := []string{p}
		if st.IsDir() {
			if files, err = filepath.Glob(filepath.Join(p, "*.json")); err != nil {
				return nil, fmt.Errorf("read histories in %s: %w", p, err)
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("read histories: no .json files in %s", p)
			}
			sort.Strings(files)
		}
		for _, f := range files {
			h, err := ReadHistoryFile(f)
			if err != nil {
				return nil, err
			}
			out = append(out, h)
		}
	}
	return out, nil
}

// FetchOptions configures FetchHistories.
type FetchOptions struct {
	// Limit caps how many executions are fetched, newest first. Optional;
	// zero means all that match.
	Limit int
}

// FetchHistories fetches the histories of the workflow executions that a
// visibility query matches (for example "WorkflowType='order' AND
// StartTime > '2026-01-01T00:00:00Z'"; empty matches every execution),
// newest first, running ones included. Each is named "workflowID (run
// runID)".
func FetchHistories(ctx context.Context, c client.Client, query string, opts ...FetchOptions) ([]History, error) {
	var o FetchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	var out []History
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("fetch histories: list workflows %q: %w", query, err)
		}
		for _, ex := range resp.GetExecutions() {
			if o.Limit > 0 && len(out) >= o.Limit {
				return out, nil
			}
			id, run := ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId()
			h, err := fetchHistory(ctx, c, id, run)
			if err != nil {
				return nil, err
			}
			out = append(out, History{Name: fmt.Sprintf("%s (run %s)", id, run), WorkflowID: id, RunID: run, Events: h})
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

func fetchHistory(ctx context.Context, c client.Client, id, run string) (*historypb.History, error) {
	h := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, id, run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("fetch history of %s (run %s): %w", id, run, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}

// ErrReplayFailed is returned by ReplayErr when some history failed to
// replay.
var ErrReplayFailed = errors.New("replay failed")

// ReplayErr sums up results: nil when every replay matched, otherwise an
// error wrapping ErrReplayFailed that says how many failed and, one per
// line, why.
//
//	if err := worker.ReplayErr(worker.ReplayHistories(ctx, wfs, histories...)); err != nil {
//		t.Fatal(err)
//	}
func ReplayErr(results []ReplayResult) error {
	var lines []string
	for _, r := range results {
		if !r.OK() {
			lines = append(lines, "\n  "+r.Err.Error())
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d of %d histories do not replay with this code:%s", ErrReplayFailed, len(lines), len(results), strings.Join(lines, ""))
}

// nopLogger discards the replayer's logs: the outcome is in the results.
type nopLogger struct{}

func (nopLogger) Debug(string, ...any) {}
func (nopLogger) Info(string, ...any)  {}
func (nopLogger) Warn(string, ...any)  {}
func (nopLogger) Error(string, ...any) {}

var _ log.Logger = nopLogger{}

// command is one command a workflow issued, as a history event records it
// or as the replayed code asked for it.
type command struct {
	kind    string // ActivityTaskScheduled, TimerStarted, ...
	detail  string // activity type, timer duration, ...
	eventID int64  // in the history; 0 for the code's
	where   string // the code's: the JS source line that asked for it
}

func (c command) String() string { return strings.TrimSpace(c.kind + " " + c.detail) }

// same reports whether the code's command c matches the history's h as
// far as replay checks: the kind, and the type of activities and child
// workflows (a timer's duration may change).
func (c command) same(h command) bool {
	switch c.kind {
	case "ActivityTaskScheduled", "StartChildWorkflowExecutionInitiated", "NexusOperationScheduled":
		return c.kind == h.kind && c.detail == h.detail
	}
	return c.kind == h.kind
}

// describe says what the code did, in words, and where.
func (c command) describe() string {
	if c.where != "" {
		return c.what() + " (at " + c.where + ")"
	}
	return c.what()
}

func (c command) what() string {
	switch c.kind {
	case "ActivityTaskScheduled":
		return "schedules activity " + c.detail
	case "TimerStarted":
		return "starts a timer of " + c.detail
	case "StartChildWorkflowExecutionInitiated":
		return "starts child workflow " + c.detail
	case "SignalExternalWorkflowExecutionInitiated":
		return "signals another workflow with " + c.detail
	case "RequestCancelExternalWorkflowExecutionInitiated":
		return "cancels another workflow"
	case "NexusOperationScheduled":
		return "starts Nexus operation " + c.detail
	case "WorkflowExecutionCompleted":
		return "completes the workflow"
	case "WorkflowExecutionFailed":
		return "fails the workflow"
	case "WorkflowExecutionContinuedAsNew":
		return "continues as new"
	case "WorkflowExecutionCanceled":
		return "ends the workflow as cancelled"
	}
	return c.String()
}

// historyCommands lists the history's events that record a command the
// replay must produce again, in order. Markers (patches, local
// activities, side effects) and cancellations are left out: the Go SDK's
// own message covers them.
func historyCommands(h *historypb.History) []command {
	var out []command
	for _, ev := range h.GetEvents() {
		c := command{eventID: ev.GetEventId()}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			c.kind, c.detail = "ActivityTaskScheduled", ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			c.kind, c.detail = "TimerStarted", ev.GetTimerStartedEventAttributes().GetStartToFireTimeout().AsDuration().String()
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			c.kind, c.detail = "StartChildWorkflowExecutionInitiated", ev.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType().GetName()
		case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
			c.kind, c.detail = "SignalExternalWorkflowExecutionInitiated", ev.GetSignalExternalWorkflowExecutionInitiatedEventAttributes().GetSignalName()
		case enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
			c.kind = "RequestCancelExternalWorkflowExecutionInitiated"
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
			a := ev.GetNexusOperationScheduledEventAttributes()
			c.kind, c.detail = "NexusOperationScheduled", a.GetService()+"/"+a.GetOperation()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
			c.kind = ev.GetEventType().String() // WorkflowExecutionCompleted, ...
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

// firstDifference compares the commands of the history with those of the
// code and describes the first that differ, or returns "".
func firstDifference(history, code []command) string {
	for i, h := range history {
		if i >= len(code) {
			// The code stopped short, maybe only because the replay
			// failed: nothing certain to say.
			return ""
		}
		if c := code[i]; !c.same(h) {
			return fmt.Sprintf("history event %d is %s, where the code now %s", h.eventID, h, c.describe())
		}
	}
	if len(code) > len(history) {
		c := code[len(history)]
		if len(history) == 0 {
			return fmt.Sprintf("the code now %s, which the history does not have", c.describe())
		}
		last := history[len(history)-1]
		return fmt.Sprintf("the code now %s after %s (event %d), which the history does not have", c.describe(), last, last.eventID)
	}
	return ""
}

// commandSink receives the commands a run asks for, seen by the recording
// interceptor: the recorder of a replay, or the live recorder of
// Diagnostics.
type commandSink interface {
	// record notes a command of the run of ctx (engine.SourceLocation(ctx)
	// says which JS line asked for it).
	record(ctx workflow.Context, kind, detail string)
	// start and end bracket the run's workflow function.
	start(ctx workflow.Context)
	end(ctx workflow.Context)
}

// recorder lists the commands a replayed run asks for, for
// firstDifference.
type recorder struct {
	mu   sync.Mutex
	list []command
}

func (r *recorder) record(ctx workflow.Context, kind, detail string) {
	where := engine.SourceLocation(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, command{kind: kind, detail: detail, where: where})
}

func (r *recorder) start(workflow.Context) {}
func (r *recorder) end(workflow.Context)   {}

func (r *recorder) commands() []command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]command(nil), r.list...)
}

// recording is a worker interceptor that passes every command a run asks for
// to a commandSink.
type recording struct {
	interceptor.WorkerInterceptorBase
	// s returns the sink of one execution of a workflow function. A run
	// replayed anew (its cached state dropped) is another execution with
	// the same run ID, and the previous one may still be unwinding.
	s func() commandSink
}

func (r *recording) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	in := &recordingInbound{s: r.s()}
	in.Next = next
	return in
}

type recordingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	s commandSink
}

func (in *recordingInbound) ExecuteWorkflow(ctx workflow.Context, input *interceptor.ExecuteWorkflowInput) (any, error) {
	in.s.start(ctx)
	defer in.s.end(ctx) // also when the run is evicted mid-task
	res, err := in.Next.ExecuteWorkflow(ctx, input)
	var canceled *temporal.CanceledError
	switch {
	case err == nil:
		in.s.record(ctx, "WorkflowExecutionCompleted", "")
	case workflow.IsContinueAsNewError(err):
		in.s.record(ctx, "WorkflowExecutionContinuedAsNew", "")
	case errors.As(err, &canceled):
		in.s.record(ctx, "WorkflowExecutionCanceled", "")
	default:
		in.s.record(ctx, "WorkflowExecutionFailed", "")
	}
	return res, err
}

func (in *recordingInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	out := &recordingOutbound{s: in.s}
	out.Next = outbound
	return in.Next.Init(out)
}

type recordingOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	s commandSink
}

func (o *recordingOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.s.record(ctx, "ActivityTaskScheduled", activityType)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *recordingOutbound) NewTimer(ctx workflow.Context, d time.Duration) workflow.Future {
	o.timer(ctx, d)
	return o.Next.NewTimer(ctx, d)
}

func (o *recordingOutbound) NewTimerWithOptions(ctx workflow.Context, d time.Duration, options workflow.TimerOptions) workflow.Future {
	o.timer(ctx, d)
	return o.Next.NewTimerWithOptions(ctx, d, options)
}

func (o *recordingOutbound) timer(ctx workflow.Context, d time.Duration) {
	if d > 0 { // a zero timer is no command
		o.s.record(ctx, "TimerStarted", d.String())
	}
}

func (o *recordingOutbound) ExecuteChildWorkflow(ctx workflow.Context, childWorkflowType string, args ...any) workflow.ChildWorkflowFuture {
	o.s.record(ctx, "StartChildWorkflowExecutionInitiated", childWorkflowType)
	return o.Next.ExecuteChildWorkflow(ctx, childWorkflowType, args...)
}

func (o *recordingOutbound) SignalExternalWorkflow(ctx workflow.Context, workflowID, runID, signalName string, arg any) workflow.Future {
	o.s.record(ctx, "SignalExternalWorkflowExecutionInitiated", signalName)
	return o.Next.SignalExternalWorkflow(ctx, workflowID, runID, signalName, arg)
}

func (o *recordingOutbound) SignalChildWorkflow(ctx workflow.Context, workflowID, signalName string, arg any) workflow.Future {
	o.s.record(ctx, "SignalExternalWorkflowExecutionInitiated", signalName)
	return o.Next.SignalChildWorkflow(ctx, workflowID, signalName, arg)
}

func (o *recordingOutbound) ExecuteNexusOperation(ctx workflow.Context, input interceptor.ExecuteNexusOperationInput) workflow.NexusOperationFuture {
	op, _ := input.Operation.(string) // the engine names operations
	o.s.record(ctx, "NexusOperationScheduled", input.Client.Service()+"/"+op)
	return o.Next.ExecuteNexusOperation(ctx, input)
}

func (o *recordingOutbound) RequestCancelExternalWorkflow(ctx workflow.Context, workflowID, runID string) workflow.Future {
	o.s.record(ctx, "RequestCancelExternalWorkflowExecutionInitiated", "")
	return o.Next.RequestCancelExternalWorkflow(ctx, workflowID, runID)
}
