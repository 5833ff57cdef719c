package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	sdklog "go.temporal.io/sdk/log"
)

// newDevLogger returns the Go SDK logger of `tsworker dev`: short lines
// without the identifiers every record carries (namespace, task queue,
// worker and run ids), so what workflows log with log.info stands out.
func newDevLogger(w io.Writer, levelFlag string) (sdklog.Logger, error) {
	level, on, err := parseLogLevel(levelFlag)
	if err != nil {
		return nil, err
	}
	if !on {
		return sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)), nil
	}
	return sdklog.NewStructuredLogger(slog.New(&devHandler{w: w, level: level, mu: &sync.Mutex{}})), nil
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
	attrs  []slog.Attr
	prefix string // group prefix
	mu     *sync.Mutex
}

func (h *devHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *devHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn && devQuiet[r.Message] {
		return nil
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
