package cli_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The workflow and payload converter of the --payload-converter tests: the
// converter reads {"$date": ms} as a Date and writes a Date so, with the
// package datejson, which only --node-path finds.
const (
	datedTS       = "testdata/dated.ts"
	dateConverter = "testdata/dateconverter.ts"
	nodePath      = "testdata/packages"
	// 2024-01-02T00:00:00Z, as Extended JSON writes a Date.
	dateInput = `{"$date":1704153600000}`
	// nextDay's result: a Date made from the input, and a Date returned.
	dateResult = `{"day":"2024-01-02T00:00:00.000Z","next":{"$date":1704240000000}}`
)

// TestDevPayloadConverter runs a workflow whose argument and result are
// Dates, converted by the --payload-converter module from and to the JSON of
// --input and of the result.
func TestDevPayloadConverter(t *testing.T) {
	t.Parallel()
	out, errOut, err := tsworker(t, "dev", datedTS, "--headless", "--port", "0", "--log-level", "warn",
		"--payload-converter", dateConverter, "--node-path", nodePath, "--run", "nextDay", "--input", dateInput)
	if err != nil {
		t.Fatalf("error: %v\nstderr:\n%s", err, errOut)
	}
	if want := dateResult + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}

	// Without --node-path the converter's import is not found, and nothing starts.
	_, errOut, err = tsworker(t, "dev", datedTS, "--headless", "--port", "0", "--payload-converter", dateConverter, "--run", "nextDay")
	if err == nil || !strings.Contains(err.Error(), `"datejson"`) {
		t.Fatalf("without --node-path: error %v\nstderr:\n%s", err, errOut)
	}
}

// TestRunPayloadConverter bundles the workflows with the converter, runs
// the bundle, executes the workflow with `workflow execute`, and replays
// its history with and without the converter.
func TestRunPayloadConverter(t *testing.T) {
	t.Parallel()
	bundle := filepath.Join(t.TempDir(), "workflows.js")
	if _, errOut, err := tsworker(t, "bundle", datedTS, "-o", bundle, "--payload-converter", dateConverter, "--node-path", nodePath); err != nil {
		t.Fatalf("bundle: %v\n%s", err, errOut)
	}
	addr := server.FrontendHostPort()
	tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
	_, _, err := tsworker(t, "run", "--bundle", bundle, "--payload-converter", dateConverter, "-q", tq, "--address", addr)
	if want := "carries the interceptors and payload converter it was built with"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("run --bundle with --payload-converter: error %v, want %q", err, want)
	}
	w := startBackground(t, "run", "--bundle", bundle, "-q", tq, "--address", addr, "--log-level", "off")
	w.waitFor(t, &w.out, "Worker for task queue "+tq)

	id := "dated-" + tq
	out, errOut, err := tsworker(t, "workflow", "execute", "--type", "nextDay", "-w", id, "-t", tq, "-i", dateInput, "--address", addr)
	if err != nil {
		t.Fatalf("workflow execute: %v\nstderr:\n%s", err, errOut)
	}
	if !strings.HasSuffix(out, dateResult+"\n") {
		t.Errorf("workflow execute printed %q, want the result %s", out, dateResult)
	}
	if err := w.stop(t); err != nil {
		t.Fatal(err)
	}

	query := "WorkflowId='" + id + "'"
	replay := func(args ...string) (string, error) {
		t.Helper()
		// Visibility lags a little behind the run.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			out, _, err := tsworker(t, append([]string{"replay", "--query", query, "--address", addr}, args...)...)
			if err == nil || !strings.Contains(err.Error(), "no workflow executions match") || time.Now().After(deadline) {
				return out, err
			}
		}
	}
	for _, args := range [][]string{{datedTS, "--payload-converter", dateConverter, "--node-path", nodePath}, {"--bundle", bundle}} {
		if out, err := replay(args...); err != nil || !strings.HasPrefix(out, "OK   "+id) {
			t.Errorf("replay %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// Without the converter the workflow gets no Date, and fails.
	out, err = replay(datedTS)
	if err == nil || !strings.HasPrefix(out, "FAIL "+id) || !strings.Contains(out, "toISOString") {
		t.Errorf("replay without the converter: %v\n%s", err, out)
	}
}
