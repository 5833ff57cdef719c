package conformance

import (
	"testing"

	"go.temporal.io/sdk/client"
)

// account is an Account of testdata/plugins/workflows.ts in Extended JSON,
// as a Go client writes it.
var account = map[string]any{
	"id":        "acct-1",
	"createdAt": map[string]any{"$date": 1700000000123},
	"token":     map[string]any{"$binary": "AQID"},
	"balance":   map[string]any{"$type": "money", "$value": map[string]any{"amount": 10.25, "currency": "EUR"}},
	"limit":     map[string]any{"$InfNaN": 1},
	"pattern":   map[string]any{"$regexp": ".*Stormblessed", "$flags": ""},
}

func TestPlugins(t *testing.T) {
	runPluginCases(t, []tcase{
		{"sinkCalls", func(d *driver) {
			d.start("sinkCalls", "n1")
			d.result()
			// A query of the closed run replays it.
			d.query("status")
			d.sinkCalls(15)
		}},
		{"alertOnce", func(d *driver) {
			d.start("alertOnce")
			d.result()
			d.sinkCalls(2)
		}},
		{"lifecycleFail", func(d *driver) {
			d.start("lifecycleEnds", "fail")
			d.result()
			d.sinkCalls(2)
		}},
		{"lifecycleError", func(d *driver) {
			d.start("lifecycleEnds", "error")
			d.taskFailure()
			// Those of the first attempt: the driver terminates the run
			// when the first task failed, retried or not.
			d.firstSinkCalls(2)
		}},
		{"lifecycleCancel", func(d *driver) {
			d.start("lifecycleEnds", "cancel")
			d.result()
			d.sinkCalls(2)
		}},
		{"lifecycleContinue", func(d *driver) {
			d.start("lifecycleEnds", "continue")
			d.result()
			d.sinkCalls(4)
		}},
		{"sinkHandlers", func(d *driver) {
			d.startIdle("sinkHandlers")
			d.signal("note", "a")
			// The update comes in a task after the signal's: in one task,
			// the Go SDK runs the validator first (see validatorAfterSignal).
			d.waitSignalTask()
			d.update("u1", "record", "b")
			d.signal("finish")
			d.result()
			d.sinkCalls(8)
		}},
		{"ejsonArgs", run("ejsonArgs", account)},
		{"ejsonMemo", func(d *driver) {
			d.startWith(client.StartWorkflowOptions{Memo: map[string]any{
				"start": map[string]any{"$date": 5}, "plain": "text"}}, "ejsonMemo")
			d.result()
		}},
		{"ejsonUnencodable", taskFails("ejsonUnencodable")},
		{"ejsonUnknownType", taskFails("ejsonEcho", map[string]any{"$type": "nope", "$value": 1})},
		{"ejsonBadActivityArg", run("ejsonBadActivityArg")},
		{"ejsonBadSignal", func(d *driver) {
			d.startIdle("ejsonBadMessages")
			d.signal("note", map[string]any{"$type": "nope", "$value": 1})
			d.firstTaskFailure()
		}},
		{"ejsonMessages", func(d *driver) {
			d.startIdle("ejsonMessages")
			d.signal("addDate", map[string]any{"$date": 86400000})
			d.query("dates")
			d.update("u1", "addMoney", map[string]any{"$type": "money", "$value": map[string]any{"amount": 3, "currency": "EUR"}})
			d.update("u2", "addMoney", 4)
			d.query("dates")
			d.signal("finish")
			d.result()
		}},
		{"ejsonChild", func(d *driver) {
			d.start("ejsonChild")
			d.result()
			d.histories(d.ID("child-wf"), "")
		}},
		{"ejsonFailure", run("ejsonFailure")},
	})
}
