package worker_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

const basic = "testdata/basic.ts"

func Greet(_ context.Context, name string) (string, error) { return "Hello, " + name + "!", nil }

func Echo(_ context.Context, v converter.RawValue) (converter.RawValue, error) { return v, nil }

func Fail(_ context.Context, msg, typ string) error { return temporal.NewApplicationError(msg, typ) }

type User struct {
	Name string
	Age  int
}

func MakeUser(_ context.Context, name string) (*User, error) { return &User{Name: name, Age: 36}, nil }

func Nothing(context.Context) error { return nil }

func basicActivities() []any { return []any{Greet, Echo, Fail, MakeUser, Nothing} }

func TestHelloActivityAndSleep(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	var out string
	mustExecute(t, tq, "hello", &out, "Temporal")
	if out != "Hello, Temporal!" {
		t.Fatalf("got %q", out)
	}
}

func TestArgumentsAndResults(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	var out json.RawMessage
	mustExecute(t, tq, "echoArgs", &out, 1, "two", map[string]any{"b": 1, "a": []int{2}}, nil, true)
	if got, want := string(out), `[1,"two",{"a":[2],"b":1},null,true]`; got != want {
		t.Fatalf("echoArgs: got %s want %s", got, want)
	}
	// Key order survives a round trip through a Go activity and JSON.
	in := json.RawMessage(`{"z":1,"a":{"y":[1,2.5,"x"],"b":null},"m":"é"}`)
	mustExecute(t, tq, "roundTrip", &out, in)
	if string(out) != string(in) {
		t.Fatalf("roundTrip: got %s want %s", out, in)
	}
	var b []byte
	mustExecute(t, tq, "bytes", &b, []byte{1, 2, 3})
	if !reflect.DeepEqual(b, []byte{2, 3, 4}) {
		t.Fatalf("bytes: got %v", b)
	}
	// No arguments at all: the parameter is undefined, returned as undefined,
	// which is binary/null: nil in Go.
	var none any = "sentinel"
	mustExecute(t, tq, "roundTrip", &none)
	if none != nil {
		t.Fatalf("roundTrip(): got %v, want nil", none)
	}
}

func TestGoStructIsPlainObject(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	var out json.RawMessage
	mustExecute(t, tq, "goStruct", &out)
	want := `{"keys":["Name","Age"],"user":{"Name":"ada","Age":36},"nothingIsUndefined":true}`
	if string(out) != want {
		t.Fatalf("got %s want %s", out, want)
	}
}

func TestActivityErrorIsActivityFailure(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	var out map[string]any
	mustExecute(t, tq, "activityError", &out)
	want := map[string]any{
		"cls": "ActivityFailure", "name": "ActivityFailure", "message": "Activity task failed",
		"activityType": "fail", "retryState": "MAXIMUM_ATTEMPTS_REACHED",
		"causeIsApp": true, "causeMessage": "boom", "causeType": "MyError", "nonRetryable": false,
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got  %v\nwant %v", out, want)
	}
}

func TestApplicationFailureFailsWorkflow(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic)
	err := execute(t, tq, "throwsApplicationFailure", nil)
	app := applicationError(t, err)
	if app.Message() != "bad input" || app.Type() != "ValidationError" || !app.NonRetryable() {
		t.Fatalf("got message %q type %q nonRetryable %v", app.Message(), app.Type(), app.NonRetryable())
	}
	var d map[string]string
	if err := app.Details(&d); err != nil || d["field"] != "x" {
		t.Fatalf("details: %v %v", d, err)
	}
}

func TestPromiseAllAndRace(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	var all []string
	mustExecute(t, tq, "all", &all)
	if !reflect.DeepEqual(all, []string{"Hello, a!", "Hello, b!", "c"}) {
		t.Fatalf("all: %v", all)
	}
	var race string
	mustExecute(t, tq, "race", &race)
	if race != "timer" {
		t.Fatalf("race: %v", race)
	}
}

func TestDeterministicGlobals(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic)
	var out map[string]any
	mustExecute(t, tq, "deterministic", &out)
	if out["elapsedAtLeast1s"] != true || out["type"] != "deterministic" || out["tq"] != tq {
		t.Fatalf("got %v", out)
	}
	if u, _ := out["u"].(string); len(u) != 36 || u[14] != '4' {
		t.Fatalf("uuid4: %q", u)
	}
}

func TestUnknownActivityFailsClearly(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	err := execute(t, tq, "unknownActivity", nil)
	app := applicationError(t, err)
	if app.Type() != "NotFoundError" || !strings.Contains(app.Error(), "Activity function noSuchActivity is not registered on this Worker") ||
		!strings.Contains(app.Error(), `"greet"`) {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownWorkflowTypeFailsTask(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic)
	msg := waitTaskFailure(t, tq, "noSuchWorkflow")
	if !strings.Contains(msg, "Failed to initialize workflow of type 'noSuchWorkflow': no such function is exported") || !strings.Contains(msg, "hello") {
		t.Fatalf("task failure: %s", msg)
	}
}

func TestNonTemporalErrorsFailTheTask(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic, basicActivities()...)
	for wf, want := range map[string]string{
		// The error's own message, as the TypeScript SDK writes it.
		"throwsPlainError": "oops, a bug",
		"throwsString":     "a string [A non-Error value was thrown from your code. We recommend throwing Error objects so that we can provide a stack trace]",
	} {
		msg := waitTaskFailure(t, tq, wf)
		if !strings.Contains(msg, want) {
			t.Fatalf("%s: task failure %q does not contain %q", wf, msg, want)
		}
	}
	// The worker is unharmed.
	var out string
	mustExecute(t, tq, "hello", &out, "still here")
	if out != "Hello, still here!" {
		t.Fatalf("got %q", out)
	}
}

func TestMalformedArguments(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, basic)
	// A payload whose JSON is broken.
	bad := converter.NewRawValue(jsonPayload(`{"a":`))
	// As in the TypeScript SDK, arguments that do not decode fail the
	// workflow task (JSON.parse throws), and the run waits for a fix.
	msg := waitTaskFailure(t, tq, "echoArgs", bad)
	if msg == "" {
		t.Fatal("empty task failure message")
	}
}

// waitTaskFailure starts wf and waits for its first failed workflow task,
// returning the failure message; the run must still be running.
func waitTaskFailure(t *testing.T, tq, wf string, args ...any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, wf, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = testClient.TerminateWorkflow(context.Background(), run.GetID(), "", "test done") }()
	for ctx.Err() == nil {
		if ev := findEvent(ctx, run.GetID(), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); ev != nil {
			desc, err := testClient.DescribeWorkflowExecution(ctx, run.GetID(), "")
			if err != nil {
				t.Fatal(err)
			}
			if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Fatalf("%s: status %v, want running", wf, st)
			}
			return ev.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: no workflow task failure", wf)
	return ""
}

func findEvent(ctx context.Context, id string, typ enumspb.EventType) *historypb.HistoryEvent {
	it := testClient.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil
		}
		if ev.GetEventType() == typ {
			return ev
		}
	}
	return nil
}

// findEventAfterSignal returns the message of a workflow task failure that
// follows a signal, if any.
func findEventAfterSignal(ctx context.Context, id string) string {
	it := testClient.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	signalled := false
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return ""
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			signalled = true
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			if signalled {
				return ev.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage()
			}
		}
	}
	return ""
}
