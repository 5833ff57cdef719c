package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/worker"
)

// The Go SDK's records of a workflow task that JS code failed are left out
// after the engine's, which says it in JS terms; other runs' are kept.
func TestDevLogJSTaskFailure(t *testing.T) {
	var buf bytes.Buffer
	logger, err := newDevLogger(&buf, "info")
	if err != nil {
		t.Fatal(err)
	}
	stack := "TypeError: Cannot read properties of undefined (reading 'x')\n" +
		"    at applyHandler (tsworker:@temporalio/workflow/handlers.js:10:3(20))\n" +
		"    at order (workflows.ts:12:7(15))\n" +
		"    at workflows.ts:30:1(4)"
	logger.Error("JS workflow code failed the workflow task", "WorkflowType", "order", "WorkflowID", "o1", "RunID", "r1",
		"Error", "Cannot read properties of undefined (reading 'x')", jsStackKey, stack)
	logger.Error(sdkPanicMsg, "WorkflowType", "order", "RunID", "r1", "Error", "Cannot read", "StackTrace", "coroutine root [panic]:\nmain.go:1")
	logger.Warn(sdkTaskFailedMsg, "WorkflowType", "order", "RunID", "r1", "Error", "Cannot read")
	logger.Error(sdkPanicMsg, "WorkflowType", "other", "RunID", "r2", "Error", "a Go bug")
	got := buf.String()
	want := "  [error] workflow order: workflow task failed at workflows.ts:12:7: TypeError: Cannot read properties of undefined (reading 'x') (the task is retried; fix the code and save)\n" +
		"  [error] Workflow panic WorkflowType=other Error=\"a Go bug\"\n"
	if got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	if f, ok := logger.jsTaskFailure("o1"); !ok || f.where != "workflows.ts:12:7" || f.head != "TypeError: Cannot read properties of undefined (reading 'x')" ||
		f.stack != "TypeError: Cannot read properties of undefined (reading 'x')\n    at order (workflows.ts:12:7)\n    at workflows.ts:30:1" {
		t.Errorf("jsTaskFailure(o1) = %+v, %v", f, ok)
	}
	buf.Reset()
	logger.quiet()
	logger.Error("Activity error.", "ActivityType", "slow", "Error", "context canceled")
	if buf.Len() > 0 {
		t.Errorf("logged after quiet: %q", buf.String())
	}
}

// At --log-level off, nothing is written but a JS task failure is still
// known, for the error of --run.
func TestDevLogOff(t *testing.T) {
	var buf bytes.Buffer
	logger, err := newDevLogger(&buf, "off")
	if err != nil {
		t.Fatal(err)
	}
	logger.Error("JS workflow code failed the workflow task", "WorkflowType", "order", "WorkflowID", "o1", "RunID", "r1",
		"Error", "boom", jsStackKey, "Error: boom\n    at order (workflows.ts:3:9)")
	logger.Error(sdkPanicMsg, "WorkflowType", "other", "RunID", "r2", "Error", "a Go bug")
	if buf.Len() > 0 {
		t.Errorf("logged at level off: %q", buf.String())
	}
	if f, ok := logger.jsTaskFailure("o1"); !ok || f.where != "workflows.ts:3:9" || f.head != "Error: boom" {
		t.Errorf("jsTaskFailure(o1) = %+v, %v", f, ok)
	}
	if _, ok := logger.jsTaskFailure("o2"); ok {
		t.Error("jsTaskFailure of a workflow that did not fail")
	}
}

func TestWriteCodeFrames(t *testing.T) {
	err := &bundleError{err: errors.New("bundle w.ts: ..."), msgs: []bundler.Message{
		{File: "w.ts", Line: 3, Column: 10, LineText: "\treturn 1 +;", Text: `Unexpected ";"`},
		{File: "w.ts", Line: 1, Column: 9, LineText: "import { nope } from '@temporalio/workflow';", Text: "No matching export", Hint: "see the declarations"},
		{File: "w.ts", Line: 2, Column: 4, LineText: "let x y;", Text: `Expected ";"`, Hint: ";"},
	}}
	var b bytes.Buffer
	writeCodeFrames(&b, fmt.Errorf("wrapped: %w", err))
	want := "\n  w.ts:3:11: error: Unexpected \";\"\n    3 | \treturn 1 +;\n      | \t         ^\n" +
		"\n  w.ts:1:10: error: No matching export\n    1 | import { nope } from '@temporalio/workflow';\n      |          ^\n  hint: see the declarations\n" +
		"\n  w.ts:2:5: error: Expected \";\"\n    2 | let x y;\n      |     ^\n      |     ;\n\n"
	if b.String() != want {
		t.Errorf("frames:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	writeCodeFrames(&b, errors.New("not a bundle error"))
	if b.Len() > 0 {
		t.Errorf("frames of another error: %q", b.String())
	}
}

func TestRunEnd(t *testing.T) {
	res := client.JSONValue([]byte(`{"a": 1}`))
	tests := []struct {
		res  any
		err  error
		want string
	}{
		{res, nil, `completed in 1.5s: {"a":1}`},
		{nil, nil, "completed in 1.5s"},
		{nil, temporal.NewApplicationError("bad input", "ValidationError"), "failed after 1.5s: bad input (type: ValidationError, retryable: true)"},
		{nil, temporal.NewCanceledError(), "was cancelled after 1.5s"},
		{nil, &workflow.ContinueAsNewError{}, "continued as new after 1.5s"},
	}
	for _, tt := range tests {
		if got := runEnd(tt.res, tt.err, 1500*time.Millisecond+300*time.Microsecond); got != tt.want {
			t.Errorf("runEnd(%v, %v) = %q, want %q", tt.res, tt.err, got, tt.want)
		}
	}
	long := client.JSONValue([]byte(`"` + strings.Repeat("x", 200) + `"`))
	if got := runEnd(long, nil, time.Second); !strings.HasSuffix(got, "...") || len(got) > 150 {
		t.Errorf("long result: %q", got)
	}
}

// TestWatchListPayloadConverter checks that dev reloads when the payload
// converter module, or a package it imports, changes: both are inputs of
// the bundle.
func TestWatchListPayloadConverter(t *testing.T) {
	src, err := bundleSource("testdata/dated.ts", false, io.Discard, worker.LoadOptions{
		PayloadConverterPath: "testdata/dateconverter.ts", NodePaths: []string{"testdata/packages"}})
	if err != nil {
		t.Fatal(err)
	}
	watched := watchList("testdata/dated.ts", src)
	for _, want := range []string{"testdata/dateconverter.ts", filepath.Join("testdata", "packages", "datejson", "index.js")} {
		if !slices.Contains(watched, want) {
			t.Errorf("dev does not watch %s; it watches %q", want, watched)
		}
	}
}
