package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"

	enumspb "go.temporal.io/api/enums/v1"
)

// Workflow interceptors (testdata/plugins/interceptors.ts and
// subscriptions.ts, workflow interceptor modules of the plugins workers,
// acting on the workflows of testdata/plugins/intercepted.ts).
func TestInterceptors(t *testing.T) {
	runPluginCases(t, []tcase{
		// Inbound interceptors change the workflow's, a signal's and an
		// update's arguments and a query's answer, and reject an update;
		// outbound ones change an activity's arguments and send headers to
		// it and to a child, whose execute interceptor reads its header;
		// getLogAttributes adds to the logger sink's attributes.
		{"interceptedCalls", func(d *driver) {
			d.start("icptCalls", "wf")
			d.waitFor(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED)
			d.update("u1", "add", "one")
			d.update("u2", "add", "forbidden")
			d.update("u3", "add", "invalid")
			d.query("seen", "q")
			d.signal("greet", "bob")
			d.result()
			d.sinkCalls(1)
		}},
		// signalWorkflow for a child's and an external workflow's handle.
		{"interceptedSignals", func(d *driver) {
			d.start("icptSignals")
			d.result()
		}},
		// continueAsNew changes the next run's arguments and headers.
		{"interceptedContinueAsNew", func(d *driver) {
			d.start("icptContinue", "first", "x")
			d.result()
		}},
		// startNexusOperation for a Nexus client's operations.
		{"interceptedNexus", func(d *driver) {
			d.start("icptNexus")
			d.result()
		}},
		// Activities answered by the interceptors without next use up
		// their seq: the activity IDs after them skip it.
		{"interceptedSeqs", func(d *driver) {
			d.start("icptSeqs")
			d.result()
		}},
		// The order of the modules' top levels (the payload converter's,
		// the interceptor modules', the workflows') and of the interceptor
		// factories' calls.
		{"moduleOrder", func(d *driver) {
			d.start("icptOrder")
			d.result()
		}},
		// An interceptors factory that throws fails the workflow task.
		{"interceptorsFactoryThrows", func(d *driver) {
			d.start("icptFactoryThrows")
			d.firstTaskFailure()
		}},
		// The jobs and commands activate and concludeActivation see.
		{"activationJobs", func(d *driver) {
			d.start("icptJobs")
			d.result()
		}},
		// The timers startTimer sees: sleep's, condition's timeout and
		// setTimeout's, numbered alike.
		{"interceptedTimers", func(d *driver) {
			d.start("icptTimers")
			d.result()
		}},
		// A workflow failure through execute.
		{"interceptedFailure", func(d *driver) {
			d.start("icptFails", "fail")
			d.result()
		}},
		// activate and concludeActivation, once per activation.
		{"interceptedActivations", func(d *driver) {
			d.start("icptActivations")
			d.result()
		}},
		// The official query-subscriptions sample's idea: immer drafts made
		// and finished by activate and concludeActivation, their patches
		// published by an activity, the workflow held by execute until all
		// are.
		// (The activity's completions race the timers: the versions and
		// patches published are compared, not the history. No query: the
		// TypeScript SDK fails a query's activation when the interceptors
		// have just asked for a command.)
		{"querySubscriptions", func(d *driver) {
			d.start("icptSubCounter", 0, 3)
			d.outcome()
			d.obs.add("published", published.of(d.id))
		}},
	})
}

// publish is the activity of testdata/plugins/subscriptions.ts: it takes a
// version and the patches of an immer draft, and records them in published.
func publish(ctx context.Context, version int, patches json.RawMessage) error {
	published.add(activity.GetInfo(ctx).WorkflowExecution.ID, fmt.Sprintf("%d %s", version, patches))
	return nil
}

// published records the calls of publish, by workflow ID.
var published = &publishLog{calls: map[string][]string{}}

type publishLog struct {
	mu    sync.Mutex
	calls map[string][]string
}

func (l *publishLog) add(id, call string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls[id] = append(l.calls[id], call)
}

func (l *publishLog) of(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls[id]...)
}

// outcome waits for the main workflow's result and records it (or the
// client's error), without its history.
func (d *driver) outcome() {
	var v any
	if d.resultInto(&v) {
		d.obs.add("result", v)
	}
}
