// Command examples-js is the tsworker command line with the Go activities
// of every example in this folder, built as your own program would be
// (cli.Main with your activities, and the dev command):
//
//	go run ./examples-js dev examples-js/hello --run example --input '"Temporal"'
//	go run ./examples-js dev examples-js/saga     # server, Web UI, worker; reload on save
//
// Each example's activities.go holds its activities and an Activities map
// from the names the workflows call them by; their names do not clash, so
// one program serves them all.
package main

import (
	"maps"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/dev"
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

// examples are the Activities maps of the examples.
var examples = []map[string]any{
	hello.Activities, timer.Activities, saga.Activities, messages.Activities, cancellation.Activities,
	childworkflows.Activities, continueasnew.Activities, patching.Activities, tracing.Activities,
}

func main() {
	acts := cli.Activities{}
	for _, a := range examples {
		maps.Copy(acts, a)
	}
	cli.Main(acts, dev.Command())
}
