package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// An observation is what one runtime's run of a case showed a user, in the
// order the driver saw it: a list of named steps whose values are plain
// JSON values (maps, slices, strings, float64, bools, nil), so that two
// observations compare field by field.
type observation struct {
	mu    sync.Mutex
	steps []step
}

type step struct {
	Name  string
	Value any
}

func (o *observation) add(name string, v any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.steps = append(o.steps, step{name, v})
}

// driver runs one case's workflow on one runtime and records what it sees.
// Its methods do not fail the test: what goes wrong (a timeout, an error) is
// recorded as an observation, to be compared with the other runtime's.
type driver struct {
	rt    runtime
	cs    string // the case's name
	c     client.Client
	obs   *observation
	id    string // the workflow ID of the case's main workflow
	runID string
}

// wait bounds each wait of a driver: the cases' workflows are short.
const wait = 15 * time.Second

// ID returns a workflow ID for this case and runtime: name with the
// runtime's token.
func (d *driver) ID(name string) string { return name + "-" + d.cs + d.rt.token }

// start starts workflowType with args as the case's main workflow.
func (d *driver) start(workflowType string, args ...any) {
	d.startWith(client.StartWorkflowOptions{}, workflowType, args...)
}

func (d *driver) startWith(opts client.StartWorkflowOptions, workflowType string, args ...any) {
	opts.ID = d.ID("wf")
	opts.TaskQueue = d.rt.queue
	if opts.WorkflowExecutionTimeout == 0 {
		opts.WorkflowExecutionTimeout = time.Minute
	}
	if opts.WorkflowTaskTimeout == 0 {
		opts.WorkflowTaskTimeout = 5 * time.Second
	}
	d.id = opts.ID
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	run, err := d.c.ExecuteWorkflow(ctx, opts, workflowType, args...)
	if err != nil {
		d.obs.add("start", describeError(err))
		return
	}
	d.runID = run.GetRunID()
}

// signal signals the main workflow.
func (d *driver) signal(name string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var arg any
	if len(args) > 0 {
		arg = args[0]
	}
	if err := d.c.SignalWorkflow(ctx, d.id, "", name, arg); err != nil {
		d.obs.add("signal "+name, describeError(err))
	}
}

// query queries the main workflow and records the answer.
func (d *driver) query(name string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	v, err := d.c.QueryWorkflow(ctx, d.id, "", name, args...)
	if err != nil {
		d.obs.add("query "+name, describeError(err))
		return
	}
	var raw converter.RawValue
	if err := v.Get(&raw); err != nil {
		d.obs.add("query "+name, describeError(err))
		return
	}
	d.obs.add("query "+name, map[string]any{"result": payloadValue(raw.Payload())})
}

// update runs an update on the main workflow, waits for its outcome and
// records it. id names the update (update IDs are visible to workflows).
func (d *driver) update(id, name string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	h, err := d.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: d.id, UpdateID: id, UpdateName: name,
		Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		var raw converter.RawValue
		if err = h.Get(ctx, &raw); err == nil {
			d.obs.add("update "+id, map[string]any{"result": payloadValue(raw.Payload())})
			return
		}
	}
	d.obs.add("update "+id, describeError(err))
}

// cancel requests cancellation of the main workflow.
func (d *driver) cancel() {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := d.c.CancelWorkflow(ctx, d.id, ""); err != nil {
		d.obs.add("cancel", describeError(err))
	}
}

// terminate terminates workflow id (the main one when empty).
func (d *driver) terminate(id string) {
	if id == "" {
		id = d.id
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := d.c.TerminateWorkflow(ctx, id, "", "conformance terminates it"); err != nil {
		d.obs.add("terminate", describeError(err))
	}
}

// result waits for the main workflow (the last run of its chain) to close,
// and records the client's error, the final status and the history of each
// run of the chain.
func (d *driver) result() {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := d.c.GetWorkflow(ctx, d.id, d.runID).Get(ctx, nil)
	if err != nil {
		d.obs.add("client error", describeError(err))
		if ctx.Err() != nil {
			d.terminate("")
		}
	}
	d.histories(d.id, d.runID)
}

// resultInto waits for the main workflow's result and decodes it into v. It
// records the client's error instead, terminating the run if the wait ran
// out, and then returns false.
func (d *driver) resultInto(v any) bool {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := d.c.GetWorkflow(ctx, d.id, d.runID).Get(ctx, v); err != nil {
		d.obs.add("client error", describeError(err))
		if ctx.Err() != nil {
			d.terminate("")
		}
		return false
	}
	return true
}

// taskFailure waits for the main workflow's first failed workflow task,
// records it, terminates the run and records its history.
func (d *driver) taskFailure() {
	ev := d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		return e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED
	})
	if ev == nil {
		d.obs.add("task failure", "none within the wait")
	}
	d.terminate("")
	d.histories(d.id, d.runID)
}

