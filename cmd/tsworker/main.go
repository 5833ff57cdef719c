// Command tsworker runs Temporal workflows written in TypeScript or
// JavaScript, with activities written in Go: a local development server with
// its Web UI (tsworker dev), a worker for a real server (tsworker run) and a
// bundler (tsworker bundle). See `tsworker --help`.
//
// This binary carries the Go activities of the bundled examples. To run
// workflows with your own activities, build your own binary in the same ten
// lines, with your activities in cli.Activities.
package main

import "github.com/tsworker/tsworker/cli"

func main() {
	cli.Main(cli.Activities{
		// TODO: add the activities of examples-js/hello, examples-js/timer
		// and examples-js/saga once their Go packages exist.
	})
}
