package codectest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/codec"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

// marker is the secret every payload of the tests carries. It must never
// reach the server in plain text.
const marker = "PLAINTEXT-MARKER-5ecre7"

var (
	testClient sdkclient.Client
	dc         converter.DataConverter
	wire       = &wireScanner{}
	taskQueue  = "codec"
)

func TestMain(m *testing.M) {
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0) // every task replays from history
	}
	ctx := context.Background()
	srv, err := devserver.Start(ctx, devserver.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	aes, err := codec.NewAESGCM(bytes.Repeat([]byte{0x42}, 32), "test-key")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dc = converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), aes)
	testClient, err = client.Dial(ctx, client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}, SDK: sdkclient.Options{
		DataConverter:    dc,
		FailureConverter: codec.FailureConverter(dc),
		ConnectionOptions: sdkclient.ConnectionOptions{
			DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(wire.intercept)},
		},
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w, err := worker.New(testClient, taskQueue, worker.Options{Workflows: "testdata/workflows.ts", DataConverter: dc})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.RegisterActivity(shout)
	w.RegisterActivity(refuse)
	w.RegisterActivity(execution)
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	w.Stop()
	testClient.Close()
	srv.Stop()
	os.Exit(code)
}

func shout(_ context.Context, s string) (string, error) { return s + "!", nil }

func refuse(_ context.Context, s string) error {
	return temporal.NewNonRetryableApplicationError("refused "+s, "Refusal", nil, map[string]string{"secret": s})
}

// execution returns a protobuf message: the data converter makes it a
// json/protobuf payload.
func execution(_ context.Context, id string) (*commonpb.WorkflowExecution, error) {
	return &commonpb.WorkflowExecution{WorkflowId: id, RunId: "run-1"}, nil
}

// wireScanner looks for the marker in every request and response between
// the client (and the worker, which shares its connection) and the server.
type wireScanner struct {
	mu    sync.Mutex
	calls int
	leaks []string
}

func (s *wireScanner) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	for side, m := range map[string]any{"request": req, "response": reply} {
		if pm, ok := m.(proto.Message); ok {
			if b, _ := proto.Marshal(pm); bytes.Contains(b, []byte(marker)) {
				s.leaks = append(s.leaks, method+" "+side)
			}
		}
	}
	return err
}

func (s *wireScanner) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == 0 {
		t.Fatal("no gRPC call seen")
	}
	if len(s.leaks) > 0 {
		t.Fatalf("plain text sent or received in %v", s.leaks)
	}
}

// scanHistory checks every payload of every event of a run: each is
// encrypted, and the marker appears nowhere.
func scanHistory(t *testing.T, workflowID, runID string) (events int) {
	t.Helper()
	ctx := context.Background()
	it := testClient.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	payloads := 0
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		checkMessage(t, e.GetEventType().String(), e, &payloads)
	}
	if payloads == 0 {
		t.Fatal("no payload in the history")
	}
	desc, err := testClient.DescribeWorkflowExecution(ctx, workflowID, runID)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, "DescribeWorkflowExecution", desc, &payloads)
	t.Logf("%d events, %d payloads, all encrypted", events, payloads)
	return events
}

func checkMessage(t *testing.T, where string, m proto.Message, payloads *int) {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(marker)) {
		t.Errorf("%s: plain text marker found", where)
	}
	walkPayloads(m.ProtoReflect(), where, func(path string, p *commonpb.Payload) {
		if strings.Contains(path, ".search_attributes.") {
			return // indexed by the server, so never encoded (the server adds BuildIds)
		}
		*payloads++
		if enc := string(p.GetMetadata()["encoding"]); enc != "binary/encrypted" {
			t.Errorf("%s: payload with encoding %q is not encrypted", path, enc)
		}
	})
}

// walkPayloads calls visit for every Payload inside m.
func walkPayloads(m protoreflect.Message, path string, visit func(string, *commonpb.Payload)) {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		visit(path, p)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := path + "." + string(fd.Name())
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
					walkPayloads(mv.Message(), name+"["+k.String()+"]", visit)
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				for i := 0; i < v.List().Len(); i++ {
					walkPayloads(v.List().Get(i).Message(), fmt.Sprintf("%s[%d]", name, i), visit)
				}
			}
		case fd.Message() != nil:
			walkPayloads(v.Message(), name, visit)
		}
		return true
	})
}

func TestEveryPayloadEncrypted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
		ID: "vault-" + t.Name(), TaskQueue: taskQueue, Memo: map[string]any{"origin": "origin " + marker},
	}, "vault", map[string]string{"secret": marker}, &commonpb.WorkflowExecution{WorkflowId: "arg-" + marker, RunId: "r"})
	if err != nil {
		t.Fatal(err)
	}

	v, err := testClient.QueryWorkflow(ctx, run.GetID(), "", "peek", "q")
	if err != nil {
		t.Fatal(err)
	}
	var peeked string
	if err := v.Get(&peeked); err != nil || peeked != "q:"+marker {
		t.Fatalf("query: %q, %v", peeked, err)
	}
	h, err := testClient.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
		WorkflowID: run.GetID(), UpdateName: "change", Args: []any{marker}, WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatal(err)
	}
	var updated string
	if err := h.Get(ctx, &updated); err != nil || updated != "updated:"+marker {
		t.Fatalf("update: %q, %v", updated, err)
	}
	if err := testClient.SignalWorkflow(ctx, run.GetID(), "", "reveal", marker); err != nil {
		t.Fatal(err)
	}

	var got map[string]any
	if err := run.Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	mustJSON(t, fmt.Sprintf(`{
		"shouted": %[1]q, "signalled": %[2]q, "updated": %[2]q,
		"failure": {"message": %[3]q, "type": "Refusal", "details": [{"secret": %[2]q}]},
		"fromGo": {"workflowId": %[2]q, "runId": "run-1"}, "fromGoIsPlain": true,
		"argExec": {"workflowId": %[4]q, "runId": "r"},
		"memo": %[5]q
	}`, marker+"!", marker, "refused "+marker, "arg-"+marker, "origin "+marker), &want)
	for k := range want {
		if k == "failure" || k == "memo" {
			continue // below
		}
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s: the workflow saw %#v, want %#v", k, got[k], want[k])
		}
	}
	t.Run("activity failure and memo as the workflow saw them", func(t *testing.T) {
		for _, k := range []string{"failure", "memo"} {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s: the workflow saw %#v, want %#v", k, got[k], want[k])
			}
		}
	})

	scanHistory(t, run.GetID(), run.GetRunID())
	desc, err := testClient.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	memo := desc.GetWorkflowExecutionInfo().GetMemo().GetFields()
	for k, want := range map[string]string{"origin": "origin " + marker, "note": "memo " + marker} {
		var s string
		if err := dc.FromPayload(memo[k], &s); err != nil || s != want {
			t.Errorf("memo %s: %q, %v; want %q", k, s, err, want)
		}
	}
	wire.check(t)
}

func TestWorkflowFailureEncrypted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: "failing-" + t.Name(), TaskQueue: taskQueue}, "failing", marker)
	if err != nil {
		t.Fatal(err)
	}
	err = run.Get(ctx, nil)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		t.Fatalf("want an ApplicationError, got %v", err)
	}
	var details struct{ Secret string }
	if app.Message() != "no "+marker || app.Type() != "Refused" {
		t.Errorf("failure: %q (type %q)", app.Message(), app.Type())
	}
	if err := app.Details(&details); err != nil || details.Secret != marker {
		t.Errorf("details: %+v, %v", details, err)
	}
	scanHistory(t, run.GetID(), run.GetRunID())
	wire.check(t)
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
