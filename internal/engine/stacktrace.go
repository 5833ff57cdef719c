package engine

import (
	"slices"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja/file"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// builtinModuleFrame is the location waitStack gives the API function on
// top of a stack.
const builtinModuleFrame = "@temporalio/workflow"

// maxStackFrames bounds the frames kept per stack.
const maxStackFrames = 10

// waitStack returns the formatted JS stack of the code running now, or,
// when no JS is on the stack (an operation started from a callback), the
// stack of the operation whose callback runs.
func (l *loop) waitStack() string {
	var buf [stackKeyLen]goja.StackFrame
	frames := l.vm.CaptureCallStack(maxStackFrames+4, buf[:0])
	var s string
	if l.frames == nil || len(frames) > stackKeyLen {
		s = formatStack(frames, nil)
	} else {
		s = l.frames.stack(frames)
	}
	if s == "" {
		return l.cbStack
	}
	return s
}

// formatStack formats frames as waitStack does, with the positions of fc
// (nil: resolved each time).
func formatStack(frames []goja.StackFrame, fc *frameCache) string {
	var b strings.Builder
	n := 0
	for i := range frames {
		f := &frames[i]
		pos := fc.position(f)
		name := f.FuncName()
		switch {
		case jsstack.BuiltinFile(pos.Filename):
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
			b.WriteString(" (" + builtinModuleFrame + ")")
		} else {
			b.WriteString(" (")
			b.WriteString(pos.String())
			b.WriteByte(')')
		}
		if n++; n == maxStackFrames {
			break
		}
	}
	return b.String()
}

// stackKeyLen is the most frames of a stack frameCache keeps the text of.
const stackKeyLen = maxStackFrames + 6

// stackKey is a captured stack as a map key: goja's frames are comparable
// (program, function name, program counter), the rest zero.
type stackKey [stackKeyLen]goja.StackFrame

// Bounds of a frameCache: code has few places that await, but the stacks
// leading there may vary without end.
const (
	maxCachedStacks    = 2048
	maxCachedPositions = 8192
)

// frameCache keeps the formatted stacks of waitStack and the source
// positions of frames, shared by the runs of one Workflows. goja resolves a
// frame's position through the bundle's source map, parsing URLs, on every
// call, while a run awaits at the same few places again and again.
type frameCache struct {
	mu        sync.Mutex
	stacks    map[stackKey]string
	positions map[goja.StackFrame]file.Position
}

func newFrameCache() *frameCache {
	return &frameCache{stacks: map[stackKey]string{}, positions: map[goja.StackFrame]file.Position{}}
}

// stack returns formatStack(frames), at most stackKeyLen of them.
func (fc *frameCache) stack(frames []goja.StackFrame) string {
	var k stackKey
	copy(k[:], frames)
	fc.mu.Lock()
	s, ok := fc.stacks[k]
	fc.mu.Unlock()
	if ok {
		return s
	}
	s = formatStack(frames, fc)
	fc.mu.Lock()
	if len(fc.stacks) < maxCachedStacks {
		fc.stacks[k] = s
	}
	fc.mu.Unlock()
	return s
}

// position returns f's source position; fc may be nil.
func (fc *frameCache) position(f *goja.StackFrame) file.Position {
	if fc == nil {
		return f.Position()
	}
	fc.mu.Lock()
	p, ok := fc.positions[*f]
	fc.mu.Unlock()
	if ok {
		return p
	}
	p = f.Position()
	fc.mu.Lock()
	if len(fc.positions) < maxCachedPositions {
		fc.positions[*f] = p
	}
	fc.mu.Unlock()
	return p
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
func (l *loop) holdStack(s string) string {
	if s == "" {
		return ""
	}
	for i := range l.stacks {
		if l.stacks[i].stack == s {
			l.stacks[i].n++
			return l.stacks[i].stack
		}
	}
	l.stacks = append(l.stacks, stackCount{s, 1})
	l.stacksChanged = true
	return s
}

// releaseStack counts one pending operation started at stack s less.
func (l *loop) releaseStack(s string) {
	if s == "" {
		return
	}
	for i := range l.stacks {
		if l.stacks[i].stack == s {
			if l.stacks[i].n--; l.stacks[i].n == 0 {
				l.stacks = slices.Delete(l.stacks, i, i+1)
				l.stacksChanged = true
			}
			return
		}
	}
}

// nameSelector renames the loop's selector after the pending stacks when
// their set changed since the selector was made.
func (l *loop) nameSelector() {
	if !l.stacksChanged {
		return
	}
	l.stacksChanged = false
	name := "" // jsstack.IdleSelectorName
	if len(l.stacks) > 0 {
		keys := make([]string, len(l.stacks))
		for i, sc := range l.stacks {
			keys[i] = sc.stack
		}
		slices.Sort(keys)
		name = selectorNamePrefix + strings.Join(keys, "\n\n") + selectorNameSuffix
	}
	if name != l.selName {
		l.selName = name
		l.rebuildSelector()
	}
}

// newLoopSelector makes an empty selector named for __stack_trace.
func (l *loop) newLoopSelector() workflow.Selector {
	if l.selName == "" {
		return workflow.NewNamedSelector(l.ctx, jsstack.IdleSelectorName)
	}
	return workflow.NewNamedSelector(l.ctx, l.selName)
}
