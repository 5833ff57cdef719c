package conformance

import (
	"fmt"
	"strings"
)

// An acceptedDifference is a difference between tsworker and the TypeScript
// SDK that the Go SDK core, which tsworker runs on, makes unavoidable. The
// suite masks the field in both runtimes' observations before comparing.
type acceptedDifference struct {
	// Case is the case's name, or "*" for every case.
	Case string
	// Path is a path.Match pattern of the field: the step's name, then
	// map keys and list indexes, separated by "/".
	Path string
	// What is the difference, Reason why the Go SDK core forces it.
	What, Reason string
}

// accepted lists every accepted difference. README.md shows it (the test
// TestREADMETable keeps the two equal).
var accepted = []acceptedDifference{
	{
		Case: "*", Path: "history */*/markerName",
		What:   "local activity and patch markers are named LocalActivity and Version (TypeScript SDK: core_local_activity, core_patch)",
		Reason: "the Go SDK's command state machines write these markers with their own names and read them back on replay; a worker on the Go SDK cannot choose them",
	},
	{
		Case: "patches", Path: "history */*/searchAttributes/TemporalChangeVersion",
		What:   "patches upsert TemporalChangeVersion as [\"<patch>-1\", ...], newest first (TypeScript SDK: [\"<patch>\", ...] in call order)",
		Reason: "the Go SDK's version state machine (GetVersion, which patched() runs on) writes this search attribute itself",
	},
	{
		Case: "localActivities", Path: "history */*/failure/*",
		What:   "the failure recorded for a failed local activity attempt has source GoSDK and no stack (TypeScript SDK: TypeScriptSDK and the JS stack)",
		Reason: "local activities run in the worker's own process, so each side's are written in its language (Go functions for tsworker, JS for the TypeScript SDK); the failure comes from the activity, not from the workflow runtime",
	},
	{
		Case: "localActivities", Path: "history */*/result/0/data/1/threw/failure",
		What:   "the raw failure (err.failure) of a failed local activity carries the activity's stack and source",
		Reason: "as above: the local activity is a Go function on one side and a JS function on the other",
	},
	{
		Case: "localActivities", Path: "history */*/result/0/data/1/threw/stack",
		What:   "the stack of the failure of a local activity (err.stack) is empty (TypeScript SDK: the JS activity's stack)",
		Reason: "as above: the local activity is a Go function on one side and a JS function on the other",
	},
	{
		Case: "unknownMessages", Path: "query nope",
		What:   "a query no handler was ever set for fails with the Go SDK's message \"unknown queryType nope. KnownQueryTypes=[__stack_trace __open_sessions __temporal_workflow_metadata total]\" (TypeScript SDK: \"Workflow did not register a handler for nope. Registered queries: [__stack_trace __enhanced_stack_trace __temporal_workflow_metadata total]\"); once a handler was set for a name, tsworker answers with the TypeScript SDK's message",
		Reason: "the Go SDK dispatches queries by name to the handlers registered with it and answers an unknown name itself, before any interceptor or handler of the worker sees the query; it has no dynamic query handler",
	},
	{
		Case: "unknownMessages", Path: "update u1",
		What:   "an update no handler was ever set for is rejected with the Go SDK's \"unknown update nope. KnownUpdates=[addAndGet]\", retryable, no type (TypeScript SDK: \"No registered handler for update: nope\", type Error, non-retryable); once a handler was set for a name, tsworker rejects with the TypeScript SDK's failure",
		Reason: "the Go SDK looks the update's name up among the handlers registered with it and rejects an unknown one itself, before the worker's ValidateUpdate interceptor runs; it has no dynamic update handler",
	},
	{
		Case: "signalUpdateCommands", Path: "history 0/[45]",
		What:   "a signal and an update in one workflow task: the update is accepted before the commands of the signal's handler (TypeScript SDK: after them; the handlers still run signal first, as the update's result shows)",
		Reason: "the Go SDK runs an update's validator and acceptance in the update's own coroutine, ahead of the run's main coroutine and with the whole workflow read-only, so the signal handler can only run (and issue commands) after the acceptance",
	},
	{
		Case: "validatorAfterSignal", Path: "update u1",
		What:   "an update validator does not see what a signal of the same workflow task changed (here it rejects the update, TypeScript SDK accepts it); the update handler does see it",
		Reason: "as for signalUpdateCommands: the Go SDK validates the update read-only before the main coroutine runs, where a signal handler, which may schedule work, cannot run",
	},
	{
		Case: "validatorAfterSignal", Path: "history 0",
		What:   "the history that follows from the rejected update (as above)",
		Reason: "as above",
	},
	{
		Case: "localRetryThreshold", Path: "history */*/failure/*",
		What:   "as for localActivities: the failure of a local activity attempt",
		Reason: "as for localActivities: the local activity is a Go function on one side and a JS function on the other",
	},
	{
		Case: "localRetryThreshold", Path: "history 0",
		What:   "a local activity whose retry backoff (300ms) is above its localRetryThreshold (100ms) is retried within the workflow task, with no marker or timer per attempt (TypeScript SDK: a marker with the failed attempt and a durable 300ms timer before each retry)",
		Reason: "the Go SDK runs local activities and their retries: it retries within the workflow task while the backoff is at most the workflow task timeout, and only above that records the attempt and waits on a durable timer; that threshold cannot be set per local activity, and the engine cannot retry on its own, because the Go SDK starts every local activity it is asked for at attempt 1 (the activity would not see its attempt number)",
	},
	{
		Case: "interceptedLocalRetries", Path: "history 0",
		What:   "a local activity retried after a backoff above its localRetryThreshold goes through the scheduleLocalActivity interceptors once, at attempt 1, and its backoffs through no startTimer interceptor (TypeScript SDK: each retry is a sleep through the startTimer interceptors and then a new call of the scheduleLocalActivity interceptors, with a new seq and the attempt number); retries within the threshold go through them once on both",
		Reason: "as for localRetryThreshold: the Go SDK retries the local activity itself (ExecuteLocalActivity returns once, after the last attempt), so the engine has no retry to pass through the interceptors, and it cannot retry on its own, because the Go SDK starts every local activity it is asked for at attempt 1",
	},
	{
		Case: "nexusCancelAbandon", Path: "history */*/result/0/data/res/threw/failure/nexusOperationExecutionFailureInfo",
		What:   "the NexusOperationFailure of a Nexus operation cancelled under ABANDON, TRY_CANCEL or WAIT_CANCELLATION_REQUESTED has no scheduled event ID: err.scheduledEventId is 0 and err.failure's nexusOperationExecutionFailureInfo has none (TypeScript SDK: the ID of the operation's NexusOperationScheduled event); the info's other fields compare as err's endpoint, service, operation and operationToken",
		Reason: "under these cancellation types the Go SDK resolves the operation with a bare cancellation error, without a failure from history, and it tells workflow code nothing else of the operation than its token (NexusOperationExecution), so the engine, which makes the TypeScript SDK's failure itself, cannot know the event's ID",
	},
	{
		Case: "nexusCancelTry", Path: "history */*/result/0/data/res/threw/failure/nexusOperationExecutionFailureInfo",
		What:   "as for nexusCancelAbandon: no scheduled event ID in the failure of a cancelled Nexus operation",
		Reason: "as for nexusCancelAbandon",
	},
	{
		Case: "nexusCancelWaitRequested", Path: "history */*/result/0/data/res/threw/failure/nexusOperationExecutionFailureInfo",
		What:   "as for nexusCancelAbandon: no scheduled event ID in the failure of a cancelled Nexus operation",
		Reason: "as for nexusCancelAbandon",
	},
	{
		Case: "nexusCancelRequestFails", Path: "history */*/result/0/data/res/threw/failure/nexusOperationExecutionFailureInfo",
		What:   "as for nexusCancelAbandon: no scheduled event ID in the failure of a Nexus operation whose cancel request failed under WAIT_CANCELLATION_REQUESTED",
		Reason: "as for nexusCancelAbandon: the Go SDK resolves the operation with the cancel request's failure alone",
	},
	{
		Case: "childCancel_TRY_CANCEL", Path: "history */*/result/0/data/1/rejected/failure/childWorkflowExecutionFailureInfo",
		What:   "the ChildWorkflowFailure a child's result rejects with when its scope is cancelled under TRY_CANCEL or ABANDON has no event IDs: err.failure's childWorkflowExecutionFailureInfo has no initiatedEventId and startedEventId (TypeScript SDK: the IDs of the child's StartChildWorkflowExecutionInitiated and ChildWorkflowExecutionStarted events); the info's other fields compare as err's namespace, workflowId, workflowType and retryState, and the result rejects when the TypeScript SDK's does",
		Reason: "the Go SDK settles a child's future only when the child closes, whatever its WaitForCancellation, and tells workflow code nothing of a running child but its workflow and run IDs (GetChildWorkflowExecution), so the engine, which makes the failure itself at cancellation, cannot know the events' IDs",
	},
	{
		Case: "childCancel_ABANDON", Path: "history */*/result/0/data/1/rejected/failure/childWorkflowExecutionFailureInfo",
		What:   "as for childCancel_TRY_CANCEL: no event IDs in the failure of a child abandoned by its cancelled scope",
		Reason: "as for childCancel_TRY_CANCEL",
	},
	{
		Case: "activationJobs", Path: "history */*/result/0/data/activations/*/jobs",
		What:   "the activation an internals interceptor's activate gets has no jobs (activation.jobs is [], TypeScript SDK: the activation's jobs, such as initializeWorkflow, fireTimer, resolveActivity, signalWorkflow, doUpdate); its other fields and batchIndex are the TypeScript SDK's",
		Reason: "the Go SDK applies each workflow task's history events to its own state machines and resolves the workflow's futures and handlers itself (internal workflowExecutionEventHandlerImpl.ProcessEvent, one event at a time), so the worker never sees a list of jobs; rebuilding one from the callbacks would not give the TypeScript SDK's grouping, sequence numbers or contents, and jobs an interceptor changed or dropped could not change what the Go SDK does",
	},
	{
		Case: "activationJobs", Path: "history */*/result/0/data/activations/*/commands",
		What:   "concludeActivation interceptors get commands: [] and what they return is ignored (TypeScript SDK: the activation's commands, such as startTimer, scheduleActivity, completeWorkflowExecution, which they may change)",
		Reason: "the Go SDK makes each command in its command state machines at the call (ExecuteActivity, NewTimer, ...) and sends them itself when the workflow task completes (internal commandsHelper.getCommands); it exposes no list of them to read or change",
	},
	{
		Case: "eventGroupMarkers", Path: "event group markers",
		What:   "history events carry no event group markers (TypeScript SDK: the markers of createEventGroup(...).withScope and of the eventGroups option on activity and timer events, and implicit markers naming the signal or update on events of the commands a signal or update handler makes, in every workflow); createEventGroup, withScope and the eventGroups option work and the rest of the history is the same",
		Reason: "the Go SDK (1.50) builds its commands without the event_group_markers field of the Command message and has no option, interceptor or hook through which a worker could set it",
	},
	{
		Case: "builtinMetadata", Path: "*query __temporal_workflow_metadata/result",
		What:   "the answer to __temporal_workflow_metadata (workflowMetadataQuery) is a json/protobuf payload (messageType temporal.api.sdk.v1.WorkflowMetadata; TypeScript SDK: json/plain) of the same JSON fields, whose lists of handlers are each sorted by name, with the built-in queries __open_sessions, __stack_trace and __temporal_workflow_metadata and the Go SDK's descriptions (TypeScript SDK: __stack_trace, __enhanced_stack_trace and __temporal_workflow_metadata with its descriptions, then the workflow's handlers in the order they were first set); the workflow's own handlers with the descriptions they were last set with, the workflow type and currentDetails are the same (step \"metadata handlers\"). A signal handler set again keeps its first description and an unset handler stays listed (TypeScript SDK: the last description; not listed)",
		Reason: "the Go SDK answers this query itself, before any interceptor or handler of the worker sees it, from what is registered with it (getWorkflowMetadata in its internal_workflow.go): it adds its own built-in queries, sorts each list by name, keeps the first description of a signal channel, has no way to unregister a query or signal handler, and encodes the protobuf message with its default data converter; the worker's data converter receives the payload already made and cannot tell a JS run's answer from a Go workflow's of the same client",
	},
	{
		Case: "builtinEnhancedStackTrace", Path: "plain query __enhanced_stack_trace",
		What:   "a client made without tsworker's options gets the Go SDK's failure \"unknown queryType __enhanced_stack_trace. KnownQueryTypes=[...]\" for __enhanced_stack_trace (enhancedStackTraceQuery); tsworker's client (client.Dial, client.SDKOptions: client.EnhancedStackTraceInterceptor) gets the TypeScript SDK's answer, built from the run's __stack_trace",
		Reason: "the Go SDK core of the worker answers a query name no handler is registered with it for itself, before any interceptor of the worker (internal_workflow.go), and refuses to register a query handler whose name starts with \"__\" (workflow.SetQueryHandler: \"queryType starts with '__' is reserved for internal use\"), so only the asking client can make the answer",
	},
}

// pending lists, by case, the differences measured that are tsworker bugs
// still to fix. A pending case's differences are logged and do not fail the
// test; a pending case that matches fails, so that it leaves this list.
var pending = map[string]string{}

// acceptedFor returns the path patterns accepted for case name.
func acceptedFor(name string) []string {
	var out []string
	for _, a := range accepted {
		if a.Case == "*" || a.Case == name {
			out = append(out, a.Path)
		}
	}
	return out
}

// acceptedMarkdown renders accepted as the Markdown table of README.md.
func acceptedMarkdown() string {
	var b strings.Builder
	b.WriteString("| case | field | difference | why the Go SDK core forces it |\n")
	b.WriteString("| --- | --- | --- | --- |\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, a := range accepted {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", cell(a.Case), cell(a.Path), cell(a.What), cell(a.Reason))
	}
	if len(accepted) == 0 {
		b.WriteString("| (none) | | | |\n")
	}
	return b.String()
}
