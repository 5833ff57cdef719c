package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	continueasnew "github.com/tsworker/tsworker/examples-js/continue-as-new"
	"github.com/tsworker/tsworker/examples-js/messages"
	"github.com/tsworker/tsworker/examples-js/tracing"
	"github.com/tsworker/tsworker/worker"
)

// tracedWorker starts a worker for a workflows file whose runs are traced
// by the Go SDK's OpenTelemetry interceptor, recording spans in memory. It
// returns a client that traces too, for starting and messaging workflows.
// With onClient, the interceptor is on the worker's client, as most programs
// set it; otherwise the worker's client has none and the interceptor is in
// the worker's options.
func tracedWorker(t *testing.T, onClient bool, workflows string, activities map[string]any) (client.Client, *worker.Worker, string, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	ti, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{Tracer: tp.Tracer("temporal-sdk-go")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClientFromExisting(testClient, client.Options{
		Logger:       quietLogger{},
		Interceptors: []interceptor.ClientInterceptor{ti},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	workerClient, wo := c, sdkworker.Options{}
	if !onClient {
		workerClient, wo.Interceptors = testClient, []interceptor.WorkerInterceptor{ti}
	}
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(workerClient, tq, worker.Options{Workflows: workflows, Worker: wo})
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range activities {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c, w, tq, rec
}

// spanIndex finds recorded spans by name.
type spanIndex struct {
	t     *testing.T
	spans []sdktrace.ReadOnlySpan
}

// all returns the spans named name.
func (x spanIndex) all(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range x.spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// one returns the span named name, failing the test unless there is
// exactly one.
func (x spanIndex) one(name string) sdktrace.ReadOnlySpan {
	x.t.Helper()
	got := x.all(name)
	if len(got) != 1 {
		x.t.Fatalf("%d spans named %s, want 1; spans: %s", len(got), name, x)
	}
	return got[0]
}

// childOf checks that span's parent is one of parents.
func (x spanIndex) childOf(span sdktrace.ReadOnlySpan, parents ...sdktrace.ReadOnlySpan) {
	x.t.Helper()
	for _, p := range parents {
		if span.Parent().SpanID() == p.SpanContext().SpanID() {
			return
		}
	}
	x.t.Errorf("span %s has parent %s, want %s; spans: %s", span.Name(), x.name(span.Parent().SpanID()), parents[0].Name(), x)
}

func (x spanIndex) name(id trace.SpanID) string {
	for _, s := range x.spans {
		if s.SpanContext().SpanID() == id {
			return s.Name()
		}
	}
	return "none (" + id.String() + ")"
}

func (x spanIndex) String() string {
	var b strings.Builder
	for _, s := range x.spans {
		fmt.Fprintf(&b, "\n  %s %s parent %s", s.Name(), s.SpanContext().SpanID(), x.name(s.Parent().SpanID()))
	}
	return b.String()
}

// TestTracing runs the tracing example with the Go SDK's OpenTelemetry
// interceptor: one trace goes from the client through the JS parent and
// child workflows to every Go activity, local activity included, with each
// span under the one that caused it.
func TestTracing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		onClient bool
	}{{"interceptor on the client", true}, {"interceptor in the worker options", false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, w, tq, rec := tracedWorker(t, tc.onClient, "tracing/workflows.ts", tracing.Activities)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			id := fmt.Sprintf("order-%d", queueSeq.Add(1))
			order := tracing.Order{OrderID: id, AmountCents: 4250, Address: "12 Harbour Street, Lisbon"}
			run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, "placeOrder", order)
			if err != nil {
				t.Fatal(err)
			}
			var receipt string
			if err := run.Get(ctx, &receipt); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("order %s: charged $42.50 (payment pay-%s), shipping to 12 Harbour Street, Lisbon (tracking TRK-%s)", id, id, strings.ToUpper(id))
			if receipt != want {
				t.Fatalf("result %q, want %q", receipt, want)
			}
			// Stopping the worker evicts cached runs, which ends their spans.
			w.Stop()

			x := spanIndex{t: t, spans: rec.Ended()}
			start := x.one("StartWorkflow:placeOrder")
			traceID := start.SpanContext().TraceID()
			if start.Parent().IsValid() {
				t.Errorf("StartWorkflow:placeOrder has a parent")
			}
			for _, s := range x.spans {
				if s.SpanContext().TraceID() != traceID {
					t.Errorf("span %s is in trace %s, want %s", s.Name(), s.SpanContext().TraceID(), traceID)
				}
			}

			// A workflow's RunWorkflow span covers its run in one worker's
			// cache: one with the sticky cache; without it, every workflow
			// task replays the run from history and makes another, each a
			// child of what started the workflow. The spans of commands
			// (StartActivity, ...) are made only when not replaying, once.
			parents := x.all("RunWorkflow:placeOrder")
			children := x.all("RunWorkflow:shipOrder")
			if len(parents) == 0 || len(children) == 0 {
				t.Fatalf("no RunWorkflow spans; spans: %s", x)
			}
			if os.Getenv("TSWORKER_TEST_NO_STICKY") == "" && (len(parents) != 1 || len(children) != 1) {
				t.Errorf("%d RunWorkflow:placeOrder and %d RunWorkflow:shipOrder spans with the sticky cache, want 1 each; spans: %s",
					len(parents), len(children), x)
			}
			t.Logf("%d RunWorkflow:placeOrder, %d RunWorkflow:shipOrder spans", len(parents), len(children))
			for _, p := range parents {
				x.childOf(p, start)
			}

			startCharge := x.one("StartActivity:chargeCard")
			x.childOf(startCharge, parents...)
			x.childOf(x.one("RunActivity:chargeCard"), startCharge)

			startChild := x.one("StartChildWorkflow:shipOrder")
			x.childOf(startChild, parents...)
			for _, ch := range children {
				x.childOf(ch, startChild)
			}
			startCourier := x.one("StartActivity:bookCourier")
			x.childOf(startCourier, children...)
			runCourier := x.one("RunActivity:bookCourier")
			x.childOf(runCourier, startCourier)
			// The activity's own span, from the span in its context.
			x.childOf(x.one("courier.book"), runCourier)

			// The local activity.
			startReceipt := x.one("StartActivity:formatReceipt")
			x.childOf(startReceipt, parents...)
			x.childOf(x.one("RunActivity:formatReceipt"), startReceipt)

			if n := len(parents) + len(children) + 9; len(x.spans) != n {
				t.Errorf("%d spans, want %d; spans: %s", len(x.spans), n, x)
			}
		})
	}
}

// TestTracingMessages: signals, queries and updates sent by a traced
// client are handled in spans of their own under the client's, whether the
// tracing interceptor is on the worker's client or in its options.
func TestTracingMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		onClient bool
	}{{"interceptor on the client", true}, {"interceptor in the worker options", false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, w, tq, rec := tracedWorker(t, tc.onClient, "messages/workflows.ts", messages.Activities)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "shoppingCart", "ada")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SignalWorkflow(ctx, run.GetID(), "", "addItem", messages.CartItem{SKU: "tea", Quantity: 2}); err != nil {
				t.Fatal(err)
			}
			// The query sees the signal: it has been handled.
			v, err := c.QueryWorkflow(ctx, run.GetID(), "", "getCart")
			if err != nil {
				t.Fatal(err)
			}
			var cart struct{ Items []messages.CartItem }
			if err := v.Get(&cart); err != nil || len(cart.Items) != 1 {
				t.Fatalf("cart %+v (%v), want the item added", cart, err)
			}
			h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: run.GetID(), UpdateName: "checkout", WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err != nil {
				t.Fatal(err)
			}
			var receipt messages.Receipt
			if err := h.Get(ctx, &receipt); err != nil {
				t.Fatal(err)
			}
			if err := run.Get(ctx, &receipt); err != nil {
				t.Fatal(err)
			}
			w.Stop()

			x := spanIndex{t: t, spans: rec.Ended()}
			for _, m := range []struct{ client, worker string }{
				{"SignalWorkflow:addItem", "HandleSignal:addItem"},
				{"QueryWorkflow:getCart", "HandleQuery:getCart"},
				{"UpdateWorkflow:checkout", "ValidateUpdate:checkout"},
				{"UpdateWorkflow:checkout", "HandleUpdate:checkout"},
			} {
				handled := x.all(m.worker)
				if len(handled) == 0 {
					t.Errorf("no %s span; spans: %s", m.worker, x)
					continue
				}
				sent := x.one(m.client)
				for _, s := range handled {
					x.childOf(s, sent)
				}
			}
			runs := x.all("RunWorkflow:shoppingCart")
			if len(runs) == 0 {
				t.Fatalf("no RunWorkflow span; spans: %s", x)
			}
			// JS update handlers run in the workflow's root cancellation
			// scope: what they start is under the run's span (a Go update
			// handler's would be under its HandleUpdate span).
			x.childOf(x.one("StartActivity:priceCart"), runs...)
		})
	}
}

