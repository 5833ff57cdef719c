// Package cli is the tsworker command line as a library, so a program with
// its own Go activities gets the tsworker commands with them:
//
//	package main
//
//	import (
//		"github.com/tsworker/tsworker/cli"
//		"github.com/tsworker/tsworker/cli/dev"
//	)
//
//	func main() {
//		cli.Main(cli.Activities{"greet": Greet, "charge": Charge}, dev.Command())
//	}
//
// Then `go run . dev workflows.ts` starts a local Temporal server with its
// Web UI and a worker that runs the workflows of workflows.ts with those
// activities, and `go run . run workflows.ts --task-queue orders` runs the
// same worker against a real server. WithNexusService and WithGoWorkflow
// add the program's Nexus services and Go workflows to those workers.
//
// The commands: run (a worker for a Temporal server), workflow (start,
// execute, signal, query, update, cancel, terminate, describe, list and
// show workflows, as the temporal CLI does), replay (histories against the
// workflows, before deploying), bundle, types (TypeScript declarations of
// @temporalio/workflow and of the Go activities, for editors), init (a new
// project), codec-server and version. The dev command
// comes from package cli/dev, because it links the Temporal server: leave
// dev.Command() out and the binary is a production worker, several times
// smaller and faster to build.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/nexus-rpc/sdk-go/nexus"
	"github.com/spf13/cobra"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/cli/internal/devhook"
	"github.com/tsworker/tsworker/worker"
)

// Activities maps the name a workflow calls an activity by to the Go
// function that implements it. The worker also registers each name with a
// lower-case first letter, so "Greet" is callable as greet() too. A value
// may also be a pointer to a struct, whose exported methods are all
// registered under their own names (the key is then only a label).
type Activities map[string]any

// An Option adds to the command line that Main and NewRootCommand build.
// Package cli/dev provides one: dev.Command() adds the dev command.
type Option func(*devhook.Settings)

// WithNexusService registers a Nexus service on the workers of dev and run,
// beside the JS workflows and the activities, as worker.RegisterNexusService:
// its Go handlers then run in the same process, and workflows call them
// through an endpoint that targets the worker's task queue
// (createNexusServiceClient; `dev --nexus-endpoint NAME=QUEUE` creates one on
// the server dev starts). An operation backed by a Go workflow
// (temporalnexus.NewWorkflowRunOperation) needs that workflow registered too:
// see WithGoWorkflow.
func WithNexusService(svc *nexus.Service) Option {
	return func(s *devhook.Settings) { s.NexusServices = append(s.NexusServices, svc) }
}

// WithGoWorkflow registers a Go workflow function on the workers of dev and
// run, beside the JS workflows, as the Go SDK worker's
// RegisterWorkflowWithOptions: under opts.Name, or the function's name. A
// name that a JS workflow also has is an error.
func WithGoWorkflow(wf any, opts workflow.RegisterOptions) Option {
	return func(s *devhook.Settings) {
		s.GoWorkflows = append(s.GoWorkflows, devhook.GoWorkflow{Fn: wf, Opts: opts})
	}
}

// Main runs the tsworker command line with os.Args and exits: status 0 on
// success, 1 after printing "tsworker: <error>" to stderr. SIGINT and
// SIGTERM stop the running command gracefully; a second one exits at once.
func Main(acts Activities, opts ...Option) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		// Restore the default handlers: a second Ctrl-C ends the process.
		stop()
	}()
	root := NewRootCommand(acts, opts...)
	err := root.ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", root.Name(), err)
		os.Exit(1)
	}
}

