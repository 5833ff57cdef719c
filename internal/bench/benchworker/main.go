// Command benchworker is the worker process of the benchmark in package
// bench: a lean binary holding only a worker, so that its RSS and CPU are
// those of a worker and not of the test binary with the embedded server
// linked in. The harness starts it with its config in the environment and
// talks to it over stdin/stdout.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tsworker/tsworker/internal/bench"
)

func main() {
	cfg, err := bench.WorkerConfigFromEnv()
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = bench.ServeWorker(ctx, cfg, os.Stdin, os.Stdout)
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