// TestTracingContinueAsNew: a run that continues as new hands its span to
// the next run, so the whole chain is one trace.
func TestTracingContinueAsNew(t *testing.T) {
	t.Parallel()
	c, w, tq, rec := tracedWorker(t, true, "continue-as-new/workflows.ts", continueasnew.Activities)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Two pages a run: three runs (see TestContinueAsNew).
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "archiveOldOrders", map[string]int{"pagesPerRun": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	w.Stop()

	x := spanIndex{t: t, spans: rec.Ended()}
	start := x.one("StartWorkflow:archiveOldOrders")
	runs := x.all("RunWorkflow:archiveOldOrders")
	runIDs := map[string]bool{}
	for _, s := range runs {
		for _, a := range s.Attributes() {
			if a.Key == "temporalRunID" {
				runIDs[a.Value.AsString()] = true
			}
		}
		if s.SpanContext().TraceID() != start.SpanContext().TraceID() {
			t.Errorf("a run's span is in trace %s, want %s", s.SpanContext().TraceID(), start.SpanContext().TraceID())
		}
		x.childOf(s, append(runs, start)...)
	}
	if len(runIDs) != 3 {
		t.Errorf("RunWorkflow spans of %d runs, want 3; spans: %s", len(runIDs), x)
	}
}
