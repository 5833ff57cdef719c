package bench

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/worker"
)

// ReplayActivities is how many activities the replay benchmark's
// manyActivities run calls: 160 give a history of 965 events (four to
// start, six per activity, one to complete).
const ReplayActivities = 160

// RecordHistory runs manyActivities of impl with n activities on an
// in-process worker on a fresh task queue of the server c talks to, and
// returns the run's history. workflows is the JS workflows file.
func RecordHistory(ctx context.Context, c client.Client, impl Impl, workflows string, n int) (*historypb.History, error) {
	tq := taskQueue(ManyActivities, impl) + "-record"
	w, err := NewWorker(c, tq, impl, workflows)
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("bench: record %s history: start worker: %w", impl, err)
	}
	defer w.Stop()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq, ID: tq}, ManyActivities, "replay", n)
	if err != nil {
		return nil, fmt.Errorf("bench: record %s history: %w", impl, err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil {
		return nil, fmt.Errorf("bench: record %s history: %w", impl, err)
	}
	if want := greeting(fmt.Sprintf("replay %d", n-1)); out != want {
		return nil, fmt.Errorf("bench: record %s history: result %q, want %q", impl, out, want)
	}
	h := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("bench: record %s history: %w", impl, err)
		}
		h.Events = append(h.Events, e)
	}
	return h, nil
}

// Replayer replays manyActivities histories of one implementation, as a worker does after a restart or a cache eviction.
type Replayer struct {
	impl Impl
	wfs  *worker.Workflows // for JS
}

// NewReplayer returns a replayer of impl's workflows; workflows is the JS
// workflows file, bundled once here.
func NewReplayer(impl Impl, workflows string) (*Replayer, error) {
	switch impl {
	case Go:
		return &Replayer{impl: impl}, nil
	case JS:
		wfs, err := worker.Load(workflows)
		if err != nil {
			return nil, fmt.Errorf("bench: load %s: %w", workflows, err)
		}
		return &Replayer{impl: impl, wfs: wfs}, nil
	default:
		return nil, fmt.Errorf("bench: unknown implementation %q; use %q or %q", impl, Go, JS)
	}
}

// Replay replays h once with a new Go SDK replayer (tsworker's
// ReplayHistories makes one per history too) and returns an error when the
// code does not reproduce it.
func (r *Replayer) Replay(ctx context.Context, h *historypb.History) error {
	if r.impl == JS {
		res := worker.ReplayHistories(ctx, r.wfs, worker.History{Name: "js", Events: h})
		if err := res[0].Err; err != nil {
			return fmt.Errorf("bench: replay js: %w", err)
		}
		return nil
	}
	rp := sdkworker.NewWorkflowReplayer()
	rp.RegisterWorkflowWithOptions(GoManyActivities, workflow.RegisterOptions{Name: ManyActivities})
	if err := rp.ReplayWorkflowHistory(quietLogger{}, h); err != nil {
		return fmt.Errorf("bench: replay go: %w", err)
	}
	return nil
}
