package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"github.com/tsworker/tsworker/client"
)

// wfFlags are the flags every workflow command has: the connection, the
// payload codec and the output format.
type wfFlags struct {
	conn   connFlags
	codec  codecFlags
	output string
}

// wfConn is a connection made for one workflow command.
type wfConn struct {
	c    sdkclient.Client
	opts client.Options
	dc   converter.DataConverter
	json bool // --output json
}

// connect validates --output and dials the server.
func (g *wfFlags) connect(cmd *cobra.Command) (*wfConn, error) {
	var asJSON bool
	switch strings.ToLower(g.output) {
	case "text", "":
	case "json":
		asJSON = true
	default:
		return nil, fmt.Errorf("--output %q: want text or json", g.output)
	}
	opts, err := g.conn.options(cmd.Flags())
	if err != nil {
		return nil, err
	}
	pc, err := g.codec.load()
	if err != nil {
		return nil, err
	}
	// The Go SDK's own warnings (a retried connection, ...) would only
	// clutter output that scripts read.
	if opts.Logger, err = newSDKLogger(cmd.ErrOrStderr(), "error"); err != nil {
		return nil, err
	}
	opts = pc.apply(opts)
	c, err := dial(cmd.Context(), opts)
	if err != nil {
		return nil, err
	}
	dc := opts.SDK.DataConverter
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	return &wfConn{c: c, opts: opts, dc: dc, json: asJSON}, nil
}

// inputFlags are --input and --input-file: the arguments of a workflow,
// signal, query or update.
type inputFlags struct {
	values, files []string
}

func (f *inputFlags) add(fs interface {
	StringArrayVarP(p *[]string, name, shorthand string, value []string, usage string)
	StringArrayVar(p *[]string, name string, value []string, usage string)
}, what string) {
	fs.StringArrayVarP(&f.values, "input", "i", nil, "one argument of the "+what+", as `JSON`; repeat for more arguments, in order")
	fs.StringArrayVar(&f.files, "input-file", nil, "one argument of the "+what+", read as JSON from `FILE`; repeatable, after any --input")
}

