package worker_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// recorded is one value a metric recorded: its kind, name, tags and value
// (a timer's in milliseconds).
type recorded struct {
	kind, name string
	tags       map[string]string
	value      float64
}

func (r recorded) String() string {
	keys := slices.Sorted(maps.Keys(r.tags))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %v {", r.kind, r.name, r.value)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s,", k, r.tags[k])
	}
	b.WriteString("}")
	return b.String()
}

// recorder is a client.MetricsHandler that records the values of the
// metrics whose name starts with prefix.
type recorder struct {
	prefix string
	tags   map[string]string
	mu     *sync.Mutex
	log    *[]recorded
}

func newRecorder(prefix string) *recorder {
	return &recorder{prefix: prefix, tags: map[string]string{}, mu: &sync.Mutex{}, log: &[]recorded{}}
}

func (r *recorder) add(kind, name string, v float64) {
	if !strings.HasPrefix(name, r.prefix) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	tags := maps.Clone(r.tags)
	// Tags the Go SDK's client adds to all its metrics.
	for _, k := range []string{"client_name", "activity_type", "worker_type"} {
		delete(tags, k)
	}
	*r.log = append(*r.log, recorded{kind: kind, name: name, tags: tags, value: v})
}

func (r *recorder) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, v := range *r.log {
		out = append(out, v.String())
	}
	slices.Sort(out)
	return out
}

func (r *recorder) WithTags(tags map[string]string) client.MetricsHandler {
	n := *r
	n.tags = maps.Clone(r.tags)
	maps.Copy(n.tags, tags)
	return &n
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(d float64) { f(d) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

func (r *recorder) Counter(name string) client.MetricsCounter {
	return counterFunc(func(d int64) { r.add("counter", name, float64(d)) })
}

func (r *recorder) Gauge(name string) client.MetricsGauge {
	return gaugeFunc(func(d float64) { r.add("gauge", name, d) })
}

func (r *recorder) Timer(name string) client.MetricsTimer {
	return timerFunc(func(d time.Duration) { r.add("timer", name, float64(d)/float64(time.Millisecond)) })
}

// TestMetricMeter checks that metricMeter records on the client's metrics
// handler with the workflow's tags, those of getMetricTags interceptors and
// the metric's own, once: not again when the run replays (a query of the
// closed run replays its whole history; without the sticky cache, so does
// every workflow task).
func TestMetricMeter(t *testing.T) {
	for _, tt := range []struct {
		name    string
		modules []string
		extra   []string // tags the interceptors add
	}{
		{"plain", nil, nil},
		{"getMetricTags", []string{"testdata/metricmeter_interceptors.ts"}, []string{"tenant", "acme"}},
	} {
		t.Run(tt.name, func(t *testing.T) { testMetricMeter(t, tt.modules, tt.extra) })
	}
}

func testMetricMeter(t *testing.T, modules, extra []string) {
	rec := newRecorder("tsw_test_")
	c, err := client.NewClientFromExisting(testClient, client.Options{MetricsHandler: rec, Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), queueSeq.Add(1))
	w, err := worker.New(c, tq, worker.Options{Workflows: "testdata/metricmeter.ts", WorkflowInterceptorModules: modules})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "meters")
	if err != nil {
		t.Fatal(err)
	}
	var res string
	if err := run.Get(ctx, &res); err != nil || res != "done" {
		t.Fatalf("meters = %q, %v", res, err)
	}
	v, err := c.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "ping")
	var pong string
	if err != nil || v.Get(&pong) != nil || pong != "pong" {
		t.Fatalf("query ping = %q, %v", pong, err)
	}
	// The Go SDK's workflow tags, and the metric's own.
	tags := func(own ...string) map[string]string {
		m := map[string]string{"namespace": "default", "task_queue": tq, "workflow_type": "meters"}
		kv := append(slices.Clone(extra), own...)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	var want []string
	for _, r := range []recorded{
		{"counter", "tsw_test_counter", tags("phase", "start"), 1},
		{"counter", "tsw_test_counter", tags("phase", "end", "n", "3"), 2},
		{"gauge", "tsw_test_gauge", tags("flag", "true"), 2.5},
		{"timer", "tsw_test_histogram", tags("scope", "outer"), 250}, // an int histogram: 250.7 truncated
	} {
		want = append(want, r.String())
	}
	slices.Sort(want)
	if got := rec.values(); !slices.Equal(got, want) {
		t.Errorf("recorded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