// waitEvent polls the history of workflow id (its latest run) until an
// event matches, and returns it, or nil after the wait.
func (d *driver) waitEvent(id string, match func(*historypb.HistoryEvent) bool) *historypb.HistoryEvent {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, e := range d.events(id, "") {
			if match(e) {
				return e
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

func (d *driver) events(id, runID string) []*historypb.HistoryEvent {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	it := d.c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var evs []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return evs
		}
		evs = append(evs, e)
	}
	return evs
}

// histories records the normalized history of run runID of workflow id and
// of the runs it continued as.
func (d *driver) histories(id, runID string) {
	for i := 0; i < 5 && runID != ""; i++ {
		evs := d.events(id, runID)
		d.obs.add(fmt.Sprintf("history %d", i), normalizeHistory(evs))
		runID = ""
		if n := len(evs); n > 0 {
			if can := evs[n-1].GetWorkflowExecutionContinuedAsNewEventAttributes(); can != nil {
				runID = can.GetNewExecutionRunId()
			}
		}
	}
}

// waitTaskStarted waits until the main workflow has a workflow task started
// after event n (a workflow task in flight): what is sent then reaches the
// workflow together in the next task.
func (d *driver) waitTaskStarted(after int64) {
	d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		return e.GetEventId() > after && e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED
	})
}

// normalizeHistory keeps what a history shows a user of the workflow's
// commands and failures. Workflow task scheduled/started/completed events
// are left out: how many tasks a run takes depends on when the driver's
// messages arrive, not on the runtime.
func normalizeHistory(evs []*historypb.HistoryEvent) []any {
	var out []any
	for _, e := range evs {
		t := strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_")
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
			enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			continue
		}
		m := map[string]any{"event": t}
		switch {
		case e.GetWorkflowExecutionStartedEventAttributes() != nil:
			a := e.GetWorkflowExecutionStartedEventAttributes()
			m["workflowType"] = a.GetWorkflowType().GetName()
		case e.GetWorkflowTaskFailedEventAttributes() != nil:
			a := e.GetWorkflowTaskFailedEventAttributes()
			m["cause"] = a.GetCause().String()
			m["failure"] = failureValue(a.GetFailure())
		case e.GetActivityTaskScheduledEventAttributes() != nil:
			a := e.GetActivityTaskScheduledEventAttributes()
			m["activityId"] = a.GetActivityId()
			m["activityType"] = a.GetActivityType().GetName()
		case e.GetActivityTaskFailedEventAttributes() != nil:
			m["failure"] = failureValue(e.GetActivityTaskFailedEventAttributes().GetFailure())
		case e.GetTimerStartedEventAttributes() != nil:
			m["startToFireTimeout"] = e.GetTimerStartedEventAttributes().GetStartToFireTimeout().AsDuration().String()
		case e.GetMarkerRecordedEventAttributes() != nil:
			a := e.GetMarkerRecordedEventAttributes()
			m["markerName"] = a.GetMarkerName()
			if a.GetFailure() != nil {
				m["failure"] = failureValue(a.GetFailure())
			}
		case e.GetWorkflowExecutionSignaledEventAttributes() != nil:
			a := e.GetWorkflowExecutionSignaledEventAttributes()
			m["signalName"] = a.GetSignalName()
			m["input"] = payloadsValue(a.GetInput())
		case e.GetStartChildWorkflowExecutionInitiatedEventAttributes() != nil:
			a := e.GetStartChildWorkflowExecutionInitiatedEventAttributes()
			m["workflowType"] = a.GetWorkflowType().GetName()
			m["workflowId"] = a.GetWorkflowId()
		case e.GetChildWorkflowExecutionFailedEventAttributes() != nil:
			m["failure"] = failureValue(e.GetChildWorkflowExecutionFailedEventAttributes().GetFailure())
		case e.GetSignalExternalWorkflowExecutionInitiatedEventAttributes() != nil:
			a := e.GetSignalExternalWorkflowExecutionInitiatedEventAttributes()
			m["signalName"] = a.GetSignalName()
			m["workflowId"] = a.GetWorkflowExecution().GetWorkflowId()
		case e.GetSignalExternalWorkflowExecutionFailedEventAttributes() != nil:
			m["cause"] = e.GetSignalExternalWorkflowExecutionFailedEventAttributes().GetCause().String()
		case e.GetRequestCancelExternalWorkflowExecutionFailedEventAttributes() != nil:
			m["cause"] = e.GetRequestCancelExternalWorkflowExecutionFailedEventAttributes().GetCause().String()
		case e.GetUpsertWorkflowSearchAttributesEventAttributes() != nil:
			m["searchAttributes"] = payloadMap(e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields())
		case e.GetWorkflowPropertiesModifiedEventAttributes() != nil:
			m["memo"] = payloadMap(e.GetWorkflowPropertiesModifiedEventAttributes().GetUpsertedMemo().GetFields())
		case e.GetWorkflowExecutionUpdateAcceptedEventAttributes() != nil:
			m["updateName"] = e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
		case e.GetWorkflowExecutionUpdateCompletedEventAttributes() != nil:
			o := e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetOutcome()
			if o.GetFailure() != nil {
				m["failure"] = failureValue(o.GetFailure())
			} else {
				m["result"] = payloadsValue(o.GetSuccess())
			}
		case e.GetWorkflowExecutionCompletedEventAttributes() != nil:
			m["result"] = payloadsValue(e.GetWorkflowExecutionCompletedEventAttributes().GetResult())
		case e.GetWorkflowExecutionFailedEventAttributes() != nil:
			m["failure"] = failureValue(e.GetWorkflowExecutionFailedEventAttributes().GetFailure())
		case e.GetWorkflowExecutionCanceledEventAttributes() != nil:
			m["details"] = payloadsValue(e.GetWorkflowExecutionCanceledEventAttributes().GetDetails())
		case e.GetWorkflowExecutionContinuedAsNewEventAttributes() != nil:
			a := e.GetWorkflowExecutionContinuedAsNewEventAttributes()
			m["workflowType"] = a.GetWorkflowType().GetName()
			m["input"] = payloadsValue(a.GetInput())
			m["memo"] = payloadMap(a.GetMemo().GetFields())
			m["searchAttributes"] = payloadMap(a.GetSearchAttributes().GetIndexedFields())
		}
		out = append(out, m)
	}
	return out
}

