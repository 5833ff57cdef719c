// Command tsworker runs Temporal workflows written in TypeScript or
// JavaScript, with activities written in Go: a local development server with
// its Web UI (tsworker dev), a worker for a real server (tsworker run) and a
// bundler (tsworker bundle). See `tsworker --help`.
//
// This binary carries the Go activities of the examples in examples-js, so
// they run as they are:
//
//	tsworker dev examples-js/hello --run example --input '"Temporal"'
//
// To run workflows with your own activities, build your own binary the same
// way, with your activities in cli.Activities.
package main

import (
	"maps"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/examples-js/cancellation"
	childworkflows "github.com/tsworker/tsworker/examples-js/child-workflows"
	continueasnew "github.com/tsworker/tsworker/examples-js/continue-as-new"
	"github.com/tsworker/tsworker/examples-js/hello"
	"github.com/tsworker/tsworker/examples-js/messages"
	"github.com/tsworker/tsworker/examples-js/patching"
	"github.com/tsworker/tsworker/examples-js/saga"
	"github.com/tsworker/tsworker/examples-js/timer"
	"github.com/tsworker/tsworker/examples-js/tracing"
)

func main() {
	// The examples' activity names do not clash.
	acts := cli.Activities{}
	for _, a := range []map[string]any{
		hello.Activities, timer.Activities, saga.Activities, messages.Activities, cancellation.Activities,
		childworkflows.Activities, continueasnew.Activities, patching.Activities, tracing.Activities,
	} {
		maps.Copy(acts, a)
	}
	cli.Main(acts)
}
