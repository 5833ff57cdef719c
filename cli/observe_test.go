package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/client"
)

func TestRunMetricsAndJSONLogs(t *testing.T) {
	tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	w := startBackground(t, "run", workflows, "--address", server.FrontendHostPort(), "-q", tq,
		"--log-format", "json", "--metrics-address", addr)
	url := "http://" + addr + "/metrics"
	w.waitFor(t, &w.out, "Metrics:    "+url)

	_, _, err := tsworker(t, "run", workflows, "-q", tq, "--metrics-address", addr)
	if want := "--metrics-address " + addr + " is in use"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second worker on the metrics address: error %v, want %q", err, want)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "hello", `["metrics"]`)
	if err != nil || res != `"Hello, metrics!"` {
		t.Fatalf("hello = %s, %v\nstderr:\n%s", res, err, w.err.String())
	}

	// The Go SDK's metrics and tsworker's, tagged with the workflow type
	// (label values are sanitized as the Go SDK recommends: run-1 is run_1).
	queue := `task_queue="` + strings.ReplaceAll(tq, "-", "_") + `"`
	wants := []series{
		{"temporal_workflow_completed_total", []string{queue, `workflow_type="hello"`}, "1"},
		{"temporal_activity_execution_latency_seconds_count", []string{queue, `activity_type="greet"`}, "1"},
		{"tsworker_vm_created_total", []string{`workflow_type="hello"`}, "1"},
		{"tsworker_workflow_task_js_latency_seconds_count", []string{`workflow_type="hello"`}, ""},
		{"tsworker_bundle_latency_seconds_count", nil, "1"},
		{"tsworker_cached_runs", nil, "0"},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		body := scrape(t, url)
		var missing *series
		for i := range wants {
			if !wants[i].in(body) {
				missing = &wants[i]
				break
			}
		}
		if missing == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %+v at %s:\n%s", *missing, url, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Three workflow tasks ran JS: start, timer fired, activity done.
	if body := scrape(t, url); !(series{"tsworker_workflow_task_js_latency_seconds_count", []string{`workflow_type="hello"`}, "3"}).in(body) {
		t.Errorf("want 3 JS latency observations for hello:\n%s", body)
	}

	if err := w.stop(t); err != nil {
		t.Fatal(err)
	}
	// Every line on stderr but the one of the stop is a JSON record; the
	// worker's start names its task queue.
	started := false
	for _, line := range strings.Split(strings.TrimSpace(w.err.String()), "\n") {
		if strings.HasPrefix(line, "Stopping:") {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("stderr line is not JSON: %v\n%s", err, line)
		}
		if rec["msg"] == "Started Worker" && rec["TaskQueue"] == tq && rec["level"] == "INFO" {
			started = true
		}
	}
	if !started {
		t.Errorf("no JSON record of the worker's start:\n%s", w.err.String())
	}

	_, _, err = tsworker(t, "run", workflows, "-q", tq, "--log-format", "yaml")
	if want := `--log-format "yaml": want text or json`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("--log-format yaml: error %v, want %q", err, want)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s %v", resp.Status, err)
	}
	return string(b)
}

// series is a line of a scrape: a metric's name, label pairs it has, and
// its value ("" for any).
type series struct {
	name   string
	labels []string
	value  string
}

func (s series) in(body string) bool {
next:
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, s.name)
		if !ok || (rest == "" || rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		for _, l := range s.labels {
			if !strings.Contains(rest, l) {
				continue next
			}
		}
		if s.value == "" || strings.HasSuffix(rest, " "+s.value) {
			return true
		}
	}
	return false
}
