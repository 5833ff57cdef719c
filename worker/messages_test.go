package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

const messages = "testdata/messages.ts"

// startBeforeWorker starts wf on a queue nobody polls yet and sends signals,
// so the first workflow task carries the start and every signal.
func startBeforeWorker(t *testing.T, wf string, signals ...[2]string) (client.WorkflowRun, string) {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range signals {
		var arg any = s[1]
		if s[1] == "" {
			arg = nil
		}
		if err := testClient.SignalWorkflow(ctx, run.GetID(), "", s[0], arg); err != nil {
			t.Fatal(err)
		}
	}
	return run, tq
}

func newWorker(t *testing.T, tq, workflows string, activities ...any) *worker.Worker {
	t.Helper()
	w, err := worker.New(testClient, tq, worker.Options{Workflows: workflows})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range activities {
		w.RegisterActivity(a)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

func TestSignalsInHistoryOrderAcrossNames(t *testing.T) {
	t.Parallel()
	// Handlers are set in the first task; then the worker goes away, four
	// signals of three names arrive, and the next task carries all of them.
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w1 := newWorker(t, tq, messages)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "ordering")
	if err != nil {
		t.Fatal(err)
	}
	var none []string
	queryInto(t, run.GetID(), "log", &none)
	w1.Stop()
	for _, s := range [][2]string{{"b", "1"}, {"a", "2"}, {"c", "3"}, {"a", "4"}, {"done", ""}} {
		if err := testClient.SignalWorkflow(ctx, run.GetID(), "", s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	newWorker(t, tq, messages)
	var out []string
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if want := []string{"b:1", "a:2", "c:3", "a:4"}; !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v want %v", out, want)
	}
}

func TestSignalsInFirstTaskWaitForTheirHandlers(t *testing.T) {
	t.Parallel()
	// As in the TypeScript SDK, signals that come with the first task are
	// processed before the workflow function starts: they are buffered, and
	// each setHandler call delivers the buffered signals of its name, in order.
	run, tq := startBeforeWorker(t, "ordering", [2]string{"b", "1"}, [2]string{"a", "2"}, [2]string{"c", "3"}, [2]string{"a", "4"}, [2]string{"done", ""})
	newWorker(t, tq, messages)
	var out []string
	if err := run.Get(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a:2", "a:4", "b:1", "c:3"}; !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v want %v", out, want)
	}
}

func TestSignalsBufferedUntilHandlerSet(t *testing.T) {
	t.Parallel()
	run, tq := startBeforeWorker(t, "buffered", [2]string{"a", "1"}, [2]string{"zzz", "x"}, [2]string{"b", "2"}, [2]string{"a", "3"}, [2]string{"done", ""})
	newWorker(t, tq, messages)
	var out []string
	if err := run.Get(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a:1", "a:3", "b:2", `default:zzz:["x"]`}; !reflect.DeepEqual(out, want) {
		t.Fatalf("got %v want %v", out, want)
	}
}

func TestSignalWithStartIsDelivered(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, messages)
	ctx := context.Background()
	run, err := testClient.SignalWithStartWorkflow(ctx, "sws-"+tq, "a", "first", client.StartWorkflowOptions{TaskQueue: tq}, "trigger")
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil || out != "first" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestQueriesUpdatesAndValidators(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, messages, Greet)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "counter")
	if err != nil {
		t.Fatal(err)
	}
	id := run.GetID()
	update := func(name string, args ...any) (int, error) {
		h, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: name, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return 0, err
		}
		var n int
		err = h.Get(ctx, &n)
		return n, err
	}
	if n, err := update("add", 5); err != nil || n != 5 {
		t.Fatalf("add 5: %d %v", n, err)
	}
	// A validator that throws rejects the update, and nothing is written.
	if _, err := update("add", -1); err == nil || !strings.Contains(err.Error(), "cannot add -1") {
		t.Fatalf("add -1: want rejection, got %v", err)
	}
	if n, err := update("slowAdd", 10); err != nil || n != 15 {
		t.Fatalf("slowAdd 10: %d %v", n, err)
	}
	// An ApplicationFailure fails the update, not the workflow.
	if _, err := update("slowAdd", 13); err == nil || !strings.Contains(err.Error(), "unlucky") {
		t.Fatalf("slowAdd 13: want failure, got %v", err)
	}
	if _, err := update("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown update: got %v", err)
	}
	var log []string
	queryInto(t, id, "log", &log)
	if !reflect.DeepEqual(log, []string{"15"}) {
		t.Fatalf("log query: %v", log)
	}
	// Any number of arguments; missing ones are undefined.
	var args []any
	queryInto(t, id, "args", &args, 1, "two", nil)
	if !reflect.DeepEqual(args, []any{float64(1), "two", nil}) {
		t.Fatalf("args query: %#v", args)
	}
	if _, err := testClient.QueryWorkflow(ctx, id, "", "nope"); err == nil || !strings.Contains(err.Error(), "log") {
		t.Fatalf("unknown query: want an error listing the known ones, got %v", err)
	}
	// The metadata query the Web UI uses lists handlers and descriptions.
	var meta sdkpb.WorkflowMetadata
	queryInto(t, id, "__temporal_workflow_metadata", &meta)
	def := meta.GetDefinition()
	if !hasDef(def.GetQueryDefinitions(), "log", "the total, as a list") || !hasDef(def.GetUpdateDefinitions(), "add", "add a number") ||
		!hasDef(def.GetSignalDefinitions(), "done", "") {
		t.Fatalf("metadata: %v", def)
	}
	if err := testClient.SignalWorkflow(ctx, id, "", "done", nil); err != nil {
		t.Fatal(err)
	}
	var total int
	if err := run.Get(ctx, &total); err != nil || total != 15 {
		t.Fatalf("result %d %v", total, err)
	}
	// Only the accepted updates are in history: add 5, slowAdd 10, slowAdd 13.
	if n := countEvents(t, id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED); n != 3 {
		t.Fatalf("%d accepted updates in history, want 3", n)
	}
}

