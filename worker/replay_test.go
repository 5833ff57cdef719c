package worker_test

import (
	"context"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// history runs a workflow to completion and returns its history.
func history(t *testing.T, tq, wf string, args ...any) *historypb.History {
	t.Helper()
	ctx := context.Background()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf, args...)
	if err != nil {
		t.Fatal(err)
	}
	_ = run.Get(ctx, nil)
	h := &historypb.History{}
	it := testClient.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

func replay(t *testing.T, workflows string, h *historypb.History) error {
	t.Helper()
	wfs, err := worker.Load(workflows)
	if err != nil {
		t.Fatal(err)
	}
	return worker.ReplayHistories(context.Background(), wfs, worker.History{Name: workflows, Events: h})[0].Err
}

func TestReplayFinishedHistories(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	for _, wf := range []struct {
		name string
		args []any
	}{{"hello", []any{"replay"}}, {"all", nil}, {"race", nil}, {"deterministic", nil}, {"activityError", nil}, {"goStruct", nil}} {
		h := history(t, tq, wf.name, wf.args...)
		if err := replay(t, basic, h); err != nil {
			t.Errorf("replay %s: %v", wf.name, err)
		}
	}
}

func TestReplayDetectsChangedWorkflow(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	h := history(t, tq, "hello", "replay")
	err := replay(t, "testdata/basic_changed.ts", h)
	if err == nil || !strings.Contains(err.Error(), "nondeterministic") {
		t.Fatalf("want a non-determinism error, got %v", err)
	}
}
