package engine

import (
	"math"
	"strings"
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"
)

// metricMeterModule: the workflow's metricMeter. The built-in module wraps
// this meter in MetricMeterWithComposedTags, as the TypeScript SDK wraps
// its own, so withTags and extra tags work in JS; the meter records on the
// Go SDK's workflow metrics handler (workflow.GetMetricsHandler: the
// client's handler, client.Options.MetricsHandler), which tags every metric
// with namespace, task_queue and workflow_type (the TypeScript SDK's
// namespace, taskQueue and workflowType). As in the TypeScript SDK, the
// wrapper's first tags are what the getMetricTags interceptors make of
// { workflowType } (workflowMetricTags); a workflowType tag that only
// repeats the run's type is left out, workflow_type says it. Nothing is
// recorded while the run replays history.
//
// The Go SDK's handlers know counters, gauges and timers: a histogram is a
// timer, its values read in its unit (ns, us, ms, s, min or h; milliseconds
// for any other unit).
var metricMeterModule = module{name: "metricMeter", exports: exports{
	"workflowMetricMeter": func(r *run) any { return metricMeter{r}.meter() },
	"workflowMetricTags":  func(r *run) any { return metricMeter{r}.workflowTags },
}}

// workflowTags is the tags function the built-in module composes the meter
// with: the TypeScript SDK's { workflowType }, through the run's
// getMetricTags interceptors.
func (m metricMeter) workflowTags(goja.FunctionCall) goja.Value {
	base := m.vm.NewObject()
	if m.ctx != nil {
		_ = base.Set("workflowType", workflow.GetInfo(m.ctx).WorkflowType.Name)
	}
	return m.interceptedMetricTags(base)
}

type metricMeter struct{ *run }

// meter makes the meter object: createCounter, createHistogram,
// createGauge, and withTags, which throws as the TypeScript SDK's does
// (the composing wrapper handles tags).
func (m metricMeter) meter() *goja.Object {
	o := m.vm.NewObject()
	_ = o.Set("createCounter", func(c goja.FunctionCall) goja.Value {
		return m.metric(c.Argument(0), "int", c.Argument(1), c.Argument(2), "counter")
	})
	_ = o.Set("createHistogram", func(c goja.FunctionCall) goja.Value {
		return m.metric(c.Argument(0), valueType(c.Argument(1)), c.Argument(2), c.Argument(3), "histogram")
	})
	_ = o.Set("createGauge", func(c goja.FunctionCall) goja.Value {
		return m.metric(c.Argument(0), valueType(c.Argument(1)), c.Argument(2), c.Argument(3), "gauge")
	})
	_ = o.Set("withTags", func(goja.FunctionCall) goja.Value {
		panic(m.plainError("withTags is not supported directly on WorkflowMetricMeter"))
	})
	return o
}

func valueType(v goja.Value) string {
	if goja.IsUndefined(v) {
		return "int"
	}
	return v.String()
}

// metricKinds are, by kind, the TypeScript SDK's names of a metric's
// recording method and class.
var metricKinds = map[string]struct{ method, class string }{
	"counter":   {"add", "WorkflowMetricCounter"},
	"histogram": {"record", "WorkflowMetricHistogram"},
	"gauge":     {"set", "WorkflowMetricGauge"},
}

// metric makes a metric object with the TypeScript SDK's fields (in its
// order) and recording method.
func (m metricMeter) metric(name goja.Value, vt string, unit, description goja.Value, kind string) *goja.Object {
	o := m.vm.NewObject()
	set := func(k string, v any) { _ = o.Set(k, v) }
	set("name", name)
	if kind != "counter" {
		set("valueType", vt)
	}
	set("unit", unit)
	set("description", description)
	set("kind", kind)
	if kind == "counter" {
		set("valueType", vt)
	}
	k := metricKinds[kind]
	metricName := name.String()
	unitName := ""
	if !goja.IsUndefined(unit) && !goja.IsNull(unit) {
		unitName = unit.String()
	}
	set(k.method, func(c goja.FunctionCall) goja.Value {
		value := c.Argument(0).ToFloat()
		if value < 0 {
			panic(m.plainError("Metric" + strings.TrimPrefix(k.class, "WorkflowMetric") + " value must be non-negative (got " + c.Argument(0).String() + ")"))
		}
		if m.ctx == nil || workflow.IsReplaying(m.ctx) {
			return goja.Undefined()
		}
		h := workflow.GetMetricsHandler(m.ctx)
		tags := m.metricTags(c.Argument(1))
		if tags["workflowType"] == workflow.GetInfo(m.ctx).WorkflowType.Name {
			delete(tags, "workflowType")
		}
		if len(tags) > 0 {
			h = h.WithTags(tags)
		}
		if vt == "int" {
			value = math.Trunc(value)
		}
		record(h, kind, metricName, unitName, value)
		return goja.Undefined()
	})
	set("withTags", func(goja.FunctionCall) goja.Value {
		panic(m.plainError("withTags is not supported directly on " + k.class))
	})
	return o
}

// record records value on the handler's metric of kind.
func record(h client.MetricsHandler, kind, name, unit string, value float64) {
	switch kind {
	case "counter":
		h.Counter(name).Inc(int64(value))
	case "gauge":
		h.Gauge(name).Update(value)
	case "histogram":
		h.Timer(name).Record(time.Duration(value * float64(unitDuration(unit))))
	}
}

// unitDuration is the duration of one unit of a histogram's values.
func unitDuration(unit string) time.Duration {
	switch unit {
	case "ns", "nanosecond", "nanoseconds":
		return time.Nanosecond
	case "us", "µs", "μs", "microsecond", "microseconds":
		return time.Microsecond
	case "s", "sec", "second", "seconds":
		return time.Second
	case "min", "minute", "minutes":
		return time.Minute
	case "h", "hour", "hours":
		return time.Hour
	}
	return time.Millisecond
}

// metricTags converts a JS tags object (string, number or boolean values)
// to the Go handler's tags.
func (m metricMeter) metricTags(v goja.Value) map[string]string {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	keys := o.Keys()
	if len(keys) == 0 {
		return nil
	}
	tags := make(map[string]string, len(keys))
	for _, k := range keys {
		if tv := o.Get(k); tv != nil && !goja.IsUndefined(tv) {
			tags[k] = tv.String()
		}
	}
	return tags
}

// plainError makes a JS Error (not a Temporal failure) with msg.
func (r *run) plainError(msg string) goja.Value {
	v, err := r.vm.New(r.vm.Get("Error"), r.vm.ToValue(msg))
	if err != nil {
		return r.vm.NewTypeError(msg)
	}
	return v
}
