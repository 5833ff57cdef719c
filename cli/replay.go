package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tsworker/tsworker/worker"
)

type replayFlags struct {
	conn      connFlags
	histories []string
	query     string
	limit     int
	bundle    string
	load      loadFlags
}

func newReplayCommand() *cobra.Command {
	var f replayFlags
	cmd := &cobra.Command{
		Use:   "replay [PATH] (--history FILE... | --query QUERY)",
		Short: "Check that workflow histories replay with the workflows at PATH",
		Long: `Replay recorded workflow histories against the workflows at PATH, as a worker does
when it picks up a running workflow after a restart, and report for each whether the
code still makes the same decisions the history records.

Run it in CI before deploying a change to workflow code: a history that does not
replay belongs to a workflow that would fail its next workflow task once the change
is deployed. Guard such a change with patched(), or give it a new workflow type.

Histories come from JSON files (--history), as 'temporal workflow show --output json'
prints them or the Web UI downloads them; a directory stands for the .json files in
it. Or they are fetched from a server by a visibility query (--query), with the same
connection flags as 'tsworker run'.

PATH is a .ts or .js workflows file, a directory holding workflows.ts or index.ts
(default: the current directory), or a bundle written by 'tsworker bundle'.

Prints one line per history, 'OK   NAME' or 'FAIL NAME: REASON', and exits with
status 1 if any history fails to replay.`,
		Example: `  # Histories saved as JSON files
  temporal workflow show --workflow-id order-1 --output json > histories/order-1.json
  tsworker replay workflows.ts --history histories/

  # The latest 100 runs of a workflow type, fetched from a server
  tsworker replay workflows.ts --query "WorkflowType='order'" --limit 100 \
    --address temporal.example.com:7233 --namespace prod

  # The bundle that is about to ship, against runs that are still open
  tsworker replay --bundle dist/workflows.js --query "ExecutionStatus='Running'"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			return runReplay(cmd, path, f)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.histories, "history", nil, "replay the history JSON `FILE`, or the .json files in a directory (repeatable)")
	fs.StringVar(&f.query, "query", "", "replay the workflow executions this visibility `QUERY` matches, fetched from the server, e.g. \"WorkflowType='order'\"")
	fs.IntVar(&f.limit, "limit", 0, "with --query, replay at most `N` executions, the newest (default: all that match)")
	fs.StringVar(&f.bundle, "bundle", "", "replay against the bundle `FILE` written by 'tsworker bundle' instead of bundling PATH")
	f.load.add(fs)
	f.conn.add(fs)
	return cmd
}

func runReplay(cmd *cobra.Command, path string, f replayFlags) error {
	ctx := cmd.Context()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	switch {
	case len(f.histories) == 0 && f.query == "":
		return errors.New("nothing to replay: pass --history FILE (a history JSON file or a directory of them) or --query QUERY (to fetch histories from a server)")
	case len(f.histories) > 0 && f.query != "":
		return errors.New("pass either --history or --query, not both")
	case f.limit < 0:
		return fmt.Errorf("--limit %d: want a positive number, or 0 for all", f.limit)
	case f.limit > 0 && f.query == "":
		return errors.New("--limit goes with --query")
	}
	var src *source
	var err error
	lo := f.load.apply(worker.LoadOptions{})
	switch {
	case f.bundle != "" && path != "":
		return fmt.Errorf("pass either PATH (%s) or --bundle (%s), not both", path, f.bundle)
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

	var histories []worker.History
	if f.query != "" {
		opts, err := f.conn.options(cmd.Flags())
		if err != nil {
			return err
		}
		if opts.Logger, err = newSDKLogger(stderr, logOff); err != nil {
			return err
		}
		c, err := dial(ctx, opts)
		if err != nil {
			return err
		}
		defer c.Close()
		histories, err = worker.FetchHistories(ctx, c, f.query, worker.FetchOptions{Limit: f.limit})
		if err != nil {
			return err
		}
		if len(histories) == 0 {
			return fmt.Errorf("no workflow executions match --query %q on %s (namespace %s): nothing was replayed; check the query", f.query, opts.HostPort, opts.Namespace)
		}
	} else if histories, err = worker.ReadHistoryFiles(f.histories...); err != nil {
		return err
	}

	results := worker.ReplayHistories(ctx, src.wfs, histories...)
	failed := 0
	for _, r := range results {
		if r.OK() {
			fmt.Fprintf(stdout, "OK   %s\n", r.Name)
			continue
		}
		failed++
		reason := r.Err.Error()
		var re *worker.ReplayError
		if errors.As(r.Err, &re) {
			reason = re.Reason
		}
		fmt.Fprintf(stdout, "FAIL %s: %s\n", r.Name, reason)
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d histories do not replay with %s", failed, len(results), src.name)
	}
	fmt.Fprintf(stderr, "%d %s replayed with %s\n", len(results), plural(len(results), "history", "histories"), src.name)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
