package worker

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/engine"
)

// Diagnostics makes a live worker explain non-determinism as a replay
// report does. When code changed under running workflows, the Go SDK fails
// the workflow task with its own terse message ("[TMPRL1100] lookup failed
// for scheduledEventID to activityID ..."); with Diagnostics the failure
// shown in the Web UI (and in DescribeWorkflowExecution) also says which
// event the history has, which command the code now makes instead, and the
// JS file:line that made it:
//
//	[TMPRL1100] nondeterministic: history event 5 is ActivityTaskScheduled greet,
//	where the code now schedules activity farewell (at workflows.ts:12:5) (Go SDK: ...)
//
// The Go SDK reports task failures only through the client's logger and
// failure converter, so Diagnostics hooks into both, and records the
// commands of runs that replay on the worker:
//
//	diag := worker.NewDiagnostics()
//	c, err := sdkclient.Dial(diag.ClientOptions(sdkclient.Options{HostPort: ...}))
//	w, err := worker.New(c, "orders", worker.Options{Workflows: "workflows.ts", Diagnostics: diag})
//
// tsworker dev and tsworker run set it up. It costs nothing on runs that do
// not replay; a run replaying from history (after a worker restart or a
// cache eviction) records its commands until it has caught up.
type Diagnostics struct {
	mu     sync.Mutex
	runs   map[string]*liveRun // runs replaying now, by run ID
	ended  []*liveRun          // runs whose replay stopped short, newest last
	failed map[error]failedTask
	client client.Client
}

// maxEnded bounds the runs kept after their replay stopped short, until the
// failure converter asks for them.
const maxEnded = 64

// maxRecorded bounds the commands recorded per run.
const maxRecorded = 10000

// liveRun is what a replaying run asked for so far.
type liveRun struct {
	runID      string
	exec       *execution // the execution of the workflow function recorded
	commands   []command
	caughtUpAt int // history length when it first ran past the history
}

// failedTask is a workflow task the Go SDK failed with non-determinism.
type failedTask struct {
	workflowID, runID string
}

// NewDiagnostics returns Diagnostics to give to a client (ClientOptions) and
// to the workers on it (Options.Diagnostics).
func NewDiagnostics() *Diagnostics {
	return &Diagnostics{runs: map[string]*liveRun{}, failed: map[error]failedTask{}}
}

// ClientOptions returns o with its Logger and FailureConverter wrapped by
// Logger and FailureConverter.
func (d *Diagnostics) ClientOptions(o client.Options) client.Options {
	o.Logger = d.Logger(o.Logger)
	o.FailureConverter = d.FailureConverter(o.FailureConverter)
	return o
}

// Logger wraps the client's logger (nil: slog's default logger) to notice
// workflow tasks failed with non-determinism.
func (d *Diagnostics) Logger(base log.Logger) log.Logger {
	if base == nil {
		base = log.NewStructuredLogger(slog.Default())
	}
	return &diagLogger{Logger: base, d: d}
}

// FailureConverter wraps the client's failure converter (nil: the Go SDK's
// default) to explain the failures of those tasks.
func (d *Diagnostics) FailureConverter(base converter.FailureConverter) converter.FailureConverter {
	if base == nil {
		base = temporal.GetDefaultFailureConverter()
	}
	return &diagConverter{FailureConverter: base, d: d}
}

// attach gives d the client to read histories with.
func (d *Diagnostics) attach(c client.Client) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.client == nil {
		d.client = c
	}
}

// execution returns the commandSink of one execution of a workflow
// function, for the workers' recording interceptor.
func (d *Diagnostics) execution() commandSink { return &execution{d: d} }

// execution is one execution of a workflow function on a worker. The
// commands are recorded per execution, not only per run ID: when a run is
// replayed anew (a worker replaced by one with new code, a cache eviction,
// a retried task), the execution it replaces unwinds concurrently, and its
// end must neither close nor take the new execution's record.
type execution struct {
	d *Diagnostics
}

func (e *execution) start(ctx workflow.Context) { e.d.start(ctx, e) }
func (e *execution) record(ctx workflow.Context, kind, detail string) {
	e.d.record(ctx, e, kind, detail)
}
func (e *execution) end(ctx workflow.Context) { e.d.end(ctx, e) }

