package conformance

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// run is the driver of a case that starts workflowType and waits for it.
func run(workflowType string, args ...any) func(d *driver) {
	return func(d *driver) {
		d.start(workflowType, args...)
		d.result()
	}
}

// taskFails is the driver of a case whose workflow fails a workflow task.
func taskFails(workflowType string, args ...any) func(d *driver) {
	return func(d *driver) {
		d.start(workflowType, args...)
		d.taskFailure()
	}
}

// startIdle starts workflowType and waits until its first workflow task
// completed, so that what the driver sends next comes after it in history.
func (d *driver) startIdle(workflowType string, args ...any) {
	d.start(workflowType, args...)
	d.waitFor(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
}

// waitFor waits until the main workflow's history has an event of type t.
func (d *driver) waitFor(t enumspb.EventType) {
	if d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool { return e.GetEventType() == t }) == nil {
		d.obs.add("wait "+t.String(), "not within the wait")
	}
}

func TestActivitiesAndTimers(t *testing.T) {
	runCases(t, []tcase{
		{"sleepAndActivities", run("sleepAndActivities")},
		{"activityFailureCaught", run("activityFailureCaught")},
		{"activityRetries", run("activityRetries")},
		{"activityTimeout", run("activityTimeout")},
		{"localActivities", run("localActivities")},
		{"localRetryThreshold", run("localRetryThreshold")},
		{"timersAndDates", run("timersAndDates")},
	})
}

func TestFailures(t *testing.T) {
	runCases(t, []tcase{
		{"throwError", taskFails("throwError")},
		{"throwNonError", taskFails("throwNonError")},
		{"throwTypeError", taskFails("throwTypeError")},
		{"appFailureThrown", run("appFailureThrown")},
		{"appFailureRetryable", run("appFailureRetryable")},
		{"activityFailureRethrown", run("activityFailureRethrown")},
		{"unhandledRejection", taskFails("unhandledRejection")},
		{"weakRefs", run("weakRefs")},
		{"patchedOutside", func(d *driver) {
			d.startIdle("patchedOutside")
			d.query("patchInQuery")
			d.signal("finish")
			d.result()
		}},
		{"signalMissingExternal", run("signalMissingExternal")},
		{"malformedArgs", func(d *driver) {
			bad := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte("{not json")}
			d.start("takesArg", converter.NewRawValue(bad))
			d.taskFailure()
		}},
		{"childJSErrorCause", func(d *driver) {
			// A Go SDK parent runs the JS child on the runtime's queue.
			d.id = d.ID("wf")
			ctx, cancel := ctxWait()
			defer cancel()
			r, err := d.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: d.id, TaskQueue: goParentQueue,
				WorkflowExecutionTimeout: time.Minute}, "GoParent", "failWithJSCause", d.ID("child"), d.rt.queue)
			if err != nil {
				d.obs.add("start", describeError(err))
				return
			}
			d.runID = r.GetRunID()
			d.result()
			d.histories(d.ID("child"), "")
		}},
		{"terminatedWorkflow", func(d *driver) {
			d.start("childWaits")
			d.waitFor(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
			d.terminate("")
			d.result()
		}},
	})
}

func TestCancellation(t *testing.T) {
	cancelAfter := func(wf string, ev enumspb.EventType) func(d *driver) {
		return func(d *driver) {
			d.start(wf)
			d.waitFor(ev)
			d.cancel()
			d.result()
		}
	}
	runCases(t, []tcase{
		{"cancelCaught", cancelAfter("cancelCaught", enumspb.EVENT_TYPE_TIMER_STARTED)},
		{"cancelUncaught", cancelAfter("cancelUncaught", enumspb.EVENT_TYPE_TIMER_STARTED)},
		{"cancelNonCancellable", cancelAfter("cancelNonCancellable", enumspb.EVENT_TYPE_TIMER_STARTED)},
		{"rethrowActivityCancelled", run("rethrowActivityCancelled")},
		{"rethrowCancelledCause", run("rethrowCancelledCause")},
		{"cancelBeforeScheduled", run("cancelBeforeScheduled")},
		{"withTimeoutActivity", run("withTimeoutActivity")},
		{"cancelTimerScope", run("cancelTimerScope")},
	})
}