func hasDef(defs []*sdkpb.WorkflowInteractionDefinition, name, desc string) bool {
	for _, d := range defs {
		if d.GetName() == name && d.GetDescription() == desc {
			return true
		}
	}
	return false
}

func queryInto(t *testing.T, id, name string, out any, args ...any) {
	t.Helper()
	v, err := testClient.QueryWorkflow(context.Background(), id, "", name, args...)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	if err := v.Get(out); err != nil {
		t.Fatalf("query %s: decode: %v", name, err)
	}
}

func countEvents(t *testing.T, id string, typ enumspb.EventType) int {
	t.Helper()
	return len(eventsOf(t, id, typ))
}

// eventsOf returns the events of type typ in the history of the workflow's
// latest run.
func eventsOf(t *testing.T, id string, typ enumspb.EventType) []*historypb.HistoryEvent {
	t.Helper()
	var out []*historypb.HistoryEvent
	it := testClient.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventType() == typ {
			out = append(out, ev)
		}
	}
	return out
}

func TestQueryAfterReplay(t *testing.T) {
	t.Parallel()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w1, err := worker.New(testClient, tq, worker.Options{Workflows: messages})
	if err != nil {
		t.Fatal(err)
	}
	if err := w1.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "counter")
	if err != nil {
		t.Fatal(err)
	}
	h, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: "add", Args: []any{7}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil || h.Get(ctx, nil) != nil {
		t.Fatalf("update: %v", err)
	}
	// A new worker has nothing cached: it replays the run to answer.
	w1.Stop()
	newWorker(t, tq, messages)
	// The server may hand the first query to a poll the stopped worker left
	// behind, where it times out: ask again until the new worker answers.
	var log []string
	deadline := time.Now().Add(45 * time.Second)
	for {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		v, err := testClient.QueryWorkflow(qctx, run.GetID(), "", "log")
		if err == nil {
			err = v.Get(&log)
		}
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("query log after replay: %v", err)
		}
	}
	if !reflect.DeepEqual(log, []string{"7"}) {
		t.Fatalf("log after replay: %v", log)
	}
	_ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done")
}

func TestQueriesAreReadOnly(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, messages, Greet)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "badQueries")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "done") }()
	for q, want := range map[string]string{
		"sleeps":   "sleep() cannot be used in a query handler",
		"activity": "activity greet() cannot be used in a query handler",
		"async":    "Query handlers should not return a Promise",
	} {
		_, err := testClient.QueryWorkflow(ctx, run.GetID(), "", q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("query %s: want error %q, got %v", q, want, err)
		}
	}
	var ok string
	queryInto(t, run.GetID(), "ok", &ok)
	if ok != "ok" {
		t.Fatalf("ok query: %q", ok)
	}
	if n := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) + countEvents(t, run.GetID(), enumspb.EVENT_TYPE_TIMER_STARTED); n != 0 {
		t.Fatalf("queries wrote %d commands to history", n)
	}
}