// args returns the arguments, each a JSON payload passed on as written
// (key order and number precision kept), or an error saying how to fix a
// value that is not JSON.
func (f *inputFlags) args() ([]any, error) {
	var out []any
	for _, s := range f.values {
		v, err := jsonArg(s, "--input")
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	for _, name := range f.files {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("--input-file: %w", err)
		}
		v, err := jsonArg(string(b), "--input-file "+name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// jsonArg checks that s is one JSON value and wraps it as an argument.
func jsonArg(s, flag string) (any, error) {
	s = strings.TrimSpace(s)
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		hint := `each --input is one argument as JSON, e.g. -i '"Temporal"' -i 3 -i '{"name": "Temporal"}'`
		if s != "" && strings.IndexByte(`[{"-0123456789`, s[0]) < 0 && s != "true" && s != "false" && s != "null" {
			hint = fmt.Sprintf(`strings are quoted in JSON: %s '%q'`, strings.Fields(flag)[0], s)
		}
		return nil, fmt.Errorf("%s is not valid JSON (%v); %s", flag, err, hint)
	}
	return client.JSONValue([]byte(s)), nil
}

// execFlags name one workflow execution.
type execFlags struct {
	workflowID, runID string
}

func (f *execFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&f.workflowID, "workflow-id", "w", "", "workflow `ID` (required)")
	fs.StringVarP(&f.runID, "run-id", "r", "", "run `ID` (default: the latest run of the workflow id)")
	_ = cmd.MarkFlagRequired("workflow-id")
}

func newWorkflowCommand() *cobra.Command {
	var g wfFlags
	cmd := &cobra.Command{
		Use:   "workflow",
		Short: "Start, signal, query, update, cancel, describe, list and show workflows",
		Long: `Talk to workflows on a Temporal server: a running 'tsworker dev' (the default
address, localhost:7233) or any cluster. The commands and flags are those of the
temporal CLI (temporal workflow start --type ... --task-queue ... --input ...), with
the connection flags, environment variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, ...) and profiles of 'tsworker run'.

Arguments are JSON: each --input is one argument, repeat it for more. Results are
printed as JSON on stdout; --output json prints every answer as a JSON object.`,
		Example: `  # With 'tsworker dev workflows.ts' running in another terminal
  tsworker workflow execute --type greeting --input '"Temporal"'
  tsworker workflow start --type order --workflow-id order-1 -i '"ada"' -i 3
  tsworker workflow signal -w order-1 --name approve -i '{"by": "bob"}'
  tsworker workflow query -w order-1 --name status
  tsworker workflow update execute -w order-1 --name setQuantity -i 5
  tsworker workflow show -w order-1
  tsworker workflow list --query "WorkflowType='order' AND ExecutionStatus='Running'"
  tsworker workflow cancel -w order-1 --reason "customer called"`,
	}
	pf := cmd.PersistentFlags()
	g.conn.add(pf)
	g.codec.add(pf, "codec-")
	pf.StringVarP(&g.output, "output", "o", "text", "`FORMAT` of what is printed: text or json")
	cmd.AddCommand(
		newWorkflowStartCommand(&g, false),
		newWorkflowStartCommand(&g, true),
		newWorkflowResultCommand(&g),
		newWorkflowSignalCommand(&g),
		newWorkflowQueryCommand(&g),
		newWorkflowUpdateCommand(&g),
		newWorkflowCancelCommand(&g, false),
		newWorkflowCancelCommand(&g, true),
		newWorkflowDescribeCommand(&g),
		newWorkflowListCommand(&g),
		newWorkflowShowCommand(&g),
	)
	return cmd
}

type startFlags struct {
	workflowType, taskQueue, workflowID string
	input                               inputFlags
	executionTimeout, runTimeout        time.Duration
	taskTimeout                         time.Duration
	idReusePolicy, idConflictPolicy     string
}

func newWorkflowStartCommand(g *wfFlags, execute bool) *cobra.Command {
	var f startFlags
	cmd := &cobra.Command{
		Use:   "start --type TYPE [--input JSON]...",
		Short: "Start a workflow and print its ids",
		Example: `  tsworker workflow start --type greeting --input '"Temporal"'
  tsworker workflow start --type order -w order-1 -t orders -i '"ada"' -i 3`,
		Args: cobra.NoArgs,
	}
	if execute {
		cmd.Use = "execute --type TYPE [--input JSON]..."
		cmd.Short = "Start a workflow, print its progress and its result"
		cmd.Long = `Start a workflow and wait for it: each event of its history is printed to stderr as
it happens, and its result is printed as JSON on stdout. The exit status is 1 if the
workflow fails, is cancelled, terminated or times out, or if a workflow task fails
(the workflow then keeps running: the worker retries the task).`
		cmd.Example = `  tsworker workflow execute --type greeting --input '"Temporal"'
  tsworker workflow execute --type order -i '"ada"' -i 3 --output json`
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runWorkflowStart(cmd, g, f, execute)
	}
	fs := cmd.Flags()
	fs.StringVar(&f.workflowType, "type", "", "workflow `TYPE`: the name of the exported workflow function (required)")
	fs.StringVarP(&f.taskQueue, "task-queue", "t", DefaultTaskQueue, "task `QUEUE` of the workers that run the workflow")
	fs.StringVarP(&f.workflowID, "workflow-id", "w", "", "workflow `ID` (default: TYPE-<random>)")
	f.input.add(fs, "workflow")
	fs.DurationVar(&f.executionTimeout, "execution-timeout", 0, "fail the workflow, continue-as-new included, after this `DURATION` (default: none)")
	fs.DurationVar(&f.runTimeout, "run-timeout", 0, "fail a single run after this `DURATION` (default: none)")
	fs.DurationVar(&f.taskTimeout, "task-timeout", 0, "workflow task timeout `DURATION` (default: the server's, 10s)")
	fs.StringVar(&f.idReusePolicy, "id-reuse-policy", "", "`POLICY` for an id used by a closed workflow: AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate")
	fs.StringVar(&f.idConflictPolicy, "id-conflict-policy", "", "`POLICY` for an id used by a running workflow: Fail, UseExisting, TerminateExisting")
	_ = cmd.MarkFlagRequired("type")
	return cmd
}

func runWorkflowStart(cmd *cobra.Command, g *wfFlags, f startFlags, execute bool) error {
	ctx := cmd.Context()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	args, err := f.input.args()
	if err != nil {
		return err
	}
	if f.taskQueue == "" {
		return errors.New("--task-queue is empty; name the task queue your workers poll")
	}
	opts := sdkclient.StartWorkflowOptions{
		ID: f.workflowID, TaskQueue: f.taskQueue,
		WorkflowExecutionTimeout: f.executionTimeout, WorkflowRunTimeout: f.runTimeout, WorkflowTaskTimeout: f.taskTimeout,
	}
	if opts.ID == "" {
		opts.ID = f.workflowType + "-" + randomSuffix()
	}
	if opts.WorkflowIDReusePolicy, err = reusePolicy(f.idReusePolicy); err != nil {
		return err
	}
	if opts.WorkflowIDConflictPolicy, err = conflictPolicy(f.idConflictPolicy); err != nil {
		return err
	}
	wc, err := g.connect(cmd)
	if err != nil {
		return err
	}
	defer wc.c.Close()
	run, err := wc.c.ExecuteWorkflow(ctx, opts, f.workflowType, args...)
	if err != nil {
		return fmt.Errorf("start workflow %s: %w", f.workflowType, err)
	}
	ids := map[string]any{
		"workflowId": run.GetID(), "runId": run.GetRunID(), "type": f.workflowType,
		"namespace": wc.opts.Namespace, "taskQueue": f.taskQueue,
	}
	if !execute {
		if wc.json {
			return writeJSON(stdout, ids)
		}
		fmt.Fprintf(stdout, "Started %s\n", f.workflowType)
		writeFields(stdout, [][2]string{{"WorkflowId", run.GetID()}, {"RunId", run.GetRunID()},
			{"Type", f.workflowType}, {"Namespace", wc.opts.Namespace}, {"TaskQueue", f.taskQueue}})
		return nil
	}
	progress := stderr
	if wc.json {
		progress = io.Discard
	} else {
		fmt.Fprintf(stderr, "Started %s (workflow id %s)\n", f.workflowType, run.GetID())
	}
	return waitResult(ctx, wc, stdout, stderr, progress, run.GetID(), run.GetRunID(), ids)
}

// waitResult follows a run to its end and prints its result, or its
// failure and an error.
func waitResult(ctx context.Context, wc *wfConn, stdout, stderr, progress io.Writer, id, runID string, out map[string]any) error {
	start := time.Now()
	o := follow(ctx, wc.c, id, runID, progress)
	if errors.Is(o.err, errInterrupted) {
		return o.err
	}
	if wc.json {
		out["durationMs"] = time.Since(start).Milliseconds()
		if o.err == nil {
			out["status"] = outcomeStatus(nil)
			out["result"] = json.RawMessage(o.result)
			return writeJSON(stdout, out)
		}
		out["status"] = outcomeStatus(o.err)
		if fl := failureOf(o.err); fl != nil {
			b, err := temporalproto.CustomJSONMarshalOptions{}.Marshal(fl)
			if err == nil {
				out["failure"] = json.RawMessage(b)
			}
		}
		if err := writeJSON(stdout, out); err != nil {
			return err
		}
		return o.err
	}
	if o.err == nil {
		fmt.Fprintln(stdout, o.result)
		return nil
	}
	if fl := failureOf(o.err); fl != nil {
		writeFailure(stderr, fl)
	}
	var tf *taskFailedError
	if errors.As(o.err, &tf) {
		return fmt.Errorf("%w (the workflow is still running and the task is retried: fix the code, or end it with 'workflow terminate -w %s')", o.err, id)
	}
	return o.err
}

// outcomeStatus names how a followed run ended, as describe names a
// workflow's status.
func outcomeStatus(err error) string {
	var wf *workflowFailedError
	var tf *taskFailedError
	s := enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED
	switch {
	case err == nil:
		s = enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
	case errors.As(err, &wf):
		s = enumspb.WORKFLOW_EXECUTION_STATUS_FAILED
	case errors.As(err, &tf):
		s = enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	case strings.Contains(err.Error(), " timed out"):
		s = enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT
	case strings.Contains(err.Error(), " was cancelled"):
		s = enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED
	case strings.Contains(err.Error(), " was terminated"):
		s = enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED
	}
	return statusName(s)
}

func reusePolicy(s string) (enumspb.WorkflowIdReusePolicy, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "")) {
	case "":
		return enumspb.WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED, nil
	case "allowduplicate":
		return enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, nil
	case "allowduplicatefailedonly":
		return enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY, nil
	case "rejectduplicate":
		return enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, nil
	}
	return 0, fmt.Errorf("--id-reuse-policy %q: want AllowDuplicate, AllowDuplicateFailedOnly or RejectDuplicate", s)
}

