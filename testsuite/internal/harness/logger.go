package harness

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/log"
)

// Logger writes log lines to t.Log, which shows them for failed tests and
// with -v. Debug lines are dropped: the Go SDK's test environment writes
// one for every timer it skips. Lines that come after the test has ended
// (from an activity still running, say) are dropped too, because t.Log
// then panics.
type Logger struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

// NewLogger returns a Logger for t; it stops logging when t ends.
func NewLogger(t testing.TB) *Logger {
	l := &Logger{t: t}
	t.Cleanup(func() {
		l.mu.Lock()
		l.done = true
		l.mu.Unlock()
	})
	return l
}

func (l *Logger) log(level, msg string, keyvals []any) {
	var b strings.Builder
	b.WriteString(level)
	b.WriteByte(' ')
	b.WriteString(msg)
	for i := 0; i < len(keyvals); i += 2 {
		b.WriteByte(' ')
		fmt.Fprint(&b, keyvals[i])
		b.WriteByte('=')
		if i+1 < len(keyvals) {
			fmt.Fprintf(&b, "%v", keyvals[i+1])
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Helper()
		l.t.Log(b.String())
	}
}

// Debug drops msg.
func (l *Logger) Debug(string, ...any) {}

// Info logs msg.
func (l *Logger) Info(msg string, keyvals ...any) {
	l.t.Helper() // safe after the test ends; Log is not
	l.log("INFO", msg, keyvals)
}

// Warn logs msg.
func (l *Logger) Warn(msg string, keyvals ...any) {
	l.t.Helper() // safe after the test ends; Log is not
	l.log("WARN", msg, keyvals)
}

// Error logs msg.
func (l *Logger) Error(msg string, keyvals ...any) {
	l.t.Helper() // safe after the test ends; Log is not
	l.log("ERROR", msg, keyvals)
}

var _ log.Logger = (*Logger)(nil)