func (d *Diagnostics) start(ctx workflow.Context, e *execution) {
	if !workflow.IsReplaying(ctx) {
		return // a new run: nothing to compare
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.RunID
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ended = slices.DeleteFunc(d.ended, func(r *liveRun) bool { return r.runID == id })
	d.runs[id] = &liveRun{runID: id, exec: e}
}

func (d *Diagnostics) record(ctx workflow.Context, e *execution, kind, detail string) {
	info := workflow.GetInfo(ctx)
	id := info.WorkflowExecution.RunID
	d.mu.Lock()
	r := d.runs[id]
	if r != nil && r.exec != e {
		r = nil // an execution the run's replay replaced
	}
	if r != nil && !workflow.IsReplaying(ctx) {
		// The Go SDK matches the commands of a task against the history
		// when the whole task has run, so the commands the run makes after
		// it caught up count too, until its next task.
		n := info.GetCurrentHistoryLength()
		switch {
		case r.caughtUpAt == 0:
			r.caughtUpAt = n
		case n > r.caughtUpAt:
			delete(d.runs, id) // the task of the catch-up went through
			r = nil
		}
	}
	if r != nil && len(r.commands) >= maxRecorded {
		r = nil
	}
	d.mu.Unlock()
	if r == nil {
		return
	}
	c := command{kind: kind, detail: detail, where: engine.SourceLocation(ctx)}
	d.mu.Lock()
	r.commands = append(r.commands, c)
	d.mu.Unlock()
}

func (d *Diagnostics) end(ctx workflow.Context, e *execution) {
	id := workflow.GetInfo(ctx).WorkflowExecution.RunID
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.runs[id]
	if r == nil || r.exec != e {
		return // not replaying, or an execution the run's replay replaced
	}
	// The run stopped while replaying: its task probably failed. Keep it
	// for the failure converter, which runs after.
	delete(d.runs, id)
	d.ended = append(d.ended, r)
	if len(d.ended) > maxEnded {
		d.ended = append(d.ended[:0], d.ended[len(d.ended)-maxEnded:]...)
	}
}

// noteFailure remembers a task failure the Go SDK logged, by its error.
func (d *Diagnostics) noteFailure(err error, t failedTask) {
	if err == nil || !reflect.TypeOf(err).Comparable() || !nondetMarker.MatchString(err.Error()) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.failed) > maxEnded {
		clear(d.failed) // failures never converted; should not happen
	}
	d.failed[err] = t
}

// explain returns tsworker's account of the non-determinism behind err, or
// "" when err is not a logged non-determinism failure or there is nothing
// certain to say.
func (d *Diagnostics) explain(err error) string {
	if err == nil || !reflect.TypeOf(err).Comparable() {
		return ""
	}
	d.mu.Lock()
	t, ok := d.failed[err]
	delete(d.failed, err)
	r := d.runs[t.runID]
	for i := len(d.ended) - 1; r == nil && i >= 0; i-- {
		if d.ended[i].runID == t.runID {
			r = d.ended[i]
		}
	}
	var code []command
	if r != nil {
		code = append(code, r.commands...)
	}
	c := d.client
	d.mu.Unlock()
	if !ok || c == nil || len(code) == 0 {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := fetchHistory(ctx, c, t.workflowID, t.runID)
	if err != nil {
		return ""
	}
	return firstDifference(historyCommands(h), code)
}

// diagLogger passes everything on and notes the workflow task failures
// the Go SDK's worker logs ("Failed to process workflow task.", with the
// run and the error), for diagConverter.
type diagLogger struct {
	log.Logger
	d *Diagnostics
}

func (l *diagLogger) Warn(msg string, keyvals ...any) {
	if msg == sdkTaskFailedMsg {
		var t failedTask
		var err error
		for i := 0; i+1 < len(keyvals); i += 2 {
			switch keyvals[i] {
			case "WorkflowID":
				t.workflowID, _ = keyvals[i+1].(string)
			case "RunID":
				t.runID, _ = keyvals[i+1].(string)
			case "Error":
				err, _ = keyvals[i+1].(error)
			}
		}
		if t.runID != "" {
			l.d.noteFailure(err, t)
		}
	}
	l.Logger.Warn(msg, keyvals...)
}

// WithCallerSkip implements log.WithSkipCallers, keeping the hook.
func (l *diagLogger) WithCallerSkip(depth int) log.Logger {
	return &diagLogger{Logger: log.Skip(l.Logger, depth), d: l.d}
}

// diagConverter adds tsworker's account to the failures of workflow tasks
// failed with non-determinism. A failure whose message the base converter
// encoded (a codec's EncodeCommonAttributes) is left as it is.
type diagConverter struct {
	converter.FailureConverter
	d *Diagnostics
}

func (c *diagConverter) ErrorToFailure(err error) *failurepb.Failure {
	f := c.FailureConverter.ErrorToFailure(err)
	if f == nil || f.GetEncodedAttributes() != nil {
		return f
	}
	if why := c.d.explain(err); why != "" {
		f.Message = "[TMPRL1100] nondeterministic: " + why + " (Go SDK: " + strings.TrimSpace(f.GetMessage()) + ")"
	}
	return f
}
