package worker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	tsclient "github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/worker"
)

// stackTrace asks the built-in __stack_trace query until its answer holds
// every want (the first workflow task may not have run yet).
func stackTrace(t *testing.T, c client.Client, id string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var s string
	for {
		v, err := c.QueryWorkflow(context.Background(), id, "", "__stack_trace")
		if err == nil {
			if err := v.Get(&s); err != nil {
				t.Fatalf("__stack_trace: decode: %v", err)
			}
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("__stack_trace never held %q; last answer (err %v):\n%s", want, err, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The answer holds the JS stacks of what the workflow waits on. A worker on
// a client made with tsworker's client options answers with them alone, as
// the TypeScript SDK does (no Go coroutines, no build paths), through a
// payload codec too; one on a plain Go SDK client adds the Go stacks.
func TestStackTraceQueryShowsJSStacks(t *testing.T) {
	t.Parallel()
	codec := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(),
		converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}))
	tests := []struct {
		name   string
		dc     converter.DataConverter // the client's and the workflows'
		plain  bool                    // a Go SDK client, without tsworker's options
		onlyJS bool
	}{
		{name: "Go SDK client", plain: true},
		{name: "tsworker client", onlyJS: true},
		{name: "tsworker client with a codec", dc: codec, onlyJS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := testClient
			if !tt.plain {
				var err error
				c, err = tsclient.Dial(context.Background(), tsclient.Options{HostPort: serverAddr, Logger: quietLogger{},
					SDK: client.Options{DataConverter: tt.dc}})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
			}
			testStackTrace(t, c, tt.dc, tt.onlyJS)
		})
	}
}

func testStackTrace(t *testing.T, c client.Client, dc converter.DataConverter, onlyJS bool) {
	blocked := make(chan struct{})
	unblock := make(chan struct{})
	block := func(ctx context.Context) (string, error) {
		close(blocked)
		select {
		case <-unblock:
			return "done", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(c, tq, worker.Options{Workflows: "testdata/stacktrace.ts", DataConverter: dc})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivityWithOptions(block, activity.RegisterOptions{Name: "block"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "waiting")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.TerminateWorkflow(ctx, run.GetID(), "", "test over") }()
	checkOnlyJS := func(s string) {
		t.Helper()
		if !onlyJS {
			return
		}
		for _, l := range strings.Split(s, "\n") {
			if l != "" && !strings.HasPrefix(l, "    at ") {
				t.Errorf("the answer has a line that is no JS frame: %q\nanswer:\n%s", l, s)
				return
			}
		}
	}

	// Waiting on a timer (started in nap) and a condition: one stack each,
	// source-mapped to the .ts file, the API function on top.
	s := stackTrace(t, c, run.GetID(),
		"at sleep (@temporalio/workflow)\n    at nap (testdata/stacktrace.ts:9:",
		"at condition (@temporalio/workflow)\n    at waiting (testdata/stacktrace.ts:18:")
	if strings.Contains(s, "at block") {
		t.Errorf("no activity started yet, but the stack trace shows one:\n%s", s)
	}
	checkOnlyJS(s)
	if dc != nil {
		// The codec encoded the answer: a client without it cannot read it.
		v, err := testClient.QueryWorkflow(ctx, run.GetID(), "", "__stack_trace")
		if err != nil {
			t.Fatal(err)
		}
		var raw string
		if err := v.Get(&raw); err == nil {
			t.Errorf("a client without the codec reads the answer: %q", raw)
		}
	}

	// Once released, the condition is gone and the activity is waited on.
	if err := c.SignalWorkflow(ctx, run.GetID(), "", "release", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-time.After(15 * time.Second):
		t.Fatal("the block activity did not start")
	}
	s = stackTrace(t, c, run.GetID(), "at waiting (testdata/stacktrace.ts:19:", "at nap (testdata/stacktrace.ts:9:")
	if strings.Contains(s, "at condition") {
		t.Errorf("the condition is settled, but the stack trace still shows it:\n%s", s)
	}
	checkOnlyJS(s)
	close(unblock)
}
