// Command failoverworker is the worker program of the failover tests in
// package crashtest: the tsworker command line with the Ledger activities,
// writing to the file named by TSWORKER_CRASHTEST_LEDGER. When
// TSWORKER_CRASHTEST_CHILD is set, it exits when its stdin reaches its end,
// so a worker whose test process died does not outlive it; when
// TSWORKER_TEST_NO_STICKY is set, its sticky cache is off, as in the test
// process.
package main

import (
	"fmt"
	"io"
	"os"

	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/internal/crashtest"
)

func main() {
	if os.Getenv("TSWORKER_CRASHTEST_CHILD") != "" {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			fmt.Fprintln(os.Stderr, "failoverworker: the test process is gone; exiting")
			os.Exit(3)
		}()
	}
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	cli.Main(cli.Activities{"ledger": crashtest.NewLedger(os.Getenv(crashtest.EnvLedger))})
}
