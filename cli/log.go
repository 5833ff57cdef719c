package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	sdklog "go.temporal.io/sdk/log"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// devLog is the Go SDK logger of `tsworker dev`, and what it learnt from
// the engine's records of workflow tasks that JS code failed.
type devLog struct {
	sdklog.Logger
	h *devHandler
}

// newDevLogger returns the Go SDK logger of `tsworker dev`: short lines
// without the identifiers every record carries (namespace, task queue,
// worker and run ids), so what workflows log with log.info stands out.
func newDevLogger(w io.Writer, levelFlag string) (*devLog, error) {
	level, on, err := parseLogLevel(levelFlag)
	if err != nil {
		return nil, err
	}
	state := &devLogState{jsFailed: map[string]bool{}, lastJS: map[string]jsFailure{}}
	h := &devHandler{w: w, level: level, off: !on, mu: &sync.Mutex{}, state: state}
	return &devLog{Logger: sdklog.NewStructuredLogger(slog.New(h)), h: h}, nil
}

// quiet stops the logger: what the worker logs while it stops (cancelled
// activities, closed connections) is what Ctrl-C asked for.
func (l *devLog) quiet() { l.h.state.quiet.Store(true) }

// jsTaskFailure returns how JS code last failed a workflow task of the
// workflow with this id, as the engine logged it (at any log level).
func (l *devLog) jsTaskFailure(workflowID string) (jsFailure, bool) {
	l.h.mu.Lock()
	defer l.h.mu.Unlock()
	f, ok := l.h.state.lastJS[workflowID]
	return f, ok
}

// jsFailure is a workflow task failed by JS code, in JS terms.
type jsFailure struct {
	where string // file:line:column of the innermost frame of the workflow code, or ""
	head  string // "TypeError: message"
	stack string // the JS stack, without goja offsets and built-in frames
}

// newJSFailure reads the engine's record of a JS task failure: the error's
// message and its JS stack.
func newJSFailure(errMsg, stack string) jsFailure {
	stack = jsstack.Clean(stack)
	lines := strings.Split(stack, "\n")
	head := strings.TrimSpace(lines[0])
	if head == "" || !strings.Contains(head, errMsg) {
		head = errMsg
	}
	f := jsFailure{head: head, stack: stack}
	for _, l := range lines[1:] {
		if loc := frameLocation(l); loc != "" {
			f.where = loc
			break
		}
	}
	return f
}

// devNoise are attributes the Go SDK adds to every workflow and activity
// log record; in development they only hide the message.
var devNoise = map[string]bool{
	"Namespace": true, "TaskQueue": true, "WorkerID": true, "RunID": true, "Attempt": true,
	"WorkflowID": true, "ActivityID": true,
}

// devQuiet are worker life-cycle messages that a reload would repeat.
var devQuiet = map[string]bool{"Started Worker": true, "Stopped Worker": true}

// devHandler writes "  [info] message key=value ..." lines.
type devHandler struct {
	w      io.Writer
	level  slog.Level
	off    bool // --log-level off: only JS task failures are read, for jsTaskFailure
	attrs  []slog.Attr
	prefix string // group prefix
	mu     *sync.Mutex
	state  *devLogState // shared by the handler's copies, under mu
}

// devLogState remembers the runs whose workflow task the JS code failed
// (the engine logs the JS error, with its stack, under jsStackKey), so that
// the Go SDK's records of the same failure ("Workflow panic" with the Go
// stack, "Failed to process workflow task.") are left out, and the last
// such failure of each workflow, which the task failure in its history
// does not carry (the Go SDK writes its own stack there).
type devLogState struct {
	jsFailed map[string]bool      // run ids
	lastJS   map[string]jsFailure // by workflow id
	quiet    atomic.Bool          // stopping: log nothing more
}

// The Go SDK's records of a failed workflow task, and the attribute the
// engine logs a JS stack under.
const (
	sdkPanicMsg      = "Workflow panic"
	sdkTaskFailedMsg = "Failed to process workflow task."
	jsStackKey       = "JSStack"
)

