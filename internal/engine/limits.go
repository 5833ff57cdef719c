package engine

import (
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// Limits bound what one run's JavaScript may do in one go. A run over a
// limit is interrupted and its workflow task fails (and is retried later),
// as with the TypeScript SDK's isolate execution timeout; the worker and
// other runs go on.
type Limits struct {
	// ExecutionTimeout bounds how long JS may run without yielding (waiting
	// on an activity, timer, condition, ...). Zero means 5s, the TypeScript
	// SDK's default isolate execution timeout.
	ExecutionTimeout time.Duration
	// MemoryBudget bounds how much the live Go heap (what the garbage
	// collector finds reachable) may grow while one run's JS runs without
	// yielding. Zero means 256 MiB. Garbage does not count: a loop that
	// allocates and drops objects is stopped by ExecutionTimeout instead.
	// The heap is the process's, so with several runs executing JS at once
	// each may grow it by a budget before they are stopped, and a run
	// executing JS beside one that overflows may be stopped with it (its
	// workflow task is retried).
	MemoryBudget uint64
	// MaxCallStackSize bounds JS recursion depth. Zero means 10000 frames.
	MaxCallStackSize int
}

func (l Limits) withDefaults() Limits {
	if l.ExecutionTimeout <= 0 {
		l.ExecutionTimeout = 5 * time.Second
	}
	if l.MemoryBudget == 0 {
		l.MemoryBudget = 256 << 20
	}
	if l.MaxCallStackSize <= 0 {
		l.MaxCallStackSize = 10000
	}
	return l
}

// watchdog interrupts a run's VM that runs for too long or allocates too
// much. It only costs a timer while JS runs; checks happen every tick.
type watchdog struct {
	limits Limits
	vm     *goja.Runtime

	depth int // nesting of enter/leave, touched only by the run's goroutine

	// With timed set, leave adds each stretch's duration to busy (for the
	// JS time metric). Both are touched only by the run's coroutines, one at
	// a time.
	timed bool
	busy  time.Duration

	mu     sync.Mutex
	active bool
	start  time.Time
	heap0  uint64 // live heap at the stretch's first tick; 0 before
	sample []metrics.Sample
	timer  *time.Timer
	reason error // why the VM was interrupted, if it was
}

const watchdogTick = 25 * time.Millisecond

// enter marks the start of a stretch of JS execution.
func (w *watchdog) enter() {
	w.depth++
	if w.depth > 1 {
		return
	}
	activeSlices.Add(1)
	w.mu.Lock()
	w.active = true
	w.start = time.Now()
	w.heap0 = 0 // read at the first tick: short stretches never pay for it
	w.reason = nil
	// One timer per run, armed again for each stretch.
	if w.timer == nil {
		w.timer = time.AfterFunc(watchdogTick, w.check)
	} else {
		w.timer.Reset(watchdogTick)
	}
	w.mu.Unlock()
}

// leave marks its end. It returns why the VM was interrupted, if it was.
func (w *watchdog) leave() error {
	w.depth--
	if w.depth > 0 {
		return nil
	}
	activeSlices.Add(-1)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.active = false
	if w.timed {
		w.busy += time.Since(w.start)
	}
	if w.timer != nil {
		w.timer.Stop()
	}
	reason := w.reason
	if reason != nil {
		w.reason = nil
		w.vm.ClearInterrupt()
	}
	return reason
}

// check runs on the timer's goroutine, every tick while JS runs. A tick
// of the previous stretch that fired as it ended may come late, during the
// next one: it then checks that one a little early, which is harmless.
func (w *watchdog) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.active {
		return
	}
	switch {
	case time.Since(w.start) > w.limits.ExecutionTimeout:
		w.reason = fmt.Errorf("Script execution timed out after %dms", w.limits.ExecutionTimeout.Milliseconds())
	case w.overBudget():
		w.reason = fmt.Errorf("Workflow code exceeded its memory budget: it allocated more than %d MiB without yielding (see the worker's memory budget option)", w.limits.MemoryBudget>>20)
	default:
		w.timer.Reset(watchdogTick)
		return
	}
	w.vm.Interrupt(w.reason)
}

// overBudget reports whether the live heap grew by more than the budget
// since the stretch's first tick, by more than one budget per run executing
// JS when several do (the heap is shared, so growth cannot be attributed to
// one of them).
//
// The live heap is what the last garbage collection found reachable, so
// garbage never counts: a loop that allocates and drops objects is not a
// memory hog (the heap in use, garbage included, grows by up to GOGC percent
// of the live heap between collections, more with GOGC=off and a memory
// limit). Memory that is kept is seen at the next collection, which a run
// that keeps allocating brings about soon.
func (w *watchdog) overBudget() bool {
	live := w.liveHeap()
	if w.heap0 == 0 {
		w.heap0 = live
		return false
	}
	n := uint64(max(activeSlices.Load(), 1))
	return live > w.heap0 && live-w.heap0 > n*w.limits.MemoryBudget
}

// activeSlices counts runs executing JS right now, in this process.
var activeSlices atomic.Int32

// liveHeap reads the process's live heap, as of the last garbage
// collection. Only the watchdog's timer goroutine calls it, under w.mu.
func (w *watchdog) liveHeap() uint64 {
	if w.sample == nil {
		w.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	}
	metrics.Read(w.sample)
	if w.sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return max(w.sample[0].Value.Uint64(), 1)
}

// uncatchable describes goja's uncatchable errors (interrupts, stack
// overflow), keeping a short stack.
func (l *loop) uncatchable(err error) (msg string, ok bool) {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		l.lastStack = shortStack(ie.String())
		return fmt.Sprint(ie.Value()), true
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		l.lastStack = shortStack(so.String())
		return "RangeError: Maximum call stack size exceeded", true
	}
	return "", false
}

// shortStack drops a stack's first line (the message) and keeps at most 12
// frames.
func shortStack(s string) string {
	lines := strings.Split(jsstack.Clean(s), "\n")
	if len(lines) > 0 && !strings.HasPrefix(lines[0], "    at ") {
		lines = lines[1:]
	}
	if len(lines) > 12 {
		lines = append(lines[:12], fmt.Sprintf("    ... %d more frames", len(lines)-12))
	}
	return strings.Join(lines, "\n")
}
