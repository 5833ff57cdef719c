package conformance

import (
	"context"
	"fmt"
	"slices"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/tsworker/tsworker/internal/wfrandom"
)

// TestReset compares the randomness of a run made by a workflow reset
// (testdata/reset.ts): which seed (the first run's or the reset's new run's)
// each value comes from, and at which position of its sequence.
func TestReset(t *testing.T) {
	runCases(t, []tcase{
		// Reset to the first workflow task: the new run runs the whole
		// workflow again, every value drawn after the reset point.
		{"resetRandomFirstTask", func(d *driver) {
			d.start("resetRandom")
			first := d.runID
			d.resetTo(1)
			d.signal("step")
			d.waitAfter(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
			d.signal("step")
			d.randomOrigins(first)
		}},
		// Reset to the task that handled the first signal: the start is
		// replayed, the signal (kept in the new run's history) is handled
		// again after the reset point.
		{"resetRandomAfterSignal", func(d *driver) {
			d.start("resetRandom")
			first := d.runID
			d.waitCount(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 1)
			d.signal("step")
			d.waitAfter(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
			d.resetTo(2)
			d.signal("step")
			d.randomOrigins(first)
		}},
	})
}

// resetTo resets the main workflow's current run to its n-th workflow task
// completed event, waits until the new run has completed a workflow task and
// makes the new run the main one.
func (d *driver) resetTo(n int) {
	d.waitCount(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, n)
	var at int64
	seen := 0
	for _, e := range d.events(d.id, d.runID) {
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			if seen++; seen == n {
				at = e.GetEventId()
				break
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	resp, err := d.c.ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
		Namespace:                 "default",
		WorkflowExecution:         &commonpb.WorkflowExecution{WorkflowId: d.id, RunId: d.runID},
		Reason:                    "conformance resets it",
		WorkflowTaskFinishEventId: at,
		RequestId:                 fmt.Sprintf("reset %s %s %d", d.id, d.runID, n),
	})
	if err != nil {
		d.obs.add(fmt.Sprintf("reset to workflow task %d", n), describeError(err))
		return
	}
	d.runID = resp.GetRunId()
	// The reset fails the task at the reset point; the new run's next task
	// runs what follows.
	d.waitAfter(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
}

// randomOrigins waits for resetRandom's result and records, for each value
// it drew, the seed and position it was drawn at: "first" for the seed of
// the first run's ID (the original execution run ID), "reset" for the
// reset's new run's, then the sequence ("main" for Math.random, uuid4 and
// workflowRandom, or the stream's name) and the index of the draw. The values
// themselves differ with the runs' IDs.
func (d *driver) randomOrigins(first string) {
	var got map[string]any
	if !d.resultInto(&got) {
		return
	}
	type sequence struct {
		name string
		vals []float64
	}
	var seqs []sequence
	for _, s := range []struct{ name, runID string }{{"first", first}, {"reset", d.runID}} {
		seed := wfrandom.RunSeed(s.runID)
		for _, stream := range []string{"main", "r", "top"} {
			a := wfrandom.NewAlea(seed)
			if stream != "main" {
				a = wfrandom.NewAlea(wfrandom.StreamSeed(seed, stream))
			}
			vals := make([]float64, 40)
			for i := range vals {
				vals[i] = a.Next()
			}
			seqs = append(seqs, sequence{s.name + " " + stream, vals})
		}
	}
	origin := func(v any) any {
		for _, s := range seqs {
			for i, x := range s.vals {
				switch v := v.(type) {
				case float64:
					if v == x {
						return fmt.Sprintf("%s #%d", s.name, i)
					}
				case string:
					if i+4 <= len(s.vals) && v == wfrandom.UUID4(seqNext(s.vals[i:i+4])) {
						return fmt.Sprintf("%s #%d-%d", s.name, i, i+3)
					}
				}
			}
		}
		return fmt.Sprintf("unknown (%v)", v)
	}
	var origins func(v any) any
	origins = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, x := range v {
				out[k] = origins(x)
			}
			return out
		case []any:
			out := []any{}
			for _, x := range v {
				out = append(out, origins(x))
			}
			return out
		}
		return origin(v)
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch k {
		case "runId":
			d.obs.add("runId is the new run's", got[k] == d.runID)
		case "originalExecutionRunId":
			d.obs.add("originalExecutionRunId is the first run's", got[k] == first)
		default:
			d.obs.add(k, origins(got[k]))
		}
	}
}

// seqNext returns a function giving vals one after the other.
func seqNext(vals []float64) func() float64 {
	return func() float64 {
		v := vals[0]
		vals = vals[1:]
		return v
	}
}
