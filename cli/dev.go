package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/cli/internal/devhook"
	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/worker"
)

// DefaultTaskQueue is the task queue `tsworker dev` polls unless told
// otherwise.
const DefaultTaskQueue = "tsworker"

type devFlags struct {
	taskQueue, namespace, dbFile, ip string
	port, uiPort                     int
	headless                         bool
	run, input, workflowID           string
	logLevel                         string
	metricsAddress                   string
	codec                            codecFlags
	taskQueueSet                     bool // --task-queue given
	nexusEndpoints                   []string
	load                             loadFlags
}

// errNoDev is the dev command's answer in a binary built without it.
var errNoDev = errors.New("this program has no dev command: it is built without the embedded Temporal server; " +
	"add dev.Command() (package github.com/tsworker/tsworker/cli/dev) to cli.Main, or use the tsworker binary")

func newDevCommand(acts Activities, reg *devhook.Settings) *cobra.Command {
	if reg.StartServer == nil {
		// Hidden, so that help does not offer it, but a mistyped habit
		// gets an answer that says what to do.
		return &cobra.Command{
			Use: "dev", Hidden: true, DisableFlagParsing: true,
			RunE: func(*cobra.Command, []string) error { return errNoDev },
		}
	}
	var f devFlags
	cmd := &cobra.Command{
		Use:   "dev [PATH]",
		Short: "Start a local Temporal server with its Web UI and a worker; reload on save",
		Long: `Start a Temporal server inside tsworker (with the Temporal Web UI), bundle the
workflows at PATH and run a worker for them. PATH is a .ts or .js file whose exported
functions are the workflows, or a directory holding workflows.ts or index.ts; the
default is the current directory.

While it runs, the files of the bundle are watched: on save the workflows are bundled
again and the worker restarts with the new code ("reloaded: ..."); if the new code
does not bundle, the error is printed and the previous code keeps running.

With --run WORKFLOW, the workflow is started once: each step of its history is printed
to stderr as it happens, its result is printed as JSON on stdout and tsworker exits
(with status 1 if the workflow failed). If a Temporal server already serves on --port
(say, another 'tsworker dev'), --run uses it: this process runs a worker for the
workflow on a task queue of its own (or --task-queue), so the run meets this code.
'tsworker workflow execute' starts a workflow on the worker that is already running.

The server keeps its state in memory unless --db-file is given.`,
		Example: `  # Serve the workflows of ./workflows.ts; the Web UI is on http://127.0.0.1:8233
  tsworker dev workflows.ts

  # Run one workflow with two arguments and print its result
  tsworker dev workflows.ts --run order --input '["ada", 3]'

  # One argument needs no array (a JSON string, object, number, ...)
  tsworker dev workflows.ts --run greeting --input '"Temporal"'

  # Keep workflows across restarts, no Web UI, another port
  tsworker dev src --db-file dev.db --headless --port 7244`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			if !cmd.Flags().Changed("ui-port") {
				f.uiPort = 0
			}
			f.taskQueueSet = cmd.Flags().Changed("task-queue")
			return runDev(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), reg, acts, path, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.taskQueue, "task-queue", "q", DefaultTaskQueue, "task `QUEUE` the worker polls")
	fs.IntVarP(&f.port, "port", "p", 7233, "`PORT` of the Temporal server's gRPC frontend; 0 picks a free one")
	fs.IntVar(&f.uiPort, "ui-port", 0, "`PORT` of the Web UI (default: --port + 1000)")
	fs.StringVar(&f.ip, "ip", "127.0.0.1", "`ADDRESS` the server and the Web UI listen on")
	fs.BoolVar(&f.headless, "headless", false, "do not start the Web UI")
	fs.StringVar(&f.dbFile, "db-file", "", "keep the server's state in SQLite `FILE`, across restarts (default: in memory)")
	fs.StringVarP(&f.namespace, "namespace", "n", client.DefaultNamespace, "`NAMESPACE` the worker polls; created if it is not \"default\"")
	fs.StringVar(&f.run, "run", "", "start `WORKFLOW`, print its progress and its result as JSON, then exit")
	fs.StringVarP(&f.input, "input", "i", "", "arguments for --run: a `JSON` array of arguments, or one JSON value for a single argument")
	fs.StringVar(&f.workflowID, "workflow-id", "", "workflow `ID` for --run (default: WORKFLOW-<random>)")
	fs.StringVar(&f.logLevel, "log-level", "info", "worker and workflow log `LEVEL`: debug, info, warn, error or off")
	fs.StringVar(&f.metricsAddress, "metrics-address", "", metricsFlagUsage)
	f.load.add(fs)
	fs.StringArrayVar(&f.nexusEndpoints, "nexus-endpoint", nil,
		"create the Nexus endpoint `NAME=TASK_QUEUE` (or NAME=NAMESPACE/TASK_QUEUE) on the server dev starts, for workflows' createNexusServiceClient; the Nexus handlers run in a Go worker of that queue; repeatable")
	f.codec.add(fs, "codec-")
	return cmd
}

