package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// TestPayloadConverterPath runs a workflow bundled with an EJSON-like
// payload converter (Dates as {"$date": ms}): Dates reach the workflow as
// Dates from its input, a Go activity's result and a signal; the Go side
// (activity, client, query) sees the converter's JSON.
func TestPayloadConverterPath(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	echo := func(_ context.Context, e json.RawMessage) (json.RawMessage, error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, string(e))
		return e, nil
	}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: "testdata/ejson/workflows.ts",
		PayloadConverterPath: "testdata/ejson/payload-converter.ts"})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	w.RegisterActivityWithOptions(echo, activity.RegisterOptions{Name: "echoEvent"})
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "ejson",
		json.RawMessage(`{"at":{"$date":1700000000000}}`))
	if err != nil {
		t.Fatal(err)
	}
	// The query's answer is the Date, encoded by the converter.
	var at json.RawMessage
	for {
		v, err := testClient.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "when")
		if err == nil {
			if err := v.Get(&at); err != nil {
				t.Fatal(err)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("query: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if string(at) != `{"$date":1700000000000}` {
		t.Errorf("query answer %s, want {\"$date\":1700000000000}", at)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "moveTo",
		json.RawMessage(`{"$date":1800000000000}`)); err != nil {
		t.Fatal(err)
	}
	var result json.RawMessage
	if err := run.Get(ctx, &result); err != nil {
		t.Fatal(err)
	}
	const want = `{"inputIsDate":true,"activityResultIsDate":true,"signalIsDate":true,"later":{"$date":1700000001000}}`
	if string(result) != want {
		t.Errorf("result %s\nwant   %s", result, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || seen[0] != `{"at":{"$date":1700000000000}}` {
		t.Errorf("the activity saw %q, want the converter's JSON {\"at\":{\"$date\":1700000000000}}", seen)
	}
}
