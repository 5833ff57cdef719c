package worker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

// The integration tests share one embedded server per test binary.
var (
	testClient client.Client
	serverAddr string // the embedded server's frontend
	queueSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	// TSWORKER_TEST_NO_STICKY=1 runs the whole suite with the sticky cache
	// off, so every workflow task replays its run from history.
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	ctx := context.Background()
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: map[string]enumspb.IndexedValueType{
		"CustomKeywordField": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"CustomIntField":     enumspb.INDEXED_VALUE_TYPE_INT,
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testClient = c
	serverAddr = srv.FrontendHostPort()
	code := m.Run()
	c.Close()
	srv.Stop()
	os.Exit(code)
}

// startWorker starts a worker for the workflows file on a fresh task queue.
func startWorker(t *testing.T, workflows string, activities ...any) (*worker.Worker, string) {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: workflows})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	for _, a := range activities {
		w.RegisterActivity(a)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)
	return w, tq
}

// execute runs a workflow to completion and decodes its result into out.
func execute(t *testing.T, tq, workflow string, out any, args ...any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, workflow, args...)
	if err != nil {
		t.Fatalf("start %s: %v", workflow, err)
	}
	return run.Get(ctx, out)
}

// mustExecute is execute for workflows that must succeed.
func mustExecute(t *testing.T, tq, workflow string, out any, args ...any) {
	t.Helper()
	if err := execute(t, tq, workflow, out, args...); err != nil {
		t.Fatalf("%s failed: %v", workflow, err)
	}
}

// applicationError digs the ApplicationError out of a workflow's failure.
func applicationError(t *testing.T, err error) *temporal.ApplicationError {
	t.Helper()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		t.Fatalf("want an ApplicationError, got %v", err)
	}
	return app
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

func jsonPayload(s string) *commonpb.Payload {
	return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(s)}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