func conflictPolicy(s string) (enumspb.WorkflowIdConflictPolicy, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "")) {
	case "":
		return enumspb.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED, nil
	case "fail":
		return enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL, nil
	case "useexisting":
		return enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING, nil
	case "terminateexisting":
		return enumspb.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING, nil
	}
	return 0, fmt.Errorf("--id-conflict-policy %q: want Fail, UseExisting or TerminateExisting", s)
}

func newWorkflowResultCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	cmd := &cobra.Command{
		Use:     "result --workflow-id ID",
		Short:   "Wait for a workflow and print its result",
		Example: `  tsworker workflow result -w order-1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			out := map[string]any{"workflowId": e.workflowID, "runId": e.runID}
			return waitResult(cmd.Context(), wc, cmd.OutOrStdout(), cmd.ErrOrStderr(), io.Discard, e.workflowID, e.runID, out)
		},
	}
	e.add(cmd)
	return cmd
}

func newWorkflowSignalCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	var in inputFlags
	var name string
	cmd := &cobra.Command{
		Use:     "signal --workflow-id ID --name SIGNAL [--input JSON]...",
		Short:   "Send a signal to a workflow",
		Example: `  tsworker workflow signal -w order-1 --name approve -i '{"by": "bob"}'`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			args, err := in.args()
			if err != nil {
				return err
			}
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			// The Go SDK's SignalWorkflow takes one argument; the request
			// itself takes any number, as JS handlers do.
			payloads, err := wc.dc.ToPayloads(args...)
			if err != nil {
				return fmt.Errorf("signal %s: %w", name, err)
			}
			_, err = wc.c.WorkflowService().SignalWorkflowExecution(cmd.Context(), &workflowservice.SignalWorkflowExecutionRequest{
				Namespace:         wc.opts.Namespace,
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: e.workflowID, RunId: e.runID},
				SignalName:        name,
				Input:             payloads,
				Identity:          wc.opts.Identity,
			})
			if err != nil {
				return fmt.Errorf("signal %s to workflow %s: %w", name, e.workflowID, err)
			}
			if wc.json {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"workflowId": e.workflowID, "runId": e.runID, "signal": name})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signalled %s to workflow %s\n", name, e.workflowID)
			return nil
		},
	}
	e.add(cmd)
	cmd.Flags().StringVar(&name, "name", "", "signal `NAME` (required)")
	_ = cmd.MarkFlagRequired("name")
	in.add(cmd.Flags(), "signal")
	return cmd
}

func newWorkflowQueryCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	var in inputFlags
	var name string
	cmd := &cobra.Command{
		Use:   "query --workflow-id ID --name QUERY [--input JSON]...",
		Short: "Query a workflow and print the answer as JSON",
		Example: `  tsworker workflow query -w order-1 --name status
  tsworker workflow query -w order-1 --name __stack_trace`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			args, err := in.args()
			if err != nil {
				return err
			}
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			v, err := wc.c.QueryWorkflow(cmd.Context(), e.workflowID, e.runID, name, args...)
			if err != nil {
				return fmt.Errorf("query %s on workflow %s: %w", name, e.workflowID, err)
			}
			out := "null"
			if v != nil && v.HasValue() {
				if out, err = valueJSON(v); err != nil {
					return fmt.Errorf("query %s: %w", name, err)
				}
			}
			if wc.json {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"queryResult": json.RawMessage(out)})
			}
			var text string
			if name == sdkclient.QueryTypeStackTrace && json.Unmarshal([]byte(out), &text) == nil {
				// The stacks are text to read, not a value to pass on.
				return writeValue(cmd.OutOrStdout(), text)
			}
			return writeValue(cmd.OutOrStdout(), out)
		},
	}
	e.add(cmd)
	cmd.Flags().StringVar(&name, "name", "", "query `NAME` (required)")
	_ = cmd.MarkFlagRequired("name")
	in.add(cmd.Flags(), "query")
	return cmd
}

// valueJSON renders a decoded value (a query or update answer) as JSON.
func valueJSON(v interface{ Get(valuePtr any) error }) (string, error) {
	var raw converter.RawValue
	if err := v.Get(&raw); err != nil {
		return "", err
	}
	return client.PayloadJSON(raw.Payload())
}

func newWorkflowUpdateCommand(g *wfFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Send an update to a workflow, or get an update's result",
	}
	cmd.AddCommand(newUpdateSendCommand(g, true), newUpdateSendCommand(g, false), newUpdateResultCommand(g))
	return cmd
}

func newUpdateSendCommand(g *wfFlags, wait bool) *cobra.Command {
	var e execFlags
	var in inputFlags
	var name, updateID string
	cmd := &cobra.Command{
		Use:     "execute --workflow-id ID --name UPDATE [--input JSON]...",
		Short:   "Send an update, wait for it to complete and print its result as JSON",
		Example: `  tsworker workflow update execute -w order-1 --name setQuantity -i 5`,
		Args:    cobra.NoArgs,
	}
	if !wait {
		cmd.Use = "start --workflow-id ID --name UPDATE [--input JSON]..."
		cmd.Short = "Send an update, wait until the workflow accepts it and print its id"
		cmd.Example = `  tsworker workflow update start -w order-1 --name setQuantity -i 5 --update-id q5
  tsworker workflow update result -w order-1 --update-id q5`
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		args, err := in.args()
		if err != nil {
			return err
		}
		wc, err := g.connect(cmd)
		if err != nil {
			return err
		}
		defer wc.c.Close()
		stage := sdkclient.WorkflowUpdateStageCompleted
		if !wait {
			stage = sdkclient.WorkflowUpdateStageAccepted
		}
		h, err := wc.c.UpdateWorkflow(cmd.Context(), sdkclient.UpdateWorkflowOptions{
			WorkflowID: e.workflowID, RunID: e.runID, UpdateName: name, UpdateID: updateID,
			Args: args, WaitForStage: stage,
		})
		if err != nil {
			return fmt.Errorf("update %s on workflow %s: %w", name, e.workflowID, err)
		}
		out := map[string]any{"workflowId": e.workflowID, "runId": h.RunID(), "name": name, "updateId": h.UpdateID()}
		if !wait {
			if wc.json {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Update %s accepted (update id %s)\n", name, h.UpdateID())
			return nil
		}
		return printUpdateResult(cmd, wc, h, name, out)
	}
	e.add(cmd)
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "update `NAME` (required)")
	_ = cmd.MarkFlagRequired("name")
	fs.StringVar(&updateID, "update-id", "", "update `ID`, to find it again or to send it only once (default: a random one)")
	in.add(fs, "update")
	return cmd
}

func newUpdateResultCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	var updateID string
	cmd := &cobra.Command{
		Use:     "result --workflow-id ID --update-id ID",
		Short:   "Wait for an update to complete and print its result as JSON",
		Example: `  tsworker workflow update result -w order-1 --update-id q5`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			h := wc.c.GetWorkflowUpdateHandle(sdkclient.GetWorkflowUpdateHandleOptions{WorkflowID: e.workflowID, RunID: e.runID, UpdateID: updateID})
			out := map[string]any{"workflowId": e.workflowID, "runId": e.runID, "updateId": updateID}
			return printUpdateResult(cmd, wc, h, updateID, out)
		},
	}
	e.add(cmd)
	cmd.Flags().StringVar(&updateID, "update-id", "", "update `ID` (required)")
	_ = cmd.MarkFlagRequired("update-id")
	return cmd
}

func printUpdateResult(cmd *cobra.Command, wc *wfConn, h sdkclient.WorkflowUpdateHandle, name string, out map[string]any) error {
	var raw converter.RawValue
	if err := h.Get(cmd.Context(), &raw); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	res, err := client.PayloadJSON(raw.Payload())
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	if wc.json {
		out["result"] = json.RawMessage(res)
		return writeJSON(cmd.OutOrStdout(), out)
	}
	return writeValue(cmd.OutOrStdout(), res)
}

func newWorkflowCancelCommand(g *wfFlags, terminate bool) *cobra.Command {
	var e execFlags
	var reason string
	cmd := &cobra.Command{
		Use:   "cancel --workflow-id ID",
		Short: "Ask a workflow to cancel (its CancellationScope is cancelled)",
		Example: `  tsworker workflow cancel -w order-1
  tsworker workflow cancel -w order-1 --reason "customer called"`,
		Args: cobra.NoArgs,
	}
	if terminate {
		cmd.Use = "terminate --workflow-id ID"
		cmd.Short = "End a workflow at once, without running any more of its code"
		cmd.Example = `  tsworker workflow terminate -w order-1 --reason "stuck on a bug"`
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		wc, err := g.connect(cmd)
		if err != nil {
			return err
		}
		defer wc.c.Close()
		ctx := cmd.Context()
		what := "Cancellation requested for"
		if terminate {
			what = "Terminated"
			err = wc.c.TerminateWorkflow(ctx, e.workflowID, e.runID, reason)
		} else {
			_, err = wc.c.WorkflowService().RequestCancelWorkflowExecution(ctx, &workflowservice.RequestCancelWorkflowExecutionRequest{
				Namespace:         wc.opts.Namespace,
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: e.workflowID, RunId: e.runID},
				Identity:          wc.opts.Identity,
				Reason:            reason,
			})
		}
		if err != nil {
			return fmt.Errorf("%s workflow %s: %w", cmd.Name(), e.workflowID, err)
		}
		if wc.json {
			return writeJSON(cmd.OutOrStdout(), map[string]any{"workflowId": e.workflowID, "runId": e.runID})
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s workflow %s\n", what, e.workflowID)
		return nil
	}
	e.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "`REASON`, recorded in the history")
	return cmd
}

func newWorkflowDescribeCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	cmd := &cobra.Command{
		Use:   "describe --workflow-id ID",
		Short: "Show a workflow's status, times and pending work",
		Example: `  tsworker workflow describe -w order-1
  tsworker workflow describe -w order-1 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			d, err := wc.c.DescribeWorkflowExecution(cmd.Context(), e.workflowID, e.runID)
			if err != nil {
				return fmt.Errorf("describe workflow %s: %w", e.workflowID, err)
			}
			out := cmd.OutOrStdout()
			if wc.json {
				return writeProto(out, d)
			}
			i := d.GetWorkflowExecutionInfo()
			fields := [][2]string{
				{"WorkflowId", i.GetExecution().GetWorkflowId()},
				{"RunId", i.GetExecution().GetRunId()},
				{"Type", i.GetType().GetName()},
				{"Status", statusName(i.GetStatus())},
				{"TaskQueue", i.GetTaskQueue()},
				{"StartTime", formatTime(i.GetStartTime().AsTime())},
			}
			if i.GetCloseTime() != nil {
				fields = append(fields, [2]string{"CloseTime", formatTime(i.GetCloseTime().AsTime())})
			}
			fields = append(fields, [2]string{"HistoryLength", fmt.Sprint(i.GetHistoryLength())})
			writeFields(out, fields)
			if acts := d.GetPendingActivities(); len(acts) > 0 {
				fmt.Fprintf(out, "Pending activities: %d\n", len(acts))
				for _, a := range acts {
					line := fmt.Sprintf("  %s (id %s) %s, attempt %d", a.GetActivityType().GetName(), a.GetActivityId(), strings.TrimPrefix(a.GetState().String(), "PENDING_ACTIVITY_STATE_"), a.GetAttempt())
					if f := a.GetLastFailure(); f != nil {
						line += ": " + summary(f)
					}
					fmt.Fprintln(out, line)
				}
			}
			if ch := d.GetPendingChildren(); len(ch) > 0 {
				fmt.Fprintf(out, "Pending child workflows: %d\n", len(ch))
				for _, c := range ch {
					fmt.Fprintf(out, "  %s (id %s)\n", c.GetWorkflowTypeName(), c.GetWorkflowId())
				}
			}
			return nil
		},
	}
	e.add(cmd)
	return cmd
}

