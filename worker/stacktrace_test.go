package worker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// stackTrace asks the built-in __stack_trace query until its answer holds
// every want (the first workflow task may not have run yet).
func stackTrace(t *testing.T, id string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var s string
	for {
		v, err := testClient.QueryWorkflow(context.Background(), id, "", "__stack_trace")
		if err == nil {
			if err := v.Get(&s); err != nil {
				t.Fatalf("__stack_trace: decode: %v", err)
			}
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("__stack_trace never held %q; last answer (err %v):\n%s", want, err, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestStackTraceQueryShowsJSStacks(t *testing.T) {
	t.Parallel()
	blocked := make(chan struct{})
	unblock := make(chan struct{})
	block := func(ctx context.Context) (string, error) {
		close(blocked)
		select {
		case <-unblock:
			return "done", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: "testdata/stacktrace.ts"})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivityWithOptions(block, activity.RegisterOptions{Name: "block"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "waiting")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(ctx, run.GetID(), "", "test over") }()

	// Waiting on a timer (started in nap) and a condition: one stack each,
	// source-mapped to the .ts file, the API function on top.
	s := stackTrace(t, run.GetID(),
		"at sleep (@temporalio/workflow)\n    at nap (testdata/stacktrace.ts:9:",
		"at condition (@temporalio/workflow)\n    at waiting (testdata/stacktrace.ts:18:")
	if strings.Contains(s, "at block") {
		t.Errorf("no activity started yet, but the stack trace shows one:\n%s", s)
	}

	// Once released, the condition is gone and the activity is waited on.
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "release", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-time.After(15 * time.Second):
		t.Fatal("the block activity did not start")
	}
	s = stackTrace(t, run.GetID(), "at waiting (testdata/stacktrace.ts:19:", "at nap (testdata/stacktrace.ts:9:")
	if strings.Contains(s, "at condition") {
		t.Errorf("the condition is settled, but the stack trace still shows it:\n%s", s)
	}
	close(unblock)
}
