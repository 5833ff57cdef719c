package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// TestWorkflowInterceptorModules runs a workflow with two interceptor
// modules: inbound interceptors change the workflow's, a signal's and an
// update's arguments and a query's answer; outbound ones change an
// activity's arguments (both modules, in order) and send a header to a
// child, whose execute interceptor reads it from the server; internals
// ones see the activations.
func TestWorkflowInterceptorModules(t *testing.T) {
	echo := func(_ context.Context, a, b string) (string, error) { return a + "|" + b, nil }
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: "testdata/interceptors/workflows.ts",
		WorkflowInterceptorModules: []string{"testdata/interceptors/interceptors.ts", "testdata/interceptors/second.ts"}})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	w.RegisterActivityWithOptions(echo, activity.RegisterOptions{Name: "echo"})
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := fmt.Sprintf("intercepted-%d", time.Now().UnixNano())
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, "intercepted", "wf")
	if err != nil {
		t.Fatal(err)
	}
	upd, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "add",
		Args: []any{"x"}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	var added string
	if err := upd.Get(ctx, &added); err != nil {
		t.Fatal(err)
	}
	if added != "x,extra" {
		t.Errorf("update result %q, want x,extra (the handleUpdate interceptor's added argument)", added)
	}
	bad, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "add",
		Args: []any{"bad"}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = bad.Get(ctx, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "add with an ID rejected") {
		t.Errorf("update with a bad argument: error %v, want the validateUpdate interceptor's rejection", err)
	}
	if err := testClient.SignalWorkflow(ctx, id, "", "greet", "bob"); err != nil {
		t.Fatal(err)
	}
	var result map[string]any
	if err := run.Get(ctx, &result); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "wf+in", "echoed": "a|out", "greeting": "BOB", "activations": true,
		"fromChild": map[string]any{"result": "child done", "parentHeader": "from parent"},
	}
	if !reflect.DeepEqual(result, want) {
		t.Errorf("result %v\nwant   %v", result, want)
	}
	v, err := testClient.QueryWorkflow(ctx, id, "", "trace")
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		Query  string   `json:"query"`
		Answer []string `json:"answer"`
	}
	if err := v.Get(&q); err != nil {
		t.Fatal(err)
	}
	if q.Query != "trace" {
		t.Errorf("query answer %+v: want the handleQuery interceptor's wrapping", q)
	}
	wantTrace := []string{
		`execute intercepted ["wf"]`,
		"update add",
		`activity echo seq 1`,
		`second activity ["a","out"]`,
		"timer 10",
		"child child",
		"signal greet",
	}
	// The update may come in the first workflow task or a later one.
	sort.Strings(q.Answer)
	sort.Strings(wantTrace)
	if !reflect.DeepEqual(q.Answer, wantTrace) {
		b, _ := json.Marshal(q.Answer)
		t.Errorf("trace %s\nwant  %q", b, wantTrace)
	}
}
