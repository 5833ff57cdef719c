// Command run runs the nexus example end to end: it starts an embedded
// Temporal server with the endpoint "shipping", one worker that runs the
// JS workflows of ../workflows.ts and serves the Go Nexus handlers of
// ../handlers.go, and then the workflows checkout and checkoutCancelled,
// printing their results.
//
// Run it from the root of the repository:
//
//	go run ./examples-js/nexus/run
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/examples-js/nexus"
	"github.com/tsworker/tsworker/worker"
)

const taskQueue = "shipping"

func main() {
	workflows := flag.String("workflows", "examples-js/nexus/workflows.ts", "the example's workflows `FILE`")
	flag.Parse()
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *workflows); err != nil {
		log.Print(err)
		cancel()
		os.Exit(1)
	}
}

func run(ctx context.Context, workflows string) error {
	if _, err := os.Stat(workflows); err != nil {
		return fmt.Errorf("%w; run the example from the root of the repository, or pass -workflows", err)
	}
	// The endpoint routes the workflows' calls to the task queue of the
	// worker below (on a cluster: temporal operator nexus endpoint create).
	srv, err := devserver.Start(ctx, devserver.Options{
		NexusEndpoints: []devserver.NexusEndpoint{{Name: nexus.Endpoint, TaskQueue: taskQueue}},
	})
	if err != nil {
		return err
	}
	defer srv.Stop()
	// The Go SDK logs warnings and errors only, to stderr.
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	c, err := client.Dial(ctx, client.Options{HostPort: srv.FrontendHostPort(), Logger: logger})
	if err != nil {
		return err
	}
	defer c.Close()

	// One worker runs the JS workflows and serves the Nexus service with
	// the Go workflow behind its "ship" operation; handlers could as well
	// run in any other Go worker of the endpoint's task queue.
	w, err := worker.New(c, taskQueue, worker.Options{Workflows: workflows})
	if err != nil {
		return err
	}
	svc, err := nexus.Service()
	if err != nil {
		return err
	}
	w.RegisterNexusService(svc)
	w.GoWorker().RegisterWorkflow(nexus.Ship)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	parcel := nexus.Parcel{OrderID: "order-1", WeightGram: 1200}
	for _, wf := range []string{"checkout", "checkoutCancelled"} {
		run, err := c.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{TaskQueue: taskQueue}, wf, parcel)
		if err != nil {
			return fmt.Errorf("start %s: %w", wf, err)
		}
		var out any
		if err := run.Get(ctx, &out); err != nil {
			return fmt.Errorf("%s: %w", wf, err)
		}
		b, _ := json.Marshal(out)
		fmt.Printf("%s: %s\n", wf, b)
	}
	return nil
}
