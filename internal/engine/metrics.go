package engine

import (
	"sync"
	"time"

	"go.temporal.io/sdk/client"
)

// The metrics tsworker records, besides the Go SDK's own, on the handler of
// Options.MetricsHandler. A Prometheus handler built as the Go SDK's tally
// contrib recommends (see the metrics package) adds a _seconds suffix to
// timers and _total to counters.
const (
	// MetricBundleLatency is a timer: how long bundling a workflows file
	// (for a prebuilt bundle, only loading it) and loading it took.
	MetricBundleLatency = "tsworker_bundle_latency"
	// MetricVMCreated is a counter, tagged workflow_type: JS runtimes made
	// for workflow runs, one per run a worker starts or picks up from
	// history (a run evicted from the sticky cache needs a new one at its
	// next task, which replays its history).
	MetricVMCreated = "tsworker_vm_created"
	// MetricCachedRuns is a gauge: the JS runs alive in the process for
	// these workflows, each holding its runtime between workflow tasks. It
	// goes down when a run completes or is evicted from the sticky cache.
	MetricCachedRuns = "tsworker_cached_runs"
	// MetricWorkflowTaskJSLatency is a timer, tagged workflow_type: the time
	// spent running JS in one workflow task of a run (with, after an
	// eviction from the sticky cache, the replay of the run's history), or
	// in answering one query.
	MetricWorkflowTaskJSLatency = "tsworker_workflow_task_js_latency"
)

// metricsTagWorkflowType is the tag the Go SDK names workflow types with.
const metricsTagWorkflowType = "workflow_type"

// workflowsMetrics are the metrics of one loaded bundle, made at Load so
// that runs only look them up.
type workflowsMetrics struct {
	h      client.MetricsHandler
	types  map[string]*typeMetrics
	mu     sync.Mutex // orders updates of the gauge with the count
	live   int64      // runs alive, under mu
	cached client.MetricsGauge
}

// typeMetrics are the metrics of one workflow type.
type typeMetrics struct {
	vmCreated client.MetricsCounter
	jsTime    client.MetricsTimer
}

// newWorkflowsMetrics returns nil when h is nil: nothing is recorded and
// runs skip the bookkeeping.
func newWorkflowsMetrics(h client.MetricsHandler) *workflowsMetrics {
	if h == nil {
		return nil
	}
	return &workflowsMetrics{h: h, types: map[string]*typeMetrics{}, cached: h.Gauge(MetricCachedRuns)}
}

// addType makes the metrics of workflow type name.
func (m *workflowsMetrics) addType(name string) {
	th := m.h.WithTags(map[string]string{metricsTagWorkflowType: name})
	m.types[name] = &typeMetrics{vmCreated: th.Counter(MetricVMCreated), jsTime: th.Timer(MetricWorkflowTaskJSLatency)}
}

// runStarted counts a new run of type name and returns its metrics.
func (m *workflowsMetrics) runStarted(name string) *typeMetrics {
	tm := m.types[name]
	if tm == nil {
		return nil
	}
	tm.vmCreated.Inc(1)
	m.addLive(1)
	return tm
}

func (m *workflowsMetrics) addLive(d int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live += d
	m.cached.Update(float64(m.live))
}

// recordBundle records how long loading took, from start (or from Load's
// own start when start is zero).
func (m *workflowsMetrics) recordBundle(start, loadStart time.Time) {
	if start.IsZero() {
		start = loadStart
	}
	m.h.Timer(MetricBundleLatency).Record(time.Since(start))
}

// The JS time of a workflow task is the sum of the stretches of JS the
// watchdog times (see watchdog.leave), recorded when the run's loop is
// about to block (its part of the task is over), after a query, and when
// the run ends. A task that replays the run's history first (after an
// eviction from the sticky cache) counts the replay's JS time too: its
// record waits for the end of the task's new events.

// endTask records the JS time of the task that is ending, if any.
func (l *loop) endTask() {
	if l.tm == nil || l.wd.busy == 0 {
		return
	}
	l.tm.jsTime.Record(l.wd.busy)
	l.wd.busy = 0
}

// closeMetrics records what is left when the run ends and stops counting
// it as alive.
func (r *run) closeMetrics() {
	if r.tm == nil {
		return
	}
	r.endTask()
	r.w.metrics.addLive(-1)
	r.tm = nil
}