// maxJSFailedRuns bounds devLogState.jsFailed and lastJS; past it, a set
// starts over.
const maxJSFailedRuns = 1000

// Enabled lets error records through at any level: the engine's record of
// a JS task failure is read even when it is not shown.
func (h *devHandler) Enabled(_ context.Context, l slog.Level) bool {
	return (l >= h.level && !h.off || l >= slog.LevelError) && !h.state.quiet.Load()
}

func (h *devHandler) Handle(_ context.Context, r slog.Record) error {
	show := r.Level >= h.level && !h.off
	if !show && r.Level < slog.LevelError || r.Level < slog.LevelWarn && devQuiet[r.Message] {
		return nil
	}
	attr := func(key string) string {
		v := ""
		find := func(a slog.Attr) bool {
			if a.Key == key {
				v = a.Value.Resolve().String()
				return false
			}
			return true
		}
		for _, a := range h.attrs {
			if !find(a) {
				return v
			}
		}
		r.Attrs(find)
		return v
	}
	runID := attr("RunID")
	if jsStack := attr(jsStackKey); jsStack != "" {
		return h.jsTaskFailure(r, show, runID, attr("WorkflowID"), attr("WorkflowType"), newJSFailure(attr("Error"), jsStack))
	}
	if !show {
		return nil
	}
	if (r.Message == sdkPanicMsg || r.Message == sdkTaskFailedMsg) && runID != "" {
		h.mu.Lock()
		seen := h.state.jsFailed[runID]
		if r.Message == sdkTaskFailedMsg {
			delete(h.state.jsFailed, runID)
		}
		h.mu.Unlock()
		if seen {
			return nil // said already, in JS terms
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  [%s] %s", strings.ToLower(r.Level.String()), r.Message)
	write := func(a slog.Attr) {
		if devNoise[a.Key] || a.Equal(slog.Attr{}) {
			return
		}
		v := a.Value.Resolve().String()
		if a.Key == "StackTrace" && isGoStack(v) {
			return // the Go SDK's coroutine, not the JS code
		}
		v = firstLine(strings.TrimSpace(v))
		if strings.ContainsAny(v, " \t\n\"=") || v == "" {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&b, " %s%s=%s", h.prefix, a.Key, v)
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(func(a slog.Attr) bool {
		write(a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// jsTaskFailure remembers the engine's record of a workflow task failed by
// JS code and, if shown, writes it as one line: the workflow, the JS
// location and the JS error.
func (h *devHandler) jsTaskFailure(r slog.Record, show bool, runID, workflowID, workflowType string, f jsFailure) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if workflowID != "" {
		if len(h.state.lastJS) >= maxJSFailedRuns {
			clear(h.state.lastJS)
		}
		h.state.lastJS[workflowID] = f
	}
	if !show {
		return nil
	}
	if runID != "" {
		if len(h.state.jsFailed) >= maxJSFailedRuns {
			clear(h.state.jsFailed)
		}
		h.state.jsFailed[runID] = true
	}
	_, err := fmt.Fprintf(h.w, "  [%s] workflow %s: workflow task failed%s: %s (the task is retried; fix the code and save)\n",
		strings.ToLower(r.Level.String()), workflowType, f.at(), f.head)
	return err
}

// at is " at file:line:column", or "" when the location is not known.
func (f jsFailure) at() string {
	if f.where == "" {
		return ""
	}
	return " at " + f.where
}

// frameLocation is the file:line:column of a stack line
// "    at fn (workflows.ts:3:5)" or "    at workflows.ts:3:5", or "".
func frameLocation(l string) string {
	l = strings.TrimSpace(l)
	if !strings.HasPrefix(l, "at ") {
		return ""
	}
	l = strings.TrimPrefix(l, "at ")
	if i := strings.LastIndexByte(l, '('); i >= 0 && strings.HasSuffix(l, ")") {
		l = l[i+1 : len(l)-1]
	}
	if !strings.Contains(l, ":") {
		return ""
	}
	return l
}

func (h *devHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *devHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}
