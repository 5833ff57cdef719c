package cli

import (
	"errors"
	"fmt"
	"syscall"

	sdkclient "go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/metrics"
	"github.com/tsworker/tsworker/worker"
)

// metricsFlagUsage is the help of --metrics-address.
const metricsFlagUsage = "serve the Go SDK's and tsworker's metrics for Prometheus on `HOST:PORT`, at /metrics (port 0 picks a free one)"

// serveMetrics starts the Prometheus endpoint of --metrics-address; nil when
// the flag is empty.
func serveMetrics(address string) (*metrics.Prometheus, error) {
	if address == "" {
		return nil, nil
	}
	p, err := metrics.ServePrometheus(address)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("--metrics-address %s is in use (is another worker serving its metrics there?); pass another port, or port 0 for a free one", address)
	}
	if err != nil {
		return nil, fmt.Errorf("--metrics-address: %w", err)
	}
	return p, nil
}

// startMetrics starts the endpoint of --metrics-address (nil when the flag
// is empty; the caller closes it) and returns pc's load options, reporting
// to it.
func startMetrics(address string, pc *payloadCodec) (*metrics.Prometheus, worker.LoadOptions, error) {
	prom, err := serveMetrics(address)
	if err != nil {
		return nil, worker.LoadOptions{}, err
	}
	lo := pc.loadOptions()
	lo.MetricsHandler = metricsHandler(prom)
	return prom, lo, nil
}

// metricsHandler is p's handler, or nil without --metrics-address.
func metricsHandler(p *metrics.Prometheus) sdkclient.MetricsHandler {
	if p == nil {
		return nil
	}
	return p.Handler()
}
