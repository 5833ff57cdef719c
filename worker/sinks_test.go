package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// sinkRecorder records the calls of the sinks it makes.
type sinkRecorder struct {
	mu    sync.Mutex
	calls []sinkRecord
}

type sinkRecord struct {
	name      string // interface.function
	args      string // the arguments, as JSON
	workflow  string // the workflow ID of the call's Info
	replaying bool
}

// sink records the calls of a function of nargs arguments.
func (s *sinkRecorder) sink(nargs int, duringReplay bool) worker.Sink {
	return worker.Sink{CallDuringReplay: duringReplay, Fn: func(call worker.SinkCall) error {
		args := make([]json.RawMessage, nargs)
		ptrs := make([]any, nargs)
		for i := range args {
			ptrs[i] = &args[i]
		}
		if err := call.Args.Get(ptrs...); err != nil {
			return err
		}
		b, err := json.Marshal(args)
		if err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls = append(s.calls, sinkRecord{name: call.Interface + "." + call.Function, args: string(b),
			workflow: call.Info.WorkflowExecution.ID, replaying: call.Replaying})
		return nil
	}}
}

// live returns the calls made while not replaying, as "name args".
func (s *sinkRecorder) live() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if !c.replaying {
			out = append(out, c.name+" "+c.args)
		}
	}
	return out
}

func (s *sinkRecorder) all() []sinkRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// TestSinks runs a workflow that calls Go sinks through proxySinks: each
// call reaches its sink once, in order, with its arguments as they are
// once the workflow task's JS is over, also from a query handler; a sink called during replay sees the
// replayed calls too, marked; the workflow module's log goes to the
// LoggerSink when one is registered.
func TestSinks(t *testing.T) {
	rec := &sinkRecorder{}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: "testdata/sinks.ts", Sinks: worker.Sinks{
		"analytics":       {"addEvent": rec.sink(1, false), "step": rec.sink(1, true)},
		worker.LoggerSink: {"info": rec.sink(2, false)},
	}})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "sinks")
	if err != nil {
		t.Fatal(err)
	}
	// The workflow logs once it is past its timer.
	for !slices.ContainsFunc(rec.live(), func(s string) bool { return strings.HasPrefix(s, worker.LoggerSink) }) {
		if ctx.Err() != nil {
			t.Fatalf("the workflow did not log; calls: %q", rec.live())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := testClient.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "events"); err != nil {
		t.Fatalf("query: %v", err)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "finish", nil); err != nil {
		t.Fatalf("signal: %v", err)
	}
	var result string
	if err := run.Get(ctx, &result); err != nil || result != "done" {
		t.Fatalf("result %q, %v", result, err)
	}

	// The calls not replayed, in order; the log call is checked below.
	live := rec.live()
	want := []string{
		`analytics.addEvent [{"step":99,"tags":["a"]}]`,
		`analytics.step [1]`,
		`analytics.addEvent [{"step":2,"nothing":null}]`,
		`analytics.step [2]`,
		"(log)",
		`analytics.addEvent [{"query":true}]`,
		`analytics.step [3]`,
	}
	if len(live) != len(want) || !strings.HasPrefix(live[4], worker.LoggerSink+".info ") {
		t.Fatalf("calls not replaying:\n got %q\nwant %q", live, want)
	}
	logged := live[4]
	live[4] = "(log)"
	if !slices.Equal(live, want) {
		t.Errorf("calls not replaying:\n got %q\nwant %q", live, want)
	}
	var logArgs []json.RawMessage
	if err := json.Unmarshal([]byte(strings.TrimPrefix(logged, worker.LoggerSink+".info ")), &logArgs); err != nil || len(logArgs) != 2 {
		t.Fatalf("logger sink call %q: %v", logged, err)
	}
	var attrs map[string]any
	if err := json.Unmarshal(logArgs[1], &attrs); err != nil {
		t.Fatal(err)
	}
	wantAttrs := map[string]any{"sdkComponent": "workflow", "namespace": "default", "taskQueue": tq,
		"workflowId": run.GetID(), "runId": run.GetRunID(), "workflowType": "sinks", "a": 1.0}
	if string(logArgs[0]) != `"logged"` || len(attrs) != len(wantAttrs) {
		t.Errorf("logger sink call %q, want message \"logged\" and attributes %v", logged, wantAttrs)
	}
	for k, v := range wantAttrs {
		if attrs[k] != v {
			t.Errorf("log attribute %s = %v, want %v", k, attrs[k], v)
		}
	}

	// Calls made during replay reach only the sink that asks for them,
	// marked, and repeat calls made before.
	replayed := 0
	for _, c := range rec.all() {
		t.Logf("call %s %s replaying=%v", c.name, c.args, c.replaying)
		if c.workflow != run.GetID() {
			t.Errorf("call %s %s has workflow ID %q, want %q", c.name, c.args, c.workflow, run.GetID())
		}
		if c.replaying {
			replayed++
			if c.name != "analytics.step" || c.args == "[3]" {
				t.Errorf("replayed call %s %s", c.name, c.args)
			}
		}
	}
	if !sticky() && replayed == 0 {
		t.Errorf("no replayed call reached the sink called during replay, with the sticky cache off")
	}
	if sticky() && replayed != 0 {
		t.Errorf("%d replayed calls with the sticky cache on", replayed)
	}
}
