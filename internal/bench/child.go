package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/worker"
)

// Impl is a workflow implementation under test.
type Impl string

// The two implementations compared.
const (
	Go Impl = "go" // native Go SDK workflows
	JS Impl = "js" // testdata/bench.ts on tsworker
)

// WorkerConfig tells a worker process what to run. It travels in the
// environment of the process.
type WorkerConfig struct {
	HostPort  string // the server's frontend
	TaskQueue string
	Impl      Impl
	Workflows string // the JS workflows file, for Impl JS
	// MemProfileRate, when positive, sets runtime.MemProfileRate, so that a
	// heap profile sees small per-run allocations.
	MemProfileRate int
}

// Environment variables carrying a WorkerConfig. EnvChild marks a process
// started as a benchmark worker.
const (
	EnvChild     = "TSWORKER_BENCH_CHILD"
	envHostPort  = "TSWORKER_BENCH_HOSTPORT"
	envTaskQueue = "TSWORKER_BENCH_QUEUE"
	envImpl      = "TSWORKER_BENCH_IMPL"
	envWorkflows = "TSWORKER_BENCH_WORKFLOWS"
	envMemRate   = "TSWORKER_BENCH_MEMPROFILERATE"
)

// Env returns the environment entries that pass cfg to a worker process.
func (cfg WorkerConfig) Env() []string {
	return []string{
		EnvChild + "=1",
		envHostPort + "=" + cfg.HostPort,
		envTaskQueue + "=" + cfg.TaskQueue,
		envImpl + "=" + string(cfg.Impl),
		envWorkflows + "=" + cfg.Workflows,
		envMemRate + "=" + strconv.Itoa(cfg.MemProfileRate),
	}
}

// WorkerConfigFromEnv reads the WorkerConfig of a worker process.
func WorkerConfigFromEnv() (WorkerConfig, error) {
	cfg := WorkerConfig{
		HostPort:  os.Getenv(envHostPort),
		TaskQueue: os.Getenv(envTaskQueue),
		Impl:      Impl(os.Getenv(envImpl)),
		Workflows: os.Getenv(envWorkflows),
	}
	cfg.MemProfileRate, _ = strconv.Atoi(os.Getenv(envMemRate))
	if cfg.HostPort == "" || cfg.TaskQueue == "" {
		return cfg, fmt.Errorf("bench worker: %s and %s must be set", envHostPort, envTaskQueue)
	}
	return cfg, nil
}

// Worker is a started Go SDK or tsworker worker.
type Worker interface {
	Start() error
	Stop()
}

// NewWorker creates a worker running the benchmark workflows of impl (and
// the greet activity) on taskQueue. Both kinds use default worker options.
func NewWorker(c client.Client, taskQueue string, impl Impl, workflows string) (Worker, error) {
	switch impl {
	case Go:
		w := sdkworker.New(c, taskQueue, sdkworker.Options{})
		registerGo(w)
		return w, nil
	case JS:
		w, err := worker.New(c, taskQueue, worker.Options{Workflows: workflows})
		if err != nil {
			return nil, err
		}
		w.RegisterActivity(Greet)
		return w, nil
	default:
		return nil, fmt.Errorf("bench worker: unknown implementation %q; use %q or %q", impl, Go, JS)
	}
}

// replyPrefix marks the lines of a worker process's stdout that answer the
// harness; anything else on stdout (test framework output) is ignored.
const replyPrefix = "tsworker-bench "

