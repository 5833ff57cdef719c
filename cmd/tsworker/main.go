// Command tsworker runs Temporal workflows written in TypeScript or
// JavaScript, with activities written in Go: a local development server with
// its Web UI (tsworker dev), a worker for a real server (tsworker run),
// commands to start, signal, query and inspect workflows (tsworker
// workflow), a new project (tsworker init), replay of histories, a bundler
// and TypeScript declarations for editors.
// See `tsworker --help`.
//
// This binary registers no activities: its workers run workflows whose
// activities run elsewhere (another worker on the task queue), and calls
// to an activity no worker registered fail at once, saying so. To run
// workflows with your own Go activities, build your own binary with
// package cli (the examples in examples-js have one:
// `go run ./examples-js dev examples-js/hello --run example`).
package main

import (
	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/dev"
)

func main() {
	cli.Main(nil, dev.Command())
}