func TestMessages(t *testing.T) {
	runCases(t, []tcase{
		{"messagesBasic", func(d *driver) {
			d.startIdle("messagesBasic")
			d.signal("add", 1)
			d.query("total")
			d.update("u1", "addAndGet", 2)
			d.update("u2", "addAndGet", -1)
			d.query("total")
			d.signal("finish")
			d.result()
		}},
		{"conditionRecheck", func(d *driver) {
			// Both signals reach the workflow in one activation: they
			// are sent while the first task runs its local activity.
			d.start("conditionRecheck")
			d.waitTaskStarted(0)
			d.signal("inc")
			d.signal("inc")
			d.result()
		}},
		{"signalUpdateSameTask", func(d *driver) {
			d.start("signalUpdateSameTask")
			d.waitTaskStarted(0)
			d.signal("sig", "a")
			d.update("u1", "upd", "b")
			d.result()
		}},
		{"asyncValidator", func(d *driver) {
			d.startIdle("asyncValidator")
			d.update("u1", "upd", "x")
			d.update("u2", "syncRejects", "y")
			d.signal("finish")
			d.result()
		}},
		{"conditionTimeout", func(d *driver) {
			d.start("conditionTimeout")
			d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
				return e.GetTimerStartedEventAttributes().GetStartToFireTimeout().AsDuration() == 10*time.Second
			})
			d.signal("go")
			d.result()
		}},
		{"setHandlerUndefined", func(d *driver) {
			d.startIdle("setHandlerUndefined")
			d.signal("sig", "s")
			d.query("q")
			d.signal("phase")
			d.result()
		}},
		{"unknownMessages", func(d *driver) {
			d.startIdle("unknownMessages")
			d.query("total")
			d.query("nope")
			d.update("u1", "nope", 1)
			d.signal("nope", 1)
			d.signal("finish")
			d.result()
		}},
		{"defaultSignalHandler", func(d *driver) {
			d.startIdle("defaultSignalHandler")
			d.signal("a", 1)
			d.signal("b", "two")
			d.signal("finish")
			d.result()
		}},
		{"updateInfo", func(d *driver) {
			d.startIdle("updateInfo")
			d.update("the-update-id", "info")
			d.signal("finish")
			d.result()
		}},
		{"trigger", func(d *driver) {
			d.startIdle("triggerWorkflow")
			d.signal("sig", "pulled")
			d.result()
		}},
	})
}

func TestChildren(t *testing.T) {
	runCases(t, []tcase{
		{"childrenBasic", run("childrenBasic")},
		{"childTerminated", func(d *driver) {
			d.start("childTerminated")
			d.waitFor(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
			d.terminate("term-" + d.id)
			d.result()
		}},
		{"childCancelledByScope", run("childCancelledByScope")},
		{"externalHandles", run("externalHandles")},
		{"infoParent", run("infoParent")},
	})
}

func TestMisc(t *testing.T) {
	runCases(t, []tcase{
		{"continueAsNewMemo", run("continueAsNewMemo", 0)},
		{"continueAsNewPlain", run("continueAsNewPlain", 0)},
		{"searchAttributesAndMemo", func(d *driver) {
			d.startWith(client.StartWorkflowOptions{
				Memo: map[string]any{"start": "memo"},
				TypedSearchAttributes: temporal.NewSearchAttributes(
					temporal.NewSearchAttributeKeyKeyword("CustomKeywordField").ValueSet("k"),
					temporal.NewSearchAttributeKeyInt64("CustomIntField").ValueSet(7)),
			}, "searchAttributesAndMemo")
			d.result()
		}},
		{"typedSearchAttributes", run("typedSearchAttributes")},
		{"patches", run("patches")},
		{"infoFields", run("infoFields")},
		{"scheduleActivities", run("scheduleActivities")},
		{"sandboxGlobals", run("sandboxGlobals")},
		{"sandboxIntl", run("sandboxIntl")},
		{"sandboxAssert", run("sandboxAssert")},
		{"sandboxCrypto", run("sandboxCrypto")},
	})
}
