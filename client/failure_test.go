package client_test

import (
	"errors"
	"log/slog"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"github.com/tsworker/tsworker/client"
)

// jsError stands for the engine's error of a workflow task failed by JS
// code: it carries the failure to write.
type jsError struct{ f *failurepb.Failure }

func (e *jsError) Error() string               { return e.f.GetMessage() }
func (e *jsError) Failure() *failurepb.Failure { return proto.Clone(e.f).(*failurepb.Failure) }

// panicErrorOf returns the error the Go SDK hands the failure converter for
// a workflow that panics with v: the replayer returns it.
func panicErrorOf(t *testing.T, v any) error {
	t.Helper()
	r := sdkworker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(func(workflow.Context) error { panic(v) }, workflow.RegisterOptions{Name: "panics"})
	h := &historypb.History{Events: []*historypb.HistoryEvent{
		{EventId: 1, EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
			Attributes: &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
				WorkflowType: &commonpb.WorkflowType{Name: "panics"}, TaskQueue: &taskqueuepb.TaskQueue{Name: "q"}}}},
		{EventId: 2, EventType: enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
			Attributes: &historypb.HistoryEvent_WorkflowTaskScheduledEventAttributes{WorkflowTaskScheduledEventAttributes: &historypb.WorkflowTaskScheduledEventAttributes{
				TaskQueue: &taskqueuepb.TaskQueue{Name: "q"}}}},
		{EventId: 3, EventType: enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
			Attributes: &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{WorkflowTaskStartedEventAttributes: &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: 2}}},
		{EventId: 4, EventType: enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
			Attributes: &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{WorkflowTaskCompletedEventAttributes: &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: 2, StartedEventId: 3}}},
		{EventId: 5, EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
			Attributes: &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{WorkflowExecutionCompletedEventAttributes: &historypb.WorkflowExecutionCompletedEventAttributes{WorkflowTaskCompletedEventId: 4}}},
	}}
	// The replayer runs the workflow's first task and returns its panic.
	err := r.ReplayWorkflowHistory(log.NewStructuredLogger(slog.New(slog.DiscardHandler)), h)
	if err == nil {
		t.Fatal("the replay of a panicking workflow succeeded")
	}
	return err
}

func TestFailureConverterJSTaskFailure(t *testing.T) {
	want := &failurepb.Failure{Message: "x", StackTrace: "Error: x\n    at wf (workflows.ts:3:9)", Source: "TypeScriptSDK",
		Cause: &failurepb.Failure{Message: "y", Source: "TypeScriptSDK"}}
	err := panicErrorOf(t, &jsError{want})
	for name, fc := range map[string]converter.FailureConverter{
		"default":  nil,
		"encoding": temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{EncodeCommonAttributes: true}),
	} {
		t.Run(name, func(t *testing.T) {
			got := client.FailureConverter(fc).ErrorToFailure(err)
			if !proto.Equal(got, want) {
				t.Errorf("failure of a JS task failure:\n got %v\nwant %v", got, want)
			}
			ctxFC := converter.WithFailureConverterSerializationContext(client.FailureConverter(fc), converter.WorkflowSerializationContext{WorkflowID: "w"})
			if got := ctxFC.ErrorToFailure(err); !proto.Equal(got, want) {
				t.Errorf("with a serialization context:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestFailureConverterOtherErrors(t *testing.T) {
	// A Go panic and a Go error are the wrapped converter's business.
	for name, err := range map[string]error{
		"go panic": panicErrorOf(t, errors.New("go")),
		"error":    temporal.NewApplicationError("app", "T"),
	} {
		t.Run(name, func(t *testing.T) {
			got := client.FailureConverter(nil).ErrorToFailure(err)
			want := temporal.GetDefaultFailureConverter().ErrorToFailure(err)
			if !proto.Equal(got, want) {
				t.Errorf("got %v\nwant the default converter's %v", got, want)
			}
			if got.GetSource() != "GoSDK" {
				t.Errorf("source %q, want GoSDK", got.GetSource())
			}
		})
	}
}

func TestSDKOptionsFailureConverter(t *testing.T) {
	custom := temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{EncodeCommonAttributes: true})
	for name, o := range map[string]client.Options{"none": {}, "custom": {SDK: sdkclient.Options{FailureConverter: custom}}} {
		t.Run(name, func(t *testing.T) {
			so, err := o.SDKOptions()
			if err != nil {
				t.Fatal(err)
			}
			f := so.FailureConverter.ErrorToFailure(panicErrorOf(t, &jsError{&failurepb.Failure{Message: "x", Source: "TypeScriptSDK"}}))
			if f.GetSource() != "TypeScriptSDK" || f.GetApplicationFailureInfo() != nil {
				t.Errorf("SDKOptions' failure converter wrote %v, want the JS failure", f)
			}
			// Other errors go to the configured converter.
			g := so.FailureConverter.ErrorToFailure(errors.New("plain"))
			if encoded := g.GetEncodedAttributes() != nil; encoded != (name == "custom") {
				t.Errorf("a Go error's failure %v: encoded %v, want %v", g, encoded, name == "custom")
			}
		})
	}
}