func runDev(ctx context.Context, stdout, stderr io.Writer, reg *devhook.Settings, acts Activities, path string, f devFlags) error {
	// In --run mode stdout carries the result only.
	info := stdout
	if f.run != "" {
		info = stderr
	}
	switch {
	case f.input != "" && f.run == "":
		return errors.New("--input needs --run WORKFLOW: the arguments are for the workflow --run starts")
	case f.workflowID != "" && f.run == "":
		return errors.New("--workflow-id needs --run WORKFLOW")
	case f.port < 0 || f.port > 65535:
		return fmt.Errorf("--port %d: want a TCP port, 1 to 65535 (or 0 for a free one)", f.port)
	case f.uiPort < 0 || f.uiPort > 65535:
		return fmt.Errorf("--ui-port %d: want a TCP port, 1 to 65535", f.uiPort)
	case f.taskQueue == "":
		return errors.New("--task-queue is empty; name the task queue the worker polls")
	}
	argsJSON, err := parseInput(f.input)
	if err != nil {
		return err
	}
	logger, err := newDevLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	// Ctrl-C, or the end of --run, stops the worker: what it logs then
	// (cancelled activities and polls, closing connections) is noise.
	stopQuiet := context.AfterFunc(ctx, logger.quiet)
	defer stopQuiet()
	pc, err := f.codec.load()
	if err != nil {
		return err
	}
	prom, lo, err := startMetrics(f.metricsAddress, pc)
	if err != nil {
		return err
	}
	if prom != nil {
		defer prom.Close()
	}
	lo = f.load.apply(lo)
	src, err := loadSource(path, stderr, lo)
	if err != nil {
		writeCodeFrames(stderr, err)
		return err
	}
	if f.run != "" {
		if err := checkExported(src, f.run); err != nil {
			return err
		}
		if n := src.wfs.Arity(f.run); n > 0 && argsJSON == "" {
			fmt.Fprintf(stderr, "warning: workflow %s takes %d %s and --input is missing, so %s undefined; pass --input JSON\n",
				f.run, n, plural(n, "argument", "arguments"), plural(n, "it gets", "they get"))
		}
	}
	var srv devhook.Server
	if f.port != 0 {
		if err := checkPortFree(f.ip, f.port, "--port"); err != nil {
			// With --run, a server already serving on the port (another
			// `tsworker dev`, `temporal server start-dev`) is used as is.
			if f.run == "" {
				return err
			}
			if srv = servingAt(ctx, net.JoinHostPort(f.ip, strconv.Itoa(f.port)), f.namespace); srv == nil {
				return err
			}
			if !f.taskQueueSet {
				// A queue of its own, so that the run meets this code and
				// these activities, not those of the server's own worker.
				f.taskQueue = DefaultTaskQueue + "-run-" + randomSuffix()
			}
			fmt.Fprintf(info, "Using the Temporal server already serving on %s\n", srv.FrontendHostPort())
		}
	}
	if srv == nil {
		if f.uiPort != 0 && !f.headless {
			if err := checkPortFree(f.ip, f.uiPort, "--ui-port"); err != nil {
				return err
			}
		}
		fmt.Fprintln(info, "Starting Temporal server...")
		var extra []string
		if f.namespace != client.DefaultNamespace {
			extra = []string{f.namespace}
		}
		var codecEndpoint string
		if pc != nil && !f.headless {
			if codecEndpoint, err = pc.serve(ctx, f.ip); err != nil {
				return err
			}
		}
		srv, err = reg.StartServer(ctx, devhook.ServerOptions{
			IP: f.ip, Port: f.port, UI: !f.headless, UIPort: f.uiPort, DBFile: f.dbFile, Namespaces: extra,
			UICodecEndpoint: codecEndpoint, NexusEndpoints: f.nexusEndpoints,
		})
		if err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			return err
		}
	}
	defer srv.Stop()
	diag := worker.NewDiagnostics()
	c, err := client.Dial(ctx, withDiagnostics(pc.apply(client.Options{HostPort: srv.FrontendHostPort(), Namespace: f.namespace, Logger: logger,
		SDK: sdkclient.Options{MetricsHandler: metricsHandler(prom)}}), diag))
	if err != nil {
		return err
	}
	defer c.Close()

	d := &devWorker{c: c, taskQueue: f.taskQueue, acts: acts, reg: reg, lo: lo, diag: diag}
	if f.run == "" {
		// --run prints its own run's end.
		d.notices = &runNotices{w: info, mu: &sync.Mutex{}}
	}
	if err := d.start(src); err != nil {
		return err
	}
	defer d.stop()
	defer logger.quiet() // before the worker, client and server stop

	fmt.Fprintf(info, "  Temporal server: %s (namespace %s)\n", srv.FrontendHostPort(), f.namespace)
	if ui := srv.UIAddress(); ui != "" {
		fmt.Fprintf(info, "  Web UI:          %s\n", ui)
	}
	fmt.Fprintf(info, "  Task queue:      %s\n", f.taskQueue)
	fmt.Fprintf(info, "  Workflows:       %s (from %s)%s\n", strings.Join(src.wfs.Names(), ", "), src.name, goWorkflowsNote(d.goWorkflows))
	if acts := d.w.Activities(); len(acts) > 0 {
		fmt.Fprintf(info, "  Activities:      %s\n", strings.Join(acts, ", "))
	}
	if len(d.nexusServices) > 0 {
		fmt.Fprintf(info, "  Nexus services:  %s\n", strings.Join(d.nexusServices, ", "))
	}
	if prom != nil {
		fmt.Fprintf(info, "  Metrics:         %s\n", prom.URL())
	}
	if f.run != "" {
		return runOnce(ctx, c, stdout, stderr, f, argsJSON, logger)
	}
	if f.dbFile != "" {
		fmt.Fprintf(info, "  State:           %s\n", f.dbFile)
	}
	fmt.Fprintln(info, "Watching for changes. Press Ctrl-C to stop.")
	return d.watch(ctx, info, stderr, path, src)
}