// ServeWorker runs a benchmark worker process: it starts the worker, says
// "ready" on out and answers the harness's commands, one a line on in, until
// in is closed or ctx is done; then it stops the worker. Commands:
//
//	usage             user+system CPU (µs) and RSS now and at peak (bytes)
//	reset-peak        restart the peak RSS from the current RSS (Linux)
//	gc                collect garbage, return memory to the OS, report
//	                  heap in use and RSS (bytes), the runs in the
//	                  sticky cache, and goroutine stacks (see stackStats)
//	cpu-start <file>  start a CPU profile
//	cpu-stop          stop it
//	heap <file>       write a heap profile (after a GC)
//	stats             goroutines and RSS now, then heap in use and RSS
//	                  after a GC that returns memory to the OS (bytes),
//	                  and the runs in the sticky cache
func ServeWorker(ctx context.Context, cfg WorkerConfig, in io.Reader, out io.Writer) error {
	if cfg.MemProfileRate > 0 {
		runtime.MemProfileRate = cfg.MemProfileRate
	}
	var cached atomic.Int64
	c, err := client.Dial(client.Options{
		HostPort:       cfg.HostPort,
		Logger:         quietLogger{},
		MetricsHandler: cacheSizeHandler{MetricsHandler: client.MetricsNopHandler, size: &cached},
	})
	if err != nil {
		return fmt.Errorf("bench worker: dial %s: %w", cfg.HostPort, err)
	}
	defer c.Close()
	w, err := NewWorker(c, cfg.TaskQueue, cfg.Impl, cfg.Workflows)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("bench worker: start: %w", err)
	}
	defer w.Stop()
	reply := func(format string, args ...any) error {
		_, err := fmt.Fprintf(out, replyPrefix+format+"\n", args...)
		return err
	}
	if err := reply("ready"); err != nil {
		return err
	}
	var cpuProfile *os.File
	defer func() {
		if cpuProfile != nil {
			pprof.StopCPUProfile()
			cpuProfile.Close()
		}
	}()
	// Commands are read on their own goroutine so that a cancelled ctx (a
	// signal) stops the worker even while nothing arrives on in.
	lines := make(chan string)
	scanErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		scanErr <- sc.Err()
		close(lines)
	}()
	for {
		var line string
		var more bool
		select {
		case <-ctx.Done():
			return nil
		case line, more = <-lines:
		}
		if !more {
			return <-scanErr
		}
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		var err error
		switch cmd {
		case "usage":
			var u usage
			if u, err = selfUsage(); err == nil {
				err = reply("usage cpu=%d rss=%d peak=%d", u.CPU.Microseconds(), u.RSS, u.Peak)
			}
		case "reset-peak":
			if err = resetPeakRSS(); err == nil {
				err = reply("ok")
			}
		case "gc":
			runtime.GC()
			debug.FreeOSMemory()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			st := readStacks()
			var u usage
			if u, err = selfUsage(); err == nil {
				err = reply("mem heap=%d rss=%d cached=%d stacks=%d stack-used=%d goroutines=%d stack-start=%d",
					ms.HeapInuse, u.RSS, cached.Load(), st.Reserved, st.Scanned, st.Goroutines, st.Start)
			}
		case "stats":
			goroutines := runtime.NumGoroutine()
			var before, after usage
			if before, err = selfUsage(); err != nil {
				break
			}
			runtime.GC()
			debug.FreeOSMemory()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if after, err = selfUsage(); err == nil {
				err = reply("stats goroutines=%d rss=%d heap=%d rss-gc=%d cached=%d cpu=%d",
					goroutines, before.RSS, ms.HeapInuse, after.RSS, cached.Load(), after.CPU.Microseconds())
			}
		case "cpu-start":
			if cpuProfile != nil {
				err = errors.New("a CPU profile is already running")
				break
			}
			if cpuProfile, err = os.Create(arg); err != nil {
				break
			}
			if err = pprof.StartCPUProfile(cpuProfile); err != nil {
				cpuProfile.Close()
				cpuProfile = nil
				break
			}
			err = reply("ok")
		case "cpu-stop":
			if cpuProfile == nil {
				err = errors.New("no CPU profile is running")
				break
			}
			pprof.StopCPUProfile()
			err = cpuProfile.Close()
			cpuProfile = nil
			if err == nil {
				err = reply("ok")
			}
		case "heap":
			err = writeHeapProfile(arg)
			if err == nil {
				err = reply("ok")
			}
		default:
			err = fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			if rerr := reply("err %s", strings.ReplaceAll(err.Error(), "\n", " ")); rerr != nil {
				return rerr
			}
		}
	}
}

// stackStats is the goroutine stacks of a process after a GC, from
// runtime/metrics.
type stackStats struct {
	// Reserved is the memory of goroutine stacks, bytes: each goroutine's
	// whole stack (a power of two, 8 KiB or more when it grew), and stack
	// spans the runtime keeps.
	Reserved int64
	// Scanned is the part of the stacks the last GC scanned, bytes: what
	// the goroutines actually use.
	Scanned int64
	// Goroutines is the number of live goroutines.
	Goroutines int64
	// Start is the stack size a new goroutine starts with, bytes.
	Start int64
}

func readStacks() stackStats {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/gc/scan/stack:bytes"},
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/gc/stack/starting-size:bytes"},
	}
	metrics.Read(samples)
	v := func(i int) int64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(samples[i].Value.Uint64())
	}
	return stackStats{Reserved: v(0), Scanned: v(1), Goroutines: v(2), Start: v(3)}
}

func writeHeapProfile(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var errUnsupported = errors.New("bench: process measurements need Linux (getrusage, /proc)")

// usage is a process's resource use.
type usage struct {
	CPU  time.Duration // user + system
	RSS  int64         // resident set size now, bytes
	Peak int64         // peak resident set size, bytes
}

// stickyCacheSizeMetric is the gauge the Go SDK updates with the number of
// runs in its sticky cache each time a workflow task starts.
const stickyCacheSizeMetric = "temporal_sticky_cache_size"

// cacheSizeHandler drops every metric except the sticky cache size, which
// it keeps in size.
type cacheSizeHandler struct {
	client.MetricsHandler
	size *atomic.Int64
}

func (h cacheSizeHandler) WithTags(map[string]string) client.MetricsHandler { return h }

func (h cacheSizeHandler) Gauge(name string) client.MetricsGauge {
	if name != stickyCacheSizeMetric {
		return h.MetricsHandler.Gauge(name)
	}
	return gaugeFunc(func(v float64) { h.size.Store(int64(v)) })
}

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
