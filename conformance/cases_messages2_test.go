package conformance

import (
	"context"
	"testing"

	"go.temporal.io/sdk/client"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

func TestMessages2(t *testing.T) {
	runCases(t, []tcase{
		{"signalUpdateCommands", func(d *driver) {
			// The signal and the update reach the workflow in one task:
			// both are sent while the first task runs its local activity.
			d.start("signalUpdateCommands")
			d.waitTaskStarted(0)
			d.signal("note", "a")
			d.update("u1", "record", "b")
			d.result()
		}},
		{"validatorAfterSignal", func(d *driver) {
			d.start("validatorAfterSignal")
			d.waitTaskStarted(0)
			d.signal("note", "a")
			d.update("u1", "record", "b")
			d.result()
		}},
		{"clusterManager", func(d *driver) {
			// As the sample's client: start the cluster, assign jobs,
			// delete one, shut down. The signal and the first update reach
			// the workflow in one task.
			d.start("clusterManager")
			d.waitTaskStarted(0)
			d.signal("startCluster")
			d.update("assign-1", "allocateNodesToJob", map[string]any{"numNodes": 2, "jobName": "job-1"})
			d.update("assign-2", "allocateNodesToJob", map[string]any{"numNodes": 3, "jobName": "job-2"})
			d.update("assign-again", "allocateNodesToJob", map[string]any{"numNodes": 2, "jobName": "job-1"})
			d.query("getClusterStatus")
			d.update("delete-1", "deleteJob", map[string]any{"jobName": "job-1"})
			d.query("getClusterStatus")
			d.update("shutdown", "shutdownCluster")
			d.update("shutdown-again", "shutdownCluster")
			d.result()
		}},
		{"handlersFinished", func(d *driver) {
			d.startIdle("handlersFinished")
			d.signal("slow")
			// The update comes in a task after the signal's.
			var signaled int64
			d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
				if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
					signaled = e.GetEventId()
				}
				return signaled > 0 && e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
			})
			d.update("u1", "slowUpdate")
			d.signal("done")
			d.result()
		}},
		{"readOnlyHandlers", func(d *driver) {
			d.startIdle("readOnlyHandlers")
			d.query("peek")
			d.update("u1", "guarded", 2)
			d.update("u2", "guarded", -1)
			d.query("peek")
			d.signal("done")
			d.result()
		}},
		{"conditionEager", run("conditionEager")},
		// A signal handler that throws an Error fails the workflow task
		// with the error's message, synchronously or after a timer.
		{"signalHandlerBug", func(d *driver) {
			d.startIdle("handlerBugs")
			d.signal("boom")
			d.firstTaskFailure()
		}},
		{"asyncSignalHandlerBug", func(d *driver) {
			d.startIdle("handlerBugs")
			d.signal("asyncBoom")
			d.firstTaskFailure()
		}},
		// So does an update handler; the update is never accepted.
		{"updateHandlerBug", func(d *driver) {
			d.startIdle("handlerBugs")
			stop := d.updateInBackground("u1", "crash")
			defer stop()
			d.firstTaskFailure()
		}},
	})
}

// updateInBackground sends an update without waiting for it, for an update
// whose task fails: stop abandons the wait. Its outcome is not recorded.
func (d *driver) updateInBackground(id, name string, args ...any) (stop func()) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = d.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: d.id, UpdateID: id, UpdateName: name,
			Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
	}()
	return func() {
		cancel()
		<-done
	}
}
