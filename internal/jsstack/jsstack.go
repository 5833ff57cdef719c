// Package jsstack shapes the JS stacks tsworker shows: stacks as goja
// writes them, cleaned to read as V8 stacks, and the Go SDK's answer to the
// __stack_trace query, cut down to the JS stacks the engine put in it.
package jsstack

import (
	"regexp"
	"strings"
)

// Clean returns a JS stack as goja writes it (error.stack, an interrupt's
// stack) the way its author reads a V8 stack: frames indented "    at ",
// positions "file.ts:3:5" without the program counter goja appends
// ("file.ts:3:5(12)"), and no frames of tsworker's built-in module (its JS,
// its error classes, its Go host functions, the bundle's entry wrapper). A
// trailing newline is dropped; other lines are kept as they are, so a stack
// from elsewhere (another SDK, a failure from history) passes unchanged.
func Clean(s string) string {
	s = strings.TrimRight(s, "\n")
	if !strings.Contains(s, "at ") {
		return s
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		frame, ok := strings.CutPrefix(strings.TrimLeft(l, " \t"), "at ")
		if !ok {
			out = append(out, l)
			continue
		}
		frame = gojaOffset.ReplaceAllString(frame, "$1")
		if builtinFrame(frame) {
			continue
		}
		out = append(out, "    at "+frame)
	}
	return strings.Join(out, "\n")
}

// gojaOffset is the program counter goja writes after a frame's column.
var gojaOffset = regexp.MustCompile(`(:\d+:\d+)\(\d+\)`)

// builtinFrame tells a frame ("name (file:line:col)", "file:line:col",
// "name (native)") of tsworker's built-in module.
func builtinFrame(frame string) bool {
	name, loc := "", frame
	if i := strings.LastIndex(frame, " ("); i >= 0 && strings.HasSuffix(frame, ")") {
		name, loc = frame[:i], frame[i+2:len(frame)-1]
	}
	if loc == "native" {
		// goja names a Go host function after the Go function,
		// "github.com/.../engine.(*run).sleep-fm"; JS built-ins have
		// plain names.
		return strings.Contains(name, "/") || strings.HasSuffix(name, "-fm")
	}
	if i := strings.LastIndexByte(loc, ':'); i >= 0 {
		if j := strings.LastIndexByte(loc[:i], ':'); j >= 0 {
			loc = loc[:j] // the file
		}
	}
	return BuiltinFile(loc)
}

// BuiltinFile tells a source file of tsworker's built-in module: the
// modules the bundler resolves @temporalio/workflow (and Node built-ins) to,
// the bundle's entry wrapper, and the error classes every run evaluates.
func BuiltinFile(name string) bool {
	return strings.HasPrefix(name, "tsworker:") || strings.HasPrefix(name, "tsworker-node:") ||
		strings.HasSuffix(name, ClassesFile) || strings.HasSuffix(name, entryFile)
}

// ClassesFile is the name the engine compiles the built-in error classes
// under.
const ClassesFile = "tsworker-classes.js"

// entryFile is the bundler's entry wrapper (bundler.Bundle's stdin).
const entryFile = "tsworker-entry.js"