// failureValue is a failure field by field: message, source, stack (its
// first line: the frames differ between bundlers), the type-specific info
// and the cause chain. Event IDs and run IDs are left out.
func failureValue(f *failurepb.Failure) any {
	if f == nil {
		return nil
	}
	m := map[string]any{"message": f.GetMessage(), "source": f.GetSource()}
	m["stack"] = stackHead(f.GetStackTrace())
	switch {
	case f.GetApplicationFailureInfo() != nil:
		a := f.GetApplicationFailureInfo()
		m["info"] = "application"
		m["type"] = a.GetType()
		m["nonRetryable"] = a.GetNonRetryable()
		m["details"] = payloadsValue(a.GetDetails())
	case f.GetTimeoutFailureInfo() != nil:
		m["info"] = "timeout"
		m["timeoutType"] = f.GetTimeoutFailureInfo().GetTimeoutType().String()
	case f.GetCanceledFailureInfo() != nil:
		m["info"] = "canceled"
		m["details"] = payloadsValue(f.GetCanceledFailureInfo().GetDetails())
	case f.GetTerminatedFailureInfo() != nil:
		m["info"] = "terminated"
	case f.GetServerFailureInfo() != nil:
		m["info"] = "server"
		m["nonRetryable"] = f.GetServerFailureInfo().GetNonRetryable()
	case f.GetActivityFailureInfo() != nil:
		a := f.GetActivityFailureInfo()
		m["info"] = "activity"
		m["activityId"] = a.GetActivityId()
		m["activityType"] = a.GetActivityType().GetName()
		m["retryState"] = a.GetRetryState().String()
	case f.GetChildWorkflowExecutionFailureInfo() != nil:
		a := f.GetChildWorkflowExecutionFailureInfo()
		m["info"] = "child"
		m["workflowType"] = a.GetWorkflowType().GetName()
		m["workflowId"] = a.GetWorkflowExecution().GetWorkflowId()
		m["retryState"] = a.GetRetryState().String()
	}
	if f.GetEncodedAttributes() != nil {
		m["encodedAttributes"] = payloadValue(f.GetEncodedAttributes())
	}
	if f.GetCause() != nil {
		m["cause"] = failureValue(f.GetCause())
	}
	return m
}

