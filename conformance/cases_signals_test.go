package conformance

import "testing"

// TestSignals compares signals sent from workflows, with 0..n arguments,
// through external and child handles (testdata/signals.ts).
func TestSignals(t *testing.T) {
	runCases(t, []tcase{
		{"signalArgsExternal", signalArgs("signalArgsExternal")},
		{"signalArgsChild", signalArgs("signalArgsChild")},
	})
}

// signalArgs runs a workflow that signals its child, then records the
// inputs of the signals as the parent sent them and the child's history,
// whose signal events show what the server received.
func signalArgs(workflowType string) func(d *driver) {
	return func(d *driver) {
		d.start(workflowType)
		d.result()
		var sent []any
		for _, e := range d.events(d.id, d.runID) {
			if a := e.GetSignalExternalWorkflowExecutionInitiatedEventAttributes(); a != nil {
				sent = append(sent, map[string]any{"signalName": a.GetSignalName(), "input": payloadsValue(a.GetInput())})
			}
		}
		d.obs.add("sent", sent)
		d.obs.add("receiver history", normalizeHistory(d.events("recv-"+d.id, "")))
	}
}
