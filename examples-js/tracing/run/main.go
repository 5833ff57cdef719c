// Command run runs the tracing example end to end with OpenTelemetry
// tracing: it starts an embedded Temporal server, a client and a worker that
// both carry the Go SDK's OpenTelemetry interceptor, places an order with
// the placeOrder workflow of ../workflows.ts, and prints the result and
// then the trace: one trace from the client's start of the workflow through
// the JS workflows to every Go activity.
//
// Run it from the root of the repository:
//
//	go run ./examples-js/tracing/run
//
// Spans go to the OpenTelemetry stdout exporter, which prints each one as
// JSON; at the end the program draws the trace as a tree. -json=false leaves
// the JSON out.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/examples-js/tracing"
	"github.com/tsworker/tsworker/worker"
)

const taskQueue = "orders"

func main() {
	workflows := flag.String("workflows", "examples-js/tracing/workflows.ts", "the example's workflows `FILE`")
	printJSON := flag.Bool("json", true, "print every span as JSON, as the OpenTelemetry stdout exporter writes it")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *workflows, *printJSON); err != nil {
		log.Print(err)
		cancel()
		os.Exit(1)
	}
}

func run(ctx context.Context, workflows string, printJSON bool) error {
	if _, err := os.Stat(workflows); err != nil {
		return fmt.Errorf("%w; run the example from the root of the repository, or pass -workflows", err)
	}

	// 1. An OpenTelemetry tracer provider. The stdout exporter prints the
	// spans it is handed; the recorder keeps them to draw the tree at the
	// end. A real service would export to a collector over OTLP instead.
	out := io.Discard
	if printJSON {
		out = os.Stdout
	}
	exporter, err := stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint())
	if err != nil {
		return fmt.Errorf("stdout exporter: %w", err)
	}
	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithSpanProcessor(recorder),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "tracing-example"))),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()

	// 2. The Go SDK's tracing interceptor, on that provider. Given to the
	// client, it traces what the client does (starting the workflow) and,
	// as a worker interceptor too, everything the workers made with this
	// client run: the JS workflows, what they start, and the Go activities.
	tracingInterceptor, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer: tp.Tracer("temporal-sdk-go"),
	})
	if err != nil {
		return fmt.Errorf("tracing interceptor: %w", err)
	}

	// 3. An embedded Temporal server, in memory.
	srv, err := devserver.Start(ctx, devserver.Options{})
	if err != nil {
		return err
	}
	defer srv.Stop()

	// The Go SDK logs warnings and errors only, to stderr, so that stdout
	// holds the result and the spans.
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	c, err := client.Dial(ctx, client.Options{
		HostPort: srv.FrontendHostPort(),
		Logger:   logger,
		SDK:      sdkclient.Options{Interceptors: []interceptor.ClientInterceptor{tracingInterceptor}},
	})
	if err != nil {
		return err
	}
	defer c.Close()

	// 4. The worker. Made with the client above, it uses the client's
	// tracing interceptor; do not add it to Options.Worker.Interceptors as
	// well, or every span would be there twice. (A worker whose client has
	// no tracing interceptor takes it in Options.Worker.Interceptors.)
	w, err := worker.New(c, taskQueue, worker.Options{Workflows: workflows})
	if err != nil {
		return err
	}
	for name, fn := range tracing.Activities {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start the worker: %w", err)
	}
	defer w.Stop()

	// 5. Place an order. Starting the workflow begins the trace.
	order := tracing.Order{OrderID: "order-1001", AmountCents: 4250, Address: "12 Harbour Street, Lisbon"}
	wf, err := c.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: order.OrderID, TaskQueue: taskQueue}, "placeOrder", order)
	if err != nil {
		return fmt.Errorf("start placeOrder: %w", err)
	}
	var receipt string
	if err := wf.Get(ctx, &receipt); err != nil {
		return fmt.Errorf("placeOrder: %w", err)
	}

	// 6. Flush: the exporter prints the spans not printed yet.
	w.Stop()
	if err := tp.ForceFlush(ctx); err != nil {
		return fmt.Errorf("flush spans: %w", err)
	}
	fmt.Printf("\nresult: %s\n\n", receipt)
	printTree(os.Stdout, recorder.Ended())
	return nil
}

// printTree draws spans as one tree per trace, each span under its parent,
// siblings in the order they started, with its kind (client: a request to
// start something; server: the work itself), its duration and its id.
func printTree(w io.Writer, spans []sdktrace.ReadOnlySpan) {
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	children := map[trace.SpanID][]sdktrace.ReadOnlySpan{}
	var roots []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if _, ok := byID[s.Parent().SpanID()]; ok && s.Parent().IsValid() {
			children[s.Parent().SpanID()] = append(children[s.Parent().SpanID()], s)
		} else {
			roots = append(roots, s)
		}
	}
	byStart := func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) }
	slices.SortFunc(roots, byStart)
	var draw func(s sdktrace.ReadOnlySpan, prefix, branch string)
	draw = func(s sdktrace.ReadOnlySpan, prefix, branch string) {
		fmt.Fprintf(w, "%-50s %-6s %7.1f ms  span %s\n", prefix+branch+s.Name(), s.SpanKind(),
			float64(s.EndTime().Sub(s.StartTime()).Microseconds())/1000, s.SpanContext().SpanID())
		kids := children[s.SpanContext().SpanID()]
		slices.SortFunc(kids, byStart)
		switch branch {
		case "├─ ":
			prefix += "│  "
		case "└─ ":
			prefix += "   "
		}
		for i, k := range kids {
			if i == len(kids)-1 {
				draw(k, prefix, "└─ ")
			} else {
				draw(k, prefix, "├─ ")
			}
		}
	}
	for _, r := range roots {
		fmt.Fprintf(w, "trace %s\n", r.SpanContext().TraceID())
		draw(r, "", "")
	}
}