func newWorkflowListCommand(g *wfFlags) *cobra.Command {
	var query string
	var limit int
	cmd := &cobra.Command{
		Use:   "list [--query QUERY]",
		Short: "List workflows, the newest first",
		Example: `  tsworker workflow list
  tsworker workflow list --query "WorkflowType='order' AND ExecutionStatus='Running'" --limit 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return fmt.Errorf("--limit %d: want a positive number, or 0 for all", limit)
			}
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			var token []byte
			var rows []proto.Message
			out := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			if !wc.json {
				fmt.Fprintln(tw, "Status\tWorkflowId\tType\tStartTime")
			}
			n := 0
			for {
				resp, err := wc.c.ListWorkflow(cmd.Context(), &workflowservice.ListWorkflowExecutionsRequest{
					Namespace: wc.opts.Namespace, Query: query, NextPageToken: token,
				})
				if err != nil {
					return fmt.Errorf("list workflows: %w", err)
				}
				for _, i := range resp.GetExecutions() {
					if limit > 0 && n == limit {
						break
					}
					n++
					if wc.json {
						rows = append(rows, i)
						continue
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", statusName(i.GetStatus()), i.GetExecution().GetWorkflowId(), i.GetType().GetName(), formatTime(i.GetStartTime().AsTime()))
				}
				token = resp.GetNextPageToken()
				if len(token) == 0 || (limit > 0 && n == limit) {
					break
				}
			}
			if wc.json {
				return writeProtos(out, rows)
			}
			return tw.Flush()
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&query, "query", "q", "", "visibility `QUERY`, e.g. \"WorkflowType='order' AND ExecutionStatus='Running'\" (default: all)")
	fs.IntVar(&limit, "limit", 0, "list at most `N` workflows (default: all)")
	return cmd
}

func newWorkflowShowCommand(g *wfFlags) *cobra.Command {
	var e execFlags
	var followFlag bool
	cmd := &cobra.Command{
		Use:   "show --workflow-id ID",
		Short: "Show a workflow's history: one line per event, or JSON for 'tsworker replay'",
		Example: `  tsworker workflow show -w order-1
  tsworker workflow show -w order-1 --follow
  tsworker workflow show -w order-1 -o json > histories/order-1.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wc, err := g.connect(cmd)
			if err != nil {
				return err
			}
			defer wc.c.Close()
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			it := wc.c.GetWorkflowHistory(ctx, e.workflowID, e.runID, followFlag, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			var events []*historypb.HistoryEvent
			f := follower{w: io.Discard, activities: map[int64]string{}, children: map[int64]string{}}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					if ctx.Err() != nil {
						return errInterrupted
					}
					return fmt.Errorf("history of workflow %s: %w", e.workflowID, err)
				}
				if wc.json {
					events = append(events, ev)
					continue
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\n", ev.GetEventId(), formatTime(ev.GetEventTime().AsTime()), f.fullDescription(ev))
				if followFlag {
					_ = tw.Flush() // as it happens
				}
			}
			if wc.json {
				return writeProto(out, &historypb.History{Events: events})
			}
			return tw.Flush()
		},
	}
	e.add(cmd)
	cmd.Flags().BoolVarP(&followFlag, "follow", "f", false, "keep printing events as they happen, until the run closes")
	return cmd
}

