package crashtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// EnvLedger names the ledger file of a failover worker process.
const EnvLedger = "TSWORKER_CRASHTEST_LEDGER"

// Ledger holds the activities of the failover tests: their side effects are
// lines appended to one file that every worker process shares, so the
// test can count what ran where, including on processes it killed.
type Ledger struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

// NewLedger returns the activities writing to the ledger file at path.
func NewLedger(path string) *Ledger { return &Ledger{path: path} }

// ChargeInput is the input of Charge.
type ChargeInput struct {
	ID      int `json:"id"`
	Step    int `json:"step"`
	Version int `json:"version,omitempty"` // the workflow code's version; 0 means 1
}

// Charge is an activity with a side effect: it writes "start" to the
// ledger, works 150 to 450ms (a duration its input decides), writes
// "charge", its side effect, and returns a value derived from its input.
// A process killed between the side effect and the completion reaching the
// server makes the retry charge again: activities run at least once.
func (l *Ledger) Charge(ctx context.Context, in ChargeInput) (string, error) {
	attempt := activity.GetInfo(ctx).Attempt
	if err := l.write("start", in, attempt); err != nil {
		return "", err
	}
	d := time.Duration(150+(in.ID*37+in.Step*53)%301) * time.Millisecond
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if err := l.write("charge", in, attempt); err != nil {
		return "", err
	}
	return ChargeResult(in), nil
}

// ChargeResult is what Charge returns for in.
func ChargeResult(in ChargeInput) string {
	v := max(in.Version, 1)
	return fmt.Sprintf("v%d %d/%d:%d", v, in.ID, in.Step, in.ID*31+in.Step*in.Step*7+v*1000)
}

// write appends one line: what, id, step, version, attempt, pid, time.
// Lines are short and written with one write call on an O_APPEND file, so
// the lines of several processes do not interleave.
func (l *Ledger) write(what string, in ChargeInput, attempt int32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		l.f = f
	}
	line := fmt.Sprintf("%s %d %d %d %d %d %d\n", what, in.ID, in.Step, max(in.Version, 1), attempt, os.Getpid(), time.Now().UnixNano())
	if _, err := l.f.WriteString(line); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}
