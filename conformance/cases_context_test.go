package conformance

import (
	"context"
	"math"
	"slices"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/tsworker/tsworker/internal/wfrandom"
)

// TestContext compares AsyncLocalStorage, the random streams, metricMeter
// and event groups (testdata/context.ts).
func TestContext(t *testing.T) {
	runCases(t, []tcase{
		{"alsPropagation", run("alsPropagation")},
		{"alsHandlers", func(d *driver) {
			d.startIdle("alsHandlers")
			d.signal("sig")
			// The update comes after the signal handler has finished.
			d.waitAfter(enumspb.EVENT_TYPE_TIMER_FIRED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
			d.update("u1", "upd")
			d.query("q")
			d.signal("done")
			d.result()
		}},
		{"randomStreams", checkRandomStreams},
	})
}

// waitAfter waits until the main workflow's history has an event of type
// then after one of type first.
func (d *driver) waitAfter(first, then enumspb.EventType) {
	var seen int64
	if d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		if seen == 0 && e.GetEventType() == first {
			seen = e.GetEventId()
		}
		return seen > 0 && e.GetEventId() > seen && e.GetEventType() == then
	}) == nil {
		d.obs.add("wait "+then.String(), "not within the wait")
	}
}

// checkRandomStreams runs randomStreams and records, for each value it
// drew, whether it is the value the TypeScript SDK's algorithm gives for the
// run's original run ID (wfrandom): the runs' IDs differ, so their values
// do, too. The history (which holds the values) is left out.
func checkRandomStreams(d *driver) {
	d.start("randomStreams")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var got map[string]any
	if err := d.c.GetWorkflow(ctx, d.id, d.runID).Get(ctx, &got); err != nil {
		d.obs.add("client error", describeError(err))
		return
	}
	runID, _ := got["runId"].(string) // a fresh run: its original run ID
	seed := wfrandom.RunSeed(runID)
	main := wfrandom.NewAlea(seed)
	streams := map[string]*wfrandom.Alea{}
	stream := func(name string) *wfrandom.Alea {
		if streams[name] == nil {
			streams[name] = wfrandom.NewAlea(wfrandom.StreamSeed(seed, name))
		}
		return streams[name]
	}
	want := map[string]any{}
	want["math"] = []any{main.Next(), main.Next()}
	want["a"] = []any{stream("a").Next(), stream("a").Next()}
	want["aAgain"] = stream("a").Next()
	want["b"] = stream("b").Next()
	want["uuid"] = wfrandom.UUID4(main.Next)
	want["workflowRandom"] = main.Next()
	want["withA"] = []any{stream("a").Next(), wfrandom.UUID4(stream("a").Next)}
	inner := main.Next()
	want["withAsync"] = []any{stream("c").Next(), inner}
	want["afterWith"] = main.Next()
	want["streamUuid"] = wfrandom.UUID4(stream("d").Next)
	var fill []any
	for range 4 {
		fill = append(fill, math.Floor(stream("e").Next()*0x100))
	}
	want["fill"] = fill
	matches := map[string]any{}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		matches[k] = show(got[k]) == show(want[k])
	}
	d.obs.add("drawn as the TypeScript SDK draws", matches)
	d.obs.add("shape", got["shape"])
}