func TestConditionTimeoutAndTrigger(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, messages)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "conditionTimeout")
	if err != nil {
		t.Fatal(err)
	}
	// Signal once the second condition's timer runs (a signal in the task
	// of the first one's timeout would make the second condition true at
	// once: it then has no timer).
	deadline := time.Now().Add(10 * time.Second)
	for countEvents(t, run.GetID(), enumspb.EVENT_TYPE_TIMER_STARTED) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "a", nil); err != nil {
		t.Fatal(err)
	}
	var out []bool
	if err := run.Get(ctx, &out); err != nil || !reflect.DeepEqual(out, []bool{false, true}) {
		t.Fatalf("got %v %v", out, err)
	}
	// The second condition's timer was cancelled when it was satisfied.
	if n := countEvents(t, run.GetID(), enumspb.EVENT_TYPE_TIMER_CANCELED); n != 1 {
		t.Fatalf("%d timers cancelled, want 1", n)
	}

	run, err = testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "trigger")
	if err != nil {
		t.Fatal(err)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "a", "fired"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := run.Get(ctx, &s); err != nil || s != "fired" {
		t.Fatalf("trigger: %q %v", s, err)
	}
}

func TestSignalHandlerApplicationFailureFailsWorkflow(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, messages)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "signalFailsWorkflow")
	if err != nil {
		t.Fatal(err)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "a", "bad signal"); err != nil {
		t.Fatal(err)
	}
	app := applicationError(t, run.Get(ctx, nil))
	if app.Type() != "FromSignal" || app.Message() != "bad signal" {
		t.Fatalf("got %v", app)
	}
}

func TestUnfinishedSignalHandlerWarning(t *testing.T) {
	t.Parallel()
	rec := &recordingLogger{}
	c, err := client.NewClientFromExisting(testClient, client.Options{Logger: rec})
	if err != nil {
		t.Fatal(err)
	}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(c, tq, worker.Options{Workflows: messages})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	run, _ := startBeforeWorkerOn(t, tq, "unfinishedSignal", [2]string{"a", ""}, [2]string{"b", ""})
	if err := run.Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	warn := rec.find("[TMPRL1102] Workflow finished while a signal handler was still running")
	if warn == "" || !strings.Contains(warn, `[{"name":"a","count":1}]`) {
		t.Fatalf("warning: %q", warn)
	}
}

func startBeforeWorkerOn(t *testing.T, tq, wf string, signals ...[2]string) (client.WorkflowRun, error) {
	t.Helper()
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range signals {
		if err := testClient.SignalWorkflow(ctx, run.GetID(), "", s[0], nil); err != nil {
			t.Fatal(err)
		}
	}
	return run, nil
}

type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) add(msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, _ := json.Marshal(kv)
	l.lines = append(l.lines, msg+" "+string(b))
}
func (l *recordingLogger) Debug(msg string, kv ...any) { l.add(msg, kv...) }
func (l *recordingLogger) Info(msg string, kv ...any)  { l.add(msg, kv...) }
func (l *recordingLogger) Warn(msg string, kv ...any)  { l.add(msg, kv...) }
func (l *recordingLogger) Error(msg string, kv ...any) { l.add(msg, kv...) }

func (l *recordingLogger) find(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

func TestSignalBeforeUpdateInOneTask(t *testing.T) {
	t.Parallel()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w1 := newWorker(t, tq, messages)
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "signalThenUpdate")
	if err != nil {
		t.Fatal(err)
	}
	var none []string
	queryInto(t, run.GetID(), "log", &none)
	w1.Stop()
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "a", "first"); err != nil {
		t.Fatal(err)
	}
	type result struct {
		out []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		h, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateName: "snapshot", WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		var out []string
		if err == nil {
			err = h.Get(ctx, &out)
		}
		done <- result{out, err}
	}()
	time.Sleep(300 * time.Millisecond) // let the update reach the server before a worker polls
	newWorker(t, tq, messages)
	r := <-done
	if r.err != nil || !reflect.DeepEqual(r.out, []string{"first"}) {
		t.Fatalf("update: %v %v", r.out, r.err)
	}
}