// fullDescription is describe, with the events describe leaves out named
// too: show prints every event.
func (f *follower) fullDescription(ev *historypb.HistoryEvent) string {
	if d := f.describe(ev); d != "" {
		return d
	}
	return ev.GetEventType().String()
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	return strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_")
}

func formatTime(t time.Time) string { return t.Local().Format(time.RFC3339) }

// writeFields prints name-value pairs, aligned.
func writeFields(w io.Writer, fields [][2]string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "  %s\t%s\n", f[0], f[1])
	}
	_ = tw.Flush()
}

// writeValue prints a JSON value on its own line.
func writeValue(w io.Writer, js string) error {
	_, err := fmt.Fprintln(w, js)
	return err
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// jsonProto is the protobuf JSON form the temporal CLI and the Web UI use
// (short enum names), which 'tsworker replay' reads back.
var jsonProto = temporalproto.CustomJSONMarshalOptions{Indent: "  "}

func writeProto(w io.Writer, m proto.Message) error {
	b, err := jsonProto.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeProtos(w io.Writer, ms []proto.Message) error {
	items := make([]json.RawMessage, len(ms))
	for i, m := range ms {
		b, err := temporalproto.CustomJSONMarshalOptions{}.Marshal(m)
		if err != nil {
			return err
		}
		items[i] = b
	}
	return writeJSON(w, items)
}
