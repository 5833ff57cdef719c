package conformance

import (
	"crypto/sha1"
	"encoding/hex"
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
		{"metricMeterApi", run("metricMeterApi")},
		{"eventGroupIds", checkEventGroupIds},
		{"eventGroupMarkers", func(d *driver) {
			d.start("eventGroupMarkers")
			// The signal and the update come once the main function
			// waits, each in a workflow task of its own.
			d.waitCount(enumspb.EVENT_TYPE_TIMER_FIRED, 2)
			d.signal("sig")
			d.waitCount(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 4)
			d.update("u1", "upd")
			d.result()
			d.eventGroupMarkers()
		}},
	})
}

// waitCount waits until the main workflow's history has n events of type t
// and a workflow task completed after the last of them.
func (d *driver) waitCount(t enumspb.EventType, n int) {
	var seen int
	if d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		if e.GetEventId() == 1 { // waitEvent reads the history again
			seen = 0
		}
		if e.GetEventType() == t {
			seen++
		}
		return seen >= n && e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
	}) == nil {
		d.obs.add("wait "+t.String(), "not within the wait")
	}
}

// eventGroupMarkers records the event group markers of the main workflow's
// history, by event (its type and its position among the events of the
// normalized history).
func (d *driver) eventGroupMarkers() {
	out := []any{}
	for _, e := range d.events(d.id, d.runID) {
		if len(e.GetEventGroupMarkers()) == 0 {
			continue
		}
		var ms []any
		for _, m := range e.GetEventGroupMarkers() {
			switch {
			case m.GetLabel() != nil:
				ms = append(ms, map[string]any{"id": m.GetLabel().GetId(), "label": payloadValue(m.GetLabel().GetLabel())})
			case m.GetInboundEvent() != nil:
				ms = append(ms, map[string]any{"inboundEventId": m.GetInboundEvent().GetInboundEventId()})
			case m.GetInboundUpdate() != nil:
				ms = append(ms, map[string]any{"inboundUpdateId": m.GetInboundUpdate().GetInboundUpdateId()})
			}
		}
		out = append(out, map[string]any{"event": e.GetEventType().String(), "markers": ms})
	}
	d.obs.add("event group markers", out)
}

// checkEventGroupIds runs eventGroupIds and records its result, with the
// derived marker ID replaced by whether it is the TypeScript SDK's (the
// SHA-1 of the run ID and the label): the runs' IDs differ.
func checkEventGroupIds(d *driver) {
	d.start("eventGroupIds")
	var got map[string]any
	if !d.resultInto(&got) {
		return
	}
	runID, _ := got["runId"].(string) // a fresh run: its original run ID
	sum := sha1.Sum([]byte(runID + "other label"))
	got["derivedId"] = got["derivedId"] == hex.EncodeToString(sum[:])
	delete(got, "runId")
	d.obs.add("result", got)
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
	var got map[string]any
	if !d.resultInto(&got) {
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
	d.obs.add("originalExecutionRunId is the run's", got["originalIsRun"])
}