// NewRootCommand returns the tsworker command with all its subcommands,
// whose workers register acts. Errors are returned from Execute, not
// printed: print them yourself (Main does). Commands write to the
// command's Out and Err writers and stop when the context passed to
// ExecuteContext is done.
func NewRootCommand(acts Activities, opts ...Option) *cobra.Command {
	var s devhook.Settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	root := &cobra.Command{
		Use:   "tsworker",
		Short: "Run Temporal workflows written in TypeScript, with activities written in Go",
		Long: `tsworker runs Temporal workflows written in TypeScript or JavaScript against the
@temporalio/workflow API, with activities that are Go functions. No Node.js or npm
install is needed: workflow code is bundled and run inside tsworker.

Start with 'tsworker dev': it starts a local Temporal server with its Web UI and a
worker for your workflows, and reloads the worker when you save a file.`,
		Example: `  # Develop: local server, Web UI, worker, reload on save
  tsworker dev workflows.ts

  # Run one workflow and print its result
  tsworker dev workflows.ts --run greeting --input '"Temporal"'

  # A worker for a real Temporal server
  tsworker run workflows.ts --task-queue orders --address temporal.example.com:7233

  # Bundle once, ship the bundle
  tsworker bundle workflows.ts -o dist/workflows.js`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetFlagErrorFunc(flagError)
	// One command per file; a new command is one more line here.
	root.AddCommand(
		newDevCommand(acts, &s),
		newRunCommand(acts, &s),
		newBundleCommand(),
		newReplayCommand(),
		newWorkflowCommand(),
		newTypesCommand(acts),
		newInitCommand(),
		newCodecServerCommand(),
		newVersionCommand(),
	)
	return root
}

// flagError makes a bad flag one line that says where help is.
func flagError(cmd *cobra.Command, err error) error {
	return fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())
}

// registerActivities registers acts on w. A value the Go SDK rejects (it
// panics) is returned as an error naming the activity.
func registerActivities(w *worker.Worker, acts Activities) (err error) {
	names := make([]string, 0, len(acts))
	for name := range acts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := acts[name]
		if err := registerActivity(w, name, a); err != nil {
			return err
		}
	}
	return nil
}

func registerActivity(w *worker.Worker, name string, a any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("register activity %q: %v", name, r)
		}
	}()
	v := reflect.ValueOf(a)
	switch {
	case v.Kind() == reflect.Func:
		w.RegisterActivityWithOptions(a, activity.RegisterOptions{Name: name})
	case v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct:
		w.RegisterActivity(a)
	default:
		return fmt.Errorf("register activity %q: want a function or a pointer to a struct, got %T", name, a)
	}
	return nil
}

// registerGo registers the Go workflows and Nexus services of s on w, and
// returns their names for the banner. A registration the Go SDK rejects (it
// panics) is returned as an error.
func registerGo(w *worker.Worker, s *devhook.Settings) (goWorkflows, nexusServices []string, err error) {
	js := map[string]bool{}
	for _, n := range w.Workflows().Names() {
		js[n] = true
	}
	for _, gw := range s.GoWorkflows {
		name := gw.Opts.Name
		if name == "" {
			name = funcName(gw.Fn)
		}
		if js[name] {
			return nil, nil, fmt.Errorf("register Go workflow %q: the JS workflows export a workflow of that name; give the Go one another name (workflow.RegisterOptions.Name)", name)
		}
		if err := recovered("register Go workflow "+strconv.Quote(name), func() {
			w.GoWorker().RegisterWorkflowWithOptions(gw.Fn, gw.Opts)
		}); err != nil {
			return nil, nil, err
		}
		goWorkflows = append(goWorkflows, name)
	}
	for _, svc := range s.NexusServices {
		if svc == nil {
			return nil, nil, errors.New("register Nexus service: nil service")
		}
		if err := recovered("register Nexus service "+strconv.Quote(svc.Name), func() {
			w.RegisterNexusService(svc)
		}); err != nil {
			return nil, nil, err
		}
		nexusServices = append(nexusServices, svc.Name)
	}
	return goWorkflows, nexusServices, nil
}

// goWorkflowsNote is what the banner adds to the JS workflows' line for the
// Go workflows.
func goWorkflowsNote(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "; Go: " + strings.Join(names, ", ")
}

// recovered calls f and returns its panic, if any, as an error.
func recovered(what string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", what, r)
		}
	}()
	f()
	return nil
}

// funcName is the name the Go SDK registers a function under: its name
// without package path and receiver.
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return fmt.Sprintf("%T", fn)
	}
	name := runtime.FuncForPC(v.Pointer()).Name()
	name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
	return name
}

// errInterrupted is returned when the command's context ends before its
// work is done.
var errInterrupted = errors.New("interrupted")