// servingAt returns the Temporal server serving namespace at hostPort, or
// nil if none answers there.
func servingAt(ctx context.Context, hostPort, namespace string) devhook.Server {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	logger, _ := newSDKLogger(io.Discard, logOff)
	c, err := client.Dial(ctx, client.Options{HostPort: hostPort, Namespace: namespace, Logger: logger})
	if err != nil {
		return nil
	}
	defer c.Close()
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace}); err != nil {
		return nil
	}
	return existingServer(hostPort)
}

// existingServer is a server this process did not start: it keeps serving.
type existingServer string

func (s existingServer) FrontendHostPort() string { return string(s) }
func (existingServer) UIAddress() string          { return "" }
func (existingServer) Stop()                      {}

// checkPortFree reports a port something else listens on, saying what to do.
func checkPortFree(ip string, port int, flag string) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on %s is in use (is another `tsworker dev` or Temporal server running?); stop it, or pass %s with another port",
			port, ip, flag)
	}
	return l.Close()
}

// runOnce starts f.run, prints its progress to stderr and its result to
// stdout. A workflow task failed by JS code is told in JS terms (error
// name, location, stack), as the worker's log recorded it.
func runOnce(ctx context.Context, c sdkclient.Client, stdout, stderr io.Writer, f devFlags, argsJSON string, logger *devLog) error {
	id := f.workflowID
	if id == "" {
		id = f.run + "-" + randomSuffix()
	}
	run, err := client.StartJSON(ctx, c, sdkclient.StartWorkflowOptions{ID: id, TaskQueue: f.taskQueue}, f.run, argsJSON)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Started %s (workflow id %s)\n", f.run, id)
	o := follow(ctx, c, run.GetID(), run.GetRunID(), stderr)
	if o.err == nil {
		fmt.Fprintln(stdout, o.result)
		return nil
	}
	var tf *taskFailedError
	if errors.As(o.err, &tf) {
		if js, ok := logger.jsTaskFailure(id); ok {
			tf.js = &js
		}
	}
	if fl := failureOf(o.err); fl != nil {
		writeFailure(stderr, fl)
	}
	if tf != nil {
		// The server would retry the task forever; a one-shot run ends here.
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := c.TerminateWorkflow(tctx, id, "", "tsworker dev --run: workflow task failed"); err == nil {
			return fmt.Errorf("%w (workflow terminated; fix the code and run again)", o.err)
		}
	}
	return o.err
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// devWorker is the worker of `tsworker dev`, replaced on each reload.
type devWorker struct {
	c         sdkclient.Client
	taskQueue string
	acts      Activities
	reg       *devhook.Settings // Go workflows and Nexus services
	w         *worker.Worker
	code      []byte // the bundle w runs
	lo        worker.LoadOptions
	diag      *worker.Diagnostics
	// goWorkflows and nexusServices are the names registered from reg.
	goWorkflows, nexusServices []string
	// notices, if set, prints a line as each run ends.
	notices interceptor.WorkerInterceptor
}

// start starts a worker for src. The previous one must be stopped.
func (d *devWorker) start(src *source) error {
	var wo sdkworker.Options
	if d.notices != nil {
		wo.Interceptors = []interceptor.WorkerInterceptor{d.notices}
	}
	w, err := worker.New(d.c, d.taskQueue, worker.Options{Loaded: src.wfs, Diagnostics: d.diag, Worker: wo})
	if err != nil {
		return err
	}
	if err := registerActivities(w, d.acts); err != nil {
		return err
	}
	if d.goWorkflows, d.nexusServices, err = registerGo(w, d.reg); err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	d.w, d.code = w, src.code
	return nil
}

func (d *devWorker) stop() {
	if d.w != nil {
		d.w.Stop()
		d.w = nil
	}
}

// watchInterval is how often the bundle's files are checked for changes.
const watchInterval = 500 * time.Millisecond

// watch reloads the worker whenever the bundle's files change, until ctx
// is done.
func (d *devWorker) watch(ctx context.Context, info, stderr io.Writer, path string, src *source) error {
	files := stampFiles(watchList(path, src))
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	failed := false // the last reload failed: the running code is older than the files
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(info, "Stopping.")
			return nil
		case <-t.C:
		}
		now := stampFiles(files.paths())
		if now.equal(files) {
			continue
		}
		files = now
		start := time.Now()
		next, err := loadSource(path, stderr, d.lo)
		if err != nil {
			fmt.Fprintf(stderr, "reload failed, the previous code keeps running: %v\n", err)
			writeCodeFrames(stderr, err)
			failed = true
			continue
		}
		files = stampFiles(watchList(path, next))
		if bytes.Equal(next.code, d.code) {
			if failed {
				// Back to the code that is running: it is what runs.
				failed = false
				fmt.Fprintf(info, "fixed: back to the running code: %s\n", strings.Join(next.wfs.Names(), ", "))
			}
			continue // saved without a change that matters
		}
		d.stop()
		if err := d.start(next); err != nil {
			fmt.Fprintf(stderr, "reload failed: %v; save again to retry\n", err)
			failed = true
			continue
		}
		failed = false
		fmt.Fprintf(info, "reloaded: %s (%d ms)\n", strings.Join(next.wfs.Names(), ", "), time.Since(start).Milliseconds())
	}
}

// watchList is what a change of means a rebuild: the files of the bundle,
// and their directories, whose time changes when a file is added.
func watchList(path string, src *source) []string {
	set := map[string]bool{path: true}
	for _, in := range append([]string{src.name}, src.inputs...) {
		set[in] = true
		set[filepath.Dir(in)] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// stamp is what is compared to see a file changed.
type stamp struct {
	mod  time.Time
	size int64
	ok   bool
}

type stamps map[string]stamp

func stampFiles(paths []string) stamps {
	s := make(stamps, len(paths))
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			s[p] = stamp{}
			continue
		}
		s[p] = stamp{mod: st.ModTime(), size: st.Size(), ok: true}
	}
	return s
}

func (s stamps) paths() []string {
	out := make([]string, 0, len(s))
	for p := range s {
		out = append(out, p)
	}
	return out
}

func (s stamps) equal(o stamps) bool {
	if len(s) != len(o) {
		return false
	}
	for p, a := range s {
		b, ok := o[p]
		if !ok || a.ok != b.ok || a.size != b.size || !a.mod.Equal(b.mod) {
			return false
		}
	}
	return true
}
