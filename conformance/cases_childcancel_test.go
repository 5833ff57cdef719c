package conformance

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// TestChildCancellationTypes compares when a parent learns that a child it
// cancelled is cancelled, under each ChildWorkflowCancellationType: the
// parent's and the child's histories show where the parent's next command
// (a timer) falls among the cancellation's events.
func TestChildCancellationTypes(t *testing.T) {
	var cases []tcase
	for _, ct := range []string{"TRY_CANCEL", "WAIT_CANCELLATION_REQUESTED", "WAIT_CANCELLATION_COMPLETED", "ABANDON"} {
		cases = append(cases, tcase{"childCancel_" + ct, func(d *driver) {
			d.start("childCancelTypes", ct)
			d.result()
			if d.waitEvent("cancelled-"+d.id, func(e *historypb.HistoryEvent) bool { return closed(e.GetEventType()) }) == nil {
				d.obs.add("child", "not closed within the wait")
			}
			d.obs.add("child history", normalizeHistory(d.events("cancelled-"+d.id, "")))
		}})
	}
	runCases(t, cases)
}

// closed reports whether t closes a workflow execution.
func closed(t enumspb.EventType) bool {
	switch t {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
		return true
	}
	return false
}
