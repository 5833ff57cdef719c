package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tsworker/tsworker/cli/internal/devhook"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/worker"
)

type runFlags struct {
	conn             connFlags
	taskQueue        string
	bundle           string
	logLevel         string
	logFormat        string
	metricsAddress   string
	stopTimeout      time.Duration
	maxActivities    int
	maxWorkflowTasks int
	codec            codecFlags
	load             loadFlags
}

func newRunCommand(acts Activities, reg *devhook.Settings) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [PATH] --task-queue QUEUE",
		Short: "Run a worker for a Temporal server",
		Long: `Run a worker that polls QUEUE on a Temporal server (a self-hosted cluster, Temporal
Cloud, or a dev server) and runs the workflows at PATH with this program's Go activities.

PATH is a .ts or .js workflows file, a directory holding workflows.ts or index.ts
(default: the current directory), or a bundle written by 'tsworker bundle' (also
accepted with --bundle).

The connection flags fall back to the environment variables the temporal CLI uses
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_CERT, ...);
an API key or any TLS flag turns TLS on.

SIGINT or SIGTERM stops the worker gracefully: no new tasks are taken, and running
activities get --graceful-stop-timeout to finish. A second signal exits at once.

Logs go to stderr, as text or, with --log-format json, as one JSON object per line;
workflow logs (log.info, console.log, ...) carry the workflow's type, id and run id,
and are not repeated when a workflow task replays history. With --metrics-address,
the Go SDK's metrics and tsworker's own are served for Prometheus at /metrics.`,
		Example: `  # Local server (tsworker dev, or temporal server start-dev)
  tsworker run workflows.ts --task-queue orders

  # Temporal Cloud with an API key
  TEMPORAL_API_KEY=... tsworker run workflows.ts --task-queue orders \
    --address my-ns.a1b2c.tmprl.cloud:7233 --namespace my-ns.a1b2c

  # mTLS
  tsworker run workflows.ts --task-queue orders --address temporal.internal:7233 \
    --tls-cert-path client.pem --tls-key-path client.key --tls-ca-path ca.pem

  # A prebuilt bundle
  tsworker bundle workflows.ts -o dist/workflows.js
  tsworker run --bundle dist/workflows.js --task-queue orders

  # JSON logs, and metrics for Prometheus on http://HOST:9464/metrics
  tsworker run workflows.ts --task-queue orders --log-format json --metrics-address 0.0.0.0:9464`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			return runWorker(cmd, acts, reg, path, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.taskQueue, "task-queue", "q", "", "task `QUEUE` to poll (required)")
	fs.StringVar(&f.bundle, "bundle", "", "run the bundle `FILE` written by 'tsworker bundle' instead of bundling PATH")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn, error or off")
	fs.StringVar(&f.logFormat, "log-format", "text", "log `FORMAT` on stderr: text (slog's key=value lines) or json (one object per line)")
	fs.StringVar(&f.metricsAddress, "metrics-address", "", metricsFlagUsage)
	fs.DurationVar(&f.stopTimeout, "graceful-stop-timeout", 10*time.Second, "on SIGINT/SIGTERM, how long running activities get to finish")
	fs.IntVar(&f.maxActivities, "max-concurrent-activities", 0, "run at most `N` activities at once (default: the Go SDK's, 1000)")
	fs.IntVar(&f.maxWorkflowTasks, "max-concurrent-workflow-tasks", 0, "run at most `N` workflow tasks at once (default: the Go SDK's, 1000)")
	f.load.add(fs)
	f.conn.add(fs)
	f.codec.add(fs, "codec-")
	return cmd
}

func runWorker(cmd *cobra.Command, acts Activities, reg *devhook.Settings, path string, f runFlags) error {
	ctx := cmd.Context()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if f.taskQueue == "" {
		return errors.New("--task-queue is required: name the task queue your workflows are started on")
	}
	logger, err := newFormatLogger(stderr, f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	pc, err := f.codec.load()
	if err != nil {
		return err
	}
	if f.bundle != "" && path != "" {
		return fmt.Errorf("pass either PATH (%s) or --bundle (%s), not both", path, f.bundle)
	}
	prom, lo, err := startMetrics(f.metricsAddress, pc)
	if err != nil {
		return err
	}
	if prom != nil {
		defer prom.Close()
	}
	lo = f.load.apply(lo)
	var src *source
	switch {
	case f.bundle != "":
		src, err = readBundle(f.bundle, lo)
	case path == "":
		src, err = loadSource(".", stderr, lo)
	default:
		src, err = loadSource(path, stderr, lo)
	}
	if err != nil {
		writeCodeFrames(stderr, err)
		return err
	}
	opts, err := f.conn.options(cmd.Flags())
	if err != nil {
		return err
	}
	opts.Logger = logger
	opts.SDK.MetricsHandler = metricsHandler(prom)
	diag := worker.NewDiagnostics()
	c, err := dial(ctx, withDiagnostics(pc.apply(opts), diag))
	if err != nil {
		return err
	}
	defer c.Close()

	w, err := worker.New(c, f.taskQueue, worker.Options{Loaded: src.wfs, Diagnostics: diag, Worker: sdkworker.Options{
		WorkerStopTimeout:                      f.stopTimeout,
		MaxConcurrentActivityExecutionSize:     f.maxActivities,
		MaxConcurrentWorkflowTaskExecutionSize: f.maxWorkflowTasks,
	}})
	if err != nil {
		return err
	}
	if err := registerActivities(w, acts); err != nil {
		return err
	}
	goWfs, services, err := registerGo(w, reg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Worker for task queue %s on %s (namespace %s)\n", f.taskQueue, opts.HostPort, opts.Namespace)
	fmt.Fprintf(stdout, "  Workflows:  %s (from %s)%s\n", strings.Join(src.wfs.Names(), ", "), src.name, goWorkflowsNote(goWfs))
	if names := w.Activities(); len(names) > 0 {
		fmt.Fprintf(stdout, "  Activities: %s\n", strings.Join(names, ", "))
	}
	if len(services) > 0 {
		fmt.Fprintf(stdout, "  Nexus:      %s\n", strings.Join(services, ", "))
	}
	if prom != nil {
		fmt.Fprintf(stdout, "  Metrics:    %s\n", prom.URL())
	}
	interrupt, release := interruptOn(ctx, stderr)
	defer release()
	if err := w.Run(interrupt); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	return nil
}

// interruptOn returns a channel for Worker.Run that yields when ctx is done
// (Main cancels it on SIGINT and SIGTERM). Call release when done with it.
func interruptOn(ctx context.Context, w io.Writer) (ch <-chan any, release func()) {
	c := make(chan any, 1)
	stop := context.AfterFunc(ctx, func() {
		fmt.Fprintln(w, "Stopping: finishing running tasks (a second Ctrl-C exits at once)...")
		c <- struct{}{}
	})
	return c, func() { stop() }
}
