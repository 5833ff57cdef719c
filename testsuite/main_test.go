package testsuite_test

import (
	"os"
	"testing"

	sdkworker "go.temporal.io/sdk/worker"
)

func TestMain(m *testing.M) {
	// TSWORKER_TEST_NO_STICKY=1 runs the server tests with the sticky
	// cache off, so every workflow task replays its run from history.
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	os.Exit(m.Run())
}
