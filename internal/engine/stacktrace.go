package engine

import (
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"
)

// The built-in __stack_trace query is answered by the Go SDK itself, before
// any handler: it prints each coroutine's status, and the status of the
// run's loop is the name of the selector it is blocked on. So the loop's
// selector is named after the JS stacks of what the workflow waits on
// (activities, timers, child workflows, conditions ...), captured where the
// workflow code asked for them, as the TypeScript SDK captures the stacks of
// pending promises. The answer then reads:
//
//	coroutine root [blocked on JavaScript promises]
//	    at greet (workflows.ts:12:18)
//	    at example (workflows.ts:20:9)
//
//	[Go selector.Select]:
//	... Go stack of the loop
//
// Stacks are formatted once, when an operation starts; identical stacks
// (a thousand activities started on one line) count once.

// maxStackFrames bounds the frames kept per stack.
const maxStackFrames = 10

// waitStack returns the formatted JS stack of the code running now, or,
// when no JS is on the stack (an operation started from a callback), the
// stack of the operation whose callback runs.
func (r *run) waitStack() string {
	var b strings.Builder
	n := 0
	for _, f := range r.vm.CaptureCallStack(maxStackFrames+4, nil) {
		pos := f.Position()
		name := f.FuncName()
		switch {
		case strings.HasSuffix(pos.Filename, "tsworker-classes.js"):
			continue
		case pos.Filename == "" && (name == "" || n > 0):
			continue // only the API function called, such as sleep
		case name == "":
			name = "<anonymous>"
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		if pos.Filename == "" {
			// A host function: goja names it after the Go method,
			// "<pkg>.(*run).sleep-fm"; the JS name is the method's.
			name = strings.TrimSuffix(name[strings.LastIndexByte(name, '.')+1:], "-fm")
		}
		b.WriteString("    at ")
		b.WriteString(name)
		if pos.Filename == "" {
			b.WriteString(" (@temporalio/workflow)")
		} else {
			b.WriteString(" (")
			b.WriteString(pos.String())
			b.WriteByte(')')
		}
		if n++; n == maxStackFrames {
			break
		}
	}
	if n == 0 {
		return r.cbStack
	}
	return b.String()
}

// stackCount is one distinct stack of pending operations and how many
// there are. A run has a few distinct stacks at most, so a slice is lighter
// than a map in every cached run.
type stackCount struct {
	stack string
	n     int
}

// holdStack counts one more pending operation started at stack s and
// returns s, shared with the other operations started at the same stack.
func (r *run) holdStack(s string) string {
	if s == "" {
		return ""
	}
	for i := range r.stacks {
		if r.stacks[i].stack == s {
			r.stacks[i].n++
			return r.stacks[i].stack
		}
	}
	r.stacks = append(r.stacks, stackCount{s, 1})
	r.stacksChanged = true
	return s
}

// releaseStack counts one pending operation started at stack s less.
func (r *run) releaseStack(s string) {
	if s == "" {
		return
	}
	for i := range r.stacks {
		if r.stacks[i].stack == s {
			if r.stacks[i].n--; r.stacks[i].n == 0 {
				r.stacks = slices.Delete(r.stacks, i, i+1)
				r.stacksChanged = true
			}
			return
		}
	}
}

// nameSelector renames the loop's selector after the pending stacks when
// their set changed since the selector was made.
func (r *run) nameSelector() {
	if !r.stacksChanged {
		return
	}
	r.stacksChanged = false
	name := "selector"
	if len(r.stacks) > 0 {
		keys := make([]string, len(r.stacks))
		for i, sc := range r.stacks {
			keys[i] = sc.stack
		}
		slices.Sort(keys)
		name = "JavaScript promises]\n" + strings.Join(keys, "\n\n") + "\n\n[Go selector"
	}
	if name != r.selName {
		r.selName = name
		r.rebuildSelector()
	}
}

// newLoopSelector makes an empty selector named for __stack_trace.
func (r *run) newLoopSelector() workflow.Selector {
	if r.selName == "" {
		return workflow.NewSelector(r.ctx)
	}
	return workflow.NewNamedSelector(r.ctx, r.selName)
}
