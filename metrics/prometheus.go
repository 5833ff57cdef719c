// Package metrics serves the metrics of a tsworker worker to Prometheus:
// the Go SDK's (temporal_workflow_task_*, temporal_activity_*, requests,
// pollers, sticky cache, ...) and tsworker's own (tsworker_bundle_latency,
// tsworker_vm_created, tsworker_cached_runs,
// tsworker_workflow_task_js_latency, described in docs/production.md).
//
//	prom, err := metrics.ServePrometheus("0.0.0.0:9464") // http://HOST:9464/metrics
//	if err != nil { ... }
//	defer prom.Close()
//	c, err := client.Dial(ctx, client.Options{SDK: sdkclient.Options{MetricsHandler: prom.Handler()}})
//	...
//	w, err := worker.New(c, "orders", worker.Options{Workflows: "workflows.ts", MetricsHandler: prom.Handler()})
//
// Metrics are recorded through the Go SDK's tally contrib module with the
// Prometheus naming it recommends: timers are histograms in seconds (their
// names end in _seconds) and counters end in _total.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Path is where ServePrometheus serves the metrics.
const Path = "/metrics"

// ReportInterval is how often recorded values reach what Prometheus
// scrapes.
const ReportInterval = time.Second

// latencyBuckets are the histogram buckets of every timer, in seconds: fine
// enough for the JS time of a workflow task (often under a millisecond) and
// wide enough for activity and schedule-to-start latencies.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
}

// Prometheus records metrics for Prometheus to scrape. It is an
// http.Handler that serves them in Prometheus's text format; ServePrometheus
// also listens for scrapes itself.
type Prometheus struct {
	handler client.MetricsHandler
	http    http.Handler
	closer  interface{ Close() error }

	srv  *http.Server
	addr string

	closeOnce sync.Once
	closeErr  error
}

// NewPrometheus returns a Prometheus that records what is given to its
// Handler, on a registry of its own which also holds the Go runtime's and
// the process's metrics (go_*, process_*). Serve it on your own HTTP server
// (it is an http.Handler), or use ServePrometheus. Close it when done.
func NewPrometheus() *Prometheus {
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:              reg,
		DefaultTimerType:        tallyprom.HistogramTimerType,
		DefaultHistogramBuckets: latencyBuckets,
		OnRegisterError: func(err error) {
			// A metric recorded with two different sets of tags: the
			// second set is dropped, the worker goes on.
			slog.Warn("metrics: cannot register a metric with Prometheus", "error", err)
		},
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, ReportInterval)
	scope = sdktally.NewPrometheusNamingScope(scope)
	return &Prometheus{
		handler: sdktally.NewMetricsHandler(scope),
		http:    reporter.HTTPHandler(),
		closer:  closer,
	}
}

// ServePrometheus returns a Prometheus serving its metrics over HTTP at
// address ("HOST:PORT"; port 0 picks a free one, see Addr) on Path. An
// address already in use is an error. Close stops the server.
func ServePrometheus(address string) (*Prometheus, error) {
	l, err := net.Listen("tcp", address)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", address, err)
	}
	p := NewPrometheus()
	mux := http.NewServeMux()
	mux.Handle(Path, p)
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	p.addr = l.Addr().String()
	go func() {
		if err := p.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics: the Prometheus endpoint stopped", "address", p.addr, "error", err)
		}
	}()
	return p, nil
}

// Handler returns the handler to record metrics with: give it to the client
// (client.Options.MetricsHandler of the Go SDK) for the Go SDK's metrics and
// to the worker (worker.Options.MetricsHandler, or LoadOptions for
// workflows loaded on their own) for tsworker's.
func (p *Prometheus) Handler() client.MetricsHandler { return p.handler }

// ServeHTTP serves the metrics in Prometheus's text format.
func (p *Prometheus) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.http.ServeHTTP(w, r) }

// Addr returns the address ServePrometheus listens on ("127.0.0.1:9464"),
// or "" for a Prometheus made by NewPrometheus.
func (p *Prometheus) Addr() string { return p.addr }

// URL returns the address of the metrics page ("http://127.0.0.1:9464/metrics"),
// or "" for a Prometheus made by NewPrometheus.
func (p *Prometheus) URL() string {
	if p.addr == "" {
		return ""
	}
	return "http://" + p.addr + Path
}

// Close stops reporting, after a last report, and stops the server of
// ServePrometheus.
func (p *Prometheus) Close() error {
	p.closeOnce.Do(func() {
		var errs []error
		if p.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			errs = append(errs, p.srv.Shutdown(ctx))
		}
		errs = append(errs, p.closer.Close())
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
