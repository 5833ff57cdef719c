package jsstack

import (
	"strconv"
	"strings"
)

// BuiltinModuleLocation is the location the engine gives the API function
// (sleep, condition, ...) on top of a stack: "    at sleep
// (@temporalio/workflow)".
const BuiltinModuleLocation = "@temporalio/workflow"

// TypeScriptSDKVersion is the version of the TypeScript SDK whose workflow
// API tsworker implements, which an enhanced stack trace names.
const TypeScriptSDKVersion = "1.24.0"

// EnhancedStackTrace is the answer the TypeScript SDK gives to the
// __enhanced_stack_trace query, in its JSON shape (the Temporal API's
// temporal.api.sdk.v1.EnhancedStackTrace).
type EnhancedStackTrace struct {
	SDK     StackTraceSDKInfo              `json:"sdk"`
	Stacks  []StackTrace                   `json:"stacks"`
	Sources map[string][]StackTraceSources `json:"sources"`
}

// StackTraceSDKInfo names the SDK whose workflow code the stacks are of.
type StackTraceSDKInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// StackTrace is one stack, top frame first.
type StackTrace struct {
	Locations []StackTraceLocation `json:"locations"`
}

// StackTraceLocation is one frame. Fields the frame does not have are
// left out, as the TypeScript SDK leaves them.
type StackTraceLocation struct {
	FilePath     string `json:"file_path,omitempty"`
	Line         int    `json:"line,omitempty"`
	Column       int    `json:"column,omitempty"`
	FunctionName string `json:"function_name,omitempty"`
	InternalCode bool   `json:"internal_code"`
}

// StackTraceSources is the content of a source file from a line on.
type StackTraceSources struct {
	LineOffset int    `json:"line_offset"`
	Content    string `json:"content"`
}

// Enhanced makes the enhanced stack trace of stacks, the JS stacks Answer
// returns (or a tsworker worker's __stack_trace answer): one stack per
// blank-line separated block, one location per "    at name (file:line:col)"
// frame, as the TypeScript SDK makes its locations from the same frames.
// The frame of the built-in module's API function is marked internal code.
// Sources are not included (the TypeScript SDK includes them only when its
// worker's showStackTraceSources is set). ok is false when stacks holds a
// line that is not such a frame.
func Enhanced(stacks string) (_ EnhancedStackTrace, ok bool) {
	st := EnhancedStackTrace{
		SDK:     StackTraceSDKInfo{Name: "typescript", Version: TypeScriptSDKVersion},
		Stacks:  []StackTrace{},
		Sources: map[string][]StackTraceSources{},
	}
	if stacks == "" {
		return st, true
	}
	for _, block := range strings.Split(stacks, "\n\n") {
		locs := []StackTraceLocation{}
		for _, line := range strings.Split(block, "\n") {
			loc, ok := location(line)
			if !ok {
				return EnhancedStackTrace{}, false
			}
			locs = append(locs, loc)
		}
		st.Stacks = append(st.Stacks, StackTrace{Locations: locs})
	}
	return st, true
}

// location parses one frame, "    at name (file:line:col)",
// "    at file:line:col" or "    at name (@temporalio/workflow)".
func location(line string) (StackTraceLocation, bool) {
	frame, ok := strings.CutPrefix(line, "    at ")
	if !ok || frame == "" {
		return StackTraceLocation{}, false
	}
	var loc StackTraceLocation
	where := frame
	if i := strings.Index(frame, " ("); i >= 0 && strings.HasSuffix(frame, ")") {
		loc.FunctionName, where = frame[:i], frame[i+2:len(frame)-1]
	}
	if where == BuiltinModuleLocation {
		loc.FilePath, loc.InternalCode = where, true
		return loc, true
	}
	i := strings.LastIndexByte(where, ':')
	j := -1
	if i > 0 {
		j = strings.LastIndexByte(where[:i], ':')
	}
	if j <= 0 {
		return StackTraceLocation{}, false
	}
	ln, err1 := strconv.Atoi(where[j+1 : i])
	col, err2 := strconv.Atoi(where[i+1:])
	if err1 != nil || err2 != nil {
		return StackTraceLocation{}, false
	}
	loc.FilePath, loc.Line, loc.Column = where[:j], ln, col
	return loc, true
}
