package worker_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/tsworker/tsworker/metrics"
	"github.com/tsworker/tsworker/worker"
)

// sticky reports whether this run of the suite keeps runs in the sticky
// cache (see TestMain).
func sticky() bool { return os.Getenv("TSWORKER_TEST_NO_STICKY") == "" }

// startObserved starts a worker for testdata/observe.ts on c, with tsworker's
// metrics on h (when not nil).
func startObserved(t *testing.T, c client.Client, h client.MetricsHandler) string {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(c, tq, worker.Options{Workflows: "testdata/observe.ts", MetricsHandler: h})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	w.RegisterActivity(Greet)
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)
	return tq
}

// startOrder starts the order workflow and waits until it waits for its
// signal; finishOrder signals it and checks its result.
func startOrder(t *testing.T, c client.Client, tq string) client.WorkflowRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "order", 42)
	if err != nil {
		t.Fatalf("start order: %v", err)
	}
	for {
		v, err := c.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "stage")
		var stage string
		if err == nil && v.Get(&stage) == nil && stage == "waiting" {
			return run
		}
		if ctx.Err() != nil {
			t.Fatalf("order never waited for its signal: stage %q, %v", stage, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func finishOrder(t *testing.T, c client.Client, run client.WorkflowRun) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "finish", nil); err != nil {
		t.Fatalf("signal: %v", err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil || got != "Hello, order 42!" {
		t.Fatalf("order = %q, %v", got, err)
	}
}

func TestPrometheusMetrics(t *testing.T) {
	prom, err := metrics.ServePrometheus("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer prom.Close()
	// The address is taken now: a second endpoint there is an error.
	if _, err := metrics.ServePrometheus(prom.Addr()); err == nil || !strings.Contains(err.Error(), prom.Addr()) {
		t.Errorf("second endpoint on %s: error %v, want one naming the address", prom.Addr(), err)
	}
	c, err := client.NewClientFromExisting(testClient, client.Options{MetricsHandler: prom.Handler(), Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := startObserved(t, c, prom.Handler())
	order := map[string]string{"workflow_type": "order"}

	run := startOrder(t, c, tq)
	if sticky() {
		// The run waits in the sticky cache, its runtime alive.
		scrapeUntil(t, prom.URL(), "one cached run", func(m families) bool {
			return m.value("tsworker_cached_runs", nil) == 1
		})
	}
	finishOrder(t, c, run)

	// Completed: no run is left, however many runtimes replays made.
	m := scrapeUntil(t, prom.URL(), "the run completed and closed", func(m families) bool {
		return m.value("temporal_workflow_completed_total", order) == 1 && m.value("tsworker_cached_runs", nil) == 0
	})
	vms := m.value("tsworker_vm_created_total", order)
	switch {
	case sticky() && vms != 1:
		t.Errorf("tsworker_vm_created_total = %v, want 1 (one run, cached between its tasks)", vms)
	case !sticky() && vms < 4:
		// Without the sticky cache each task (start, activity done, timer,
		// query, signal) replays the run in a new runtime.
		t.Errorf("tsworker_vm_created_total = %v, want one per workflow task (at least 4)", vms)
	}
	// One observation per workflow task with JS (start, activity done,
	// timer fired, signal) and per query, replays or not.
	if n := m.count("tsworker_workflow_task_js_latency_seconds", order); n < 4 {
		t.Errorf("tsworker_workflow_task_js_latency_seconds count = %v, want at least 4", n)
	}
	if n, sum := m.count("tsworker_bundle_latency_seconds", nil), m.sum("tsworker_bundle_latency_seconds", nil); n != 1 || sum <= 0 {
		t.Errorf("tsworker_bundle_latency_seconds: count %v sum %v, want one positive observation", n, sum)
	}
	// The Go SDK's metrics, from the same handler.
	if n := m.count("temporal_workflow_task_execution_latency_seconds", order); n < 4 {
		t.Errorf("temporal_workflow_task_execution_latency_seconds count = %v, want at least 4", n)
	}
	if n := m.count("temporal_activity_execution_latency_seconds", map[string]string{"activity_type": "greet"}); n != 1 {
		t.Errorf("temporal_activity_execution_latency_seconds{activity_type=greet} count = %v, want 1", n)
	}
	if m.value("temporal_worker_start_total", nil) < 1 {
		t.Errorf("no temporal_worker_start_total")
	}
}

func TestStructuredWorkflowLogs(t *testing.T) {
	var buf syncBuffer
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c, err := client.NewClientFromExisting(testClient, client.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := startObserved(t, c, nil)
	run := startOrder(t, c, tq)
	finishOrder(t, c, run)

	records := map[string][]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(buf.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON log line: %v\n%s", err, sc.Text())
		}
		msg, _ := rec["msg"].(string)
		records[msg] = append(records[msg], rec)
	}
	for _, want := range []struct {
		msg, level string
		attrs      map[string]any
	}{
		{"order received", "INFO", map[string]any{"order": 42.0}},
		{"order shipped", "WARN", map[string]any{"order": 42.0, "greeting": "Hello, order 42!"}},
	} {
		recs := records[want.msg]
		if len(recs) != 1 {
			// Replays of the task that logged must not log again.
			t.Errorf("%d records %q, want 1 (sticky cache %v):\n%s", len(recs), want.msg, sticky(), buf.String())
			continue
		}
		rec := recs[0]
		ids := map[string]any{
			"level":        want.level,
			"WorkflowType": "order",
			"WorkflowID":   run.GetID(),
			"RunID":        run.GetRunID(),
			"TaskQueue":    tq,
			"Namespace":    "default",
		}
		for k, v := range want.attrs {
			ids[k] = v
		}
		for k, v := range ids {
			if rec[k] != v {
				t.Errorf("%q: %s = %v, want %v\nrecord: %v", want.msg, k, rec[k], v, rec)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer the worker and the test can use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// families is a scrape of a Prometheus endpoint.
type families map[string]*dto.MetricFamily

// series returns the series of metric name whose labels include labels.
func (m families) series(name string, labels map[string]string) []*dto.Metric {
	var out []*dto.Metric
	f := m[name]
	if f == nil {
		return nil
	}
next:
	for _, s := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range s.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// value sums the counters or gauges name with labels; -1 when there is
// none.
func (m families) value(name string, labels map[string]string) float64 {
	ss := m.series(name, labels)
	if len(ss) == 0 {
		return -1
	}
	var v float64
	for _, s := range ss {
		v += s.GetCounter().GetValue() + s.GetGauge().GetValue()
	}
	return v
}

// count sums the observations of histograms name with labels.
func (m families) count(name string, labels map[string]string) float64 {
	var n float64
	for _, s := range m.series(name, labels) {
		n += float64(s.GetHistogram().GetSampleCount())
	}
	return n
}

// sum sums the observed values of histograms name with labels.
func (m families) sum(name string, labels map[string]string) float64 {
	var v float64
	for _, s := range m.series(name, labels) {
		v += s.GetHistogram().GetSampleSum()
	}
	return v
}

// scrapeUntil scrapes url until ok holds (values are reported every
// metrics.ReportInterval), failing after 30s.
func scrapeUntil(t *testing.T, url, what string, ok func(families) bool) families {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatalf("scrape %s: %v", url, err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("scrape %s: %s %v", url, resp.Status, err)
		}
		var p expfmt.TextParser
		m, err := p.TextToMetricFamilies(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("scrape %s: not the Prometheus text format: %v\n%s", url, err, body)
		}
		if ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("scrape %s: never %s; last scrape:\n%s", url, what, tsworkerLines(body))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tsworkerLines keeps the lines of a scrape that matter in a failure.
func tsworkerLines(body []byte) string {
	var b strings.Builder
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, "tsworker_") || strings.HasPrefix(l, "temporal_workflow_") || strings.HasPrefix(l, "temporal_activity_execution") {
			if strings.Contains(l, "_bucket{") {
				continue
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