var stackHeadRE = regexp.MustCompile(`(?m)^[A-Za-z]*(Error|Failure)\b.*$`)

// stackHead is what a stack trace says first: the line naming the error
// (Node puts the source line in front of it for some errors), or the first
// line; the frames differ between bundlers.
func stackHead(st string) any {
	if st == "" {
		return nil
	}
	if h := stackHeadRE.FindString(st); h != "" {
		return h
	}
	first, _, _ := strings.Cut(st, "\n")
	return first
}

// payloadValue is a payload as JSON: its encoding and its data (parsed when
// JSON).
func payloadValue(p *commonpb.Payload) any {
	if p == nil {
		return nil
	}
	enc := string(p.GetMetadata()["encoding"])
	m := map[string]any{"encoding": enc}
	// Metadata beyond the encoding, such as a payload converter's own.
	for k, v := range p.GetMetadata() {
		if k != "encoding" {
			m["metadata "+k] = string(v)
		}
	}
	var v any
	if strings.HasPrefix(enc, "json/") && json.Unmarshal(p.GetData(), &v) == nil {
		m["data"] = v
	} else if len(p.GetData()) > 0 {
		m["data"] = string(p.GetData())
	}
	return m
}

func payloadsValue(ps *commonpb.Payloads) any {
	if ps == nil {
		return nil
	}
	out := []any{}
	for _, p := range ps.GetPayloads() {
		out = append(out, payloadValue(p))
	}
	return out
}

func payloadMap(fields map[string]*commonpb.Payload) any {
	if len(fields) == 0 {
		return nil
	}
	out := map[string]any{}
	for k, p := range fields {
		out[k] = payloadValue(p)
	}
	return out
}

// describeError is an error a client got: each error of its chain with its
// Go type and message, and the fields of the SDK's error types.
func describeError(err error) any {
	var chain []any
	for e := err; e != nil; e = errors.Unwrap(e) {
		d := map[string]any{"goType": reflect.TypeOf(e).String(), "error": e.Error()}
		switch x := e.(type) {
		case *temporal.ApplicationError:
			d["type"] = x.Type()
			d["nonRetryable"] = x.NonRetryable()
			if x.HasDetails() {
				var v any
				if x.Details(&v) == nil {
					d["details"] = v
				}
			}
		case *temporal.TimeoutError:
			d["timeoutType"] = x.TimeoutType().String()
		}
		chain = append(chain, d)
	}
	return map[string]any{"errors": chain}
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// plain turns v into plain JSON values and makes runtime-specific strings
// comparable: the runtime's token becomes "~RT" and UUIDs (run IDs,
// uuid4()) become "<uuid>".
func plain(v any, token string) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("undecodable: %v", err)
	}
	out = mapStrings(out, func(s string) string {
		return uuidRE.ReplaceAllString(strings.ReplaceAll(s, token, "~RT"), "<uuid>")
	})
	return normalizeRawFailures(out, false)
}

// eventIDFields are the fields of a raw failure's info that point at
// history events.
var eventIDFields = map[string]bool{"scheduledEventId": true, "startedEventId": true, "initiatedEventId": true}

// normalizeRawFailures normalizes, in both runtimes' observations alike, the
// raw failures workflow code sees (err.failure: the failure proto as JSON,
// under a "failure" key, with its cause chain) where they can never match or
// depend on how workflow tasks fall rather than on the runtime:
//   - stackTrace keeps its first line (stackHead), as failures in history
//     do: the frames are goja's or V8's, in the bundler's file names, and
//     Node's carry the machine's installation paths;
//   - the event IDs of failure infos (scheduledEventId, startedEventId,
//     initiatedEventId) become "<event id>" when set: their values count
//     every event before them, workflow task events included, and how many
//     workflow tasks a run takes depends on when the driver's messages and
//     the activities' results reach the server. Whether one is set still
//     compares.
func normalizeRawFailures(v any, inFailure bool) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = normalizeRawFailures(x[i], inFailure)
		}
	case map[string]any:
		for k, e := range x {
			switch s, isStr := e.(string); {
			case inFailure && k == "stackTrace" && isStr:
				x[k] = stackHead(s)
			case inFailure && eventIDFields[k] && isStr && s != "" && s != "0":
				x[k] = "<event id>"
			default:
				x[k] = normalizeRawFailures(e, inFailure || k == "failure")
			}
		}
	}
	return v
}

func mapStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for i := range x {
			x[i] = mapStrings(x[i], f)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = mapStrings(e, f)
		}
	}
	return v
}

func ctxWait() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), wait)
}
