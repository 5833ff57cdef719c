package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// SoakSample is one look at a worker process during a soak.
type SoakSample struct {
	At         time.Duration // since the soak began
	Completed  int64         // workflows completed so far
	InFlight   int64         // workflows started and not yet completed
	Goroutines int           // the worker's goroutines
	RSS        int64         // the worker's RSS, bytes
	RSSAfterGC int64         // its RSS after a GC that returns memory to the OS
	Heap       int64         // its Go heap in use after that GC, bytes
	Cached     int           // runs in its sticky cache, as of its last workflow task
	CPU        time.Duration // its CPU (user+system) since it started
}

// SoakOptions sizes a soak.
type SoakOptions struct {
	// InFlight is how many LoadFlow workflows run at once. Required.
	InFlight int
	// Duration is how long new workflows are started; then the ones in
	// flight drain. Required.
	Duration time.Duration
	// Every is the time between samples. Zero means a minute.
	Every time.Duration
	// OnSample, when set, is called with each sample as it is taken.
	OnSample func(SoakSample)
}

// Soak runs the load workload of impl on a fresh worker process for a
// duration instead of a count: it keeps InFlight LoadFlow workflows
// running, starting another each time one completes, until Duration has
// passed, then waits for the rest. It samples the worker after its
// warm-up, every Every, and once more after the drain, when no run is left
// in flight: goroutines, RSS, RSS and Go heap after a GC, the sticky
// cache size and CPU. A worker that leaks shows it as a climb from sample
// to sample at the same load, and as a last sample above the first. It
// checks every result, like Load.
func Soak(ctx context.Context, o Options, impl Impl, so SoakOptions) ([]SoakSample, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if so.InFlight <= 0 || so.Duration <= 0 {
		return nil, fmt.Errorf("bench %s soak: in flight (%d) and duration (%v) must be positive", impl, so.InFlight, so.Duration)
	}
	if so.Every <= 0 {
		so.Every = time.Minute
	}
	tq := taskQueue(LoadFlow, impl)
	p, err := spawn(ctx, o, WorkerConfig{HostPort: o.HostPort, TaskQueue: tq, Impl: impl, Workflows: o.Workflows})
	if err != nil {
		return nil, err
	}
	defer p.kill()
	if err := runAll(ctx, o, tq, LoadFlow, tq+"-warmup", o.Warmup); err != nil {
		return nil, fmt.Errorf("bench %s soak: warm-up: %w%s", impl, err, p.stderrTail())
	}

	var (
		samples            []SoakSample
		completed, running atomic.Int64
		next               atomic.Int64
		began              = time.Now()
		stopStarting       = began.Add(so.Duration)
		stuckAfter         = 5*time.Minute + time.Duration(so.InFlight)*100*time.Millisecond
		sem                = make(chan struct{}, o.Concurrency)
		wg                 sync.WaitGroup
		once               sync.Once
		firstErr           error
		done               = make(chan struct{})
		runCtx, cancelRun  = context.WithCancel(ctx)
		sampleErr          error
		sampleMu           sync.Mutex
	)
	defer cancelRun()
	sample := func() error {
		s, err := p.stats()
		if err != nil {
			return err
		}
		s.At, s.Completed, s.InFlight = time.Since(began), completed.Load(), running.Load()
		sampleMu.Lock()
		samples = append(samples, s)
		sampleMu.Unlock()
		if so.OnSample != nil {
			so.OnSample(s)
		}
		return nil
	}
	if err := sample(); err != nil {
		return nil, err
	}
	fail := func(err error) { once.Do(func() { firstErr = err; cancelRun() }) }
	for range so.InFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil && time.Now().Before(stopStarting) {
				id := fmt.Sprintf("%s-%d", tq, next.Add(1)-1)
				sem <- struct{}{}
				run, err := start(runCtx, o, tq, LoadFlow, id)
				<-sem
				if err != nil {
					fail(err)
					return
				}
				running.Add(1)
				wctx, wcancel := context.WithTimeout(runCtx, stuckAfter)
				err = check(wctx, run, LoadFlow, id)
				wcancel()
				running.Add(-1)
				if err != nil && wctx.Err() != nil && runCtx.Err() == nil {
					err = fmt.Errorf("workflow %s not done after %v (stuck?): %w", id, stuckAfter, err)
				}
				if err != nil {
					fail(err)
					return
				}
				completed.Add(1)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(so.Every)
	defer tick.Stop()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-tick.C:
			if err := sample(); err != nil {
				sampleErr = err
				cancelRun()
			}
		}
	}
	if err := errors.Join(firstErr, sampleErr); err != nil {
		return samples, fmt.Errorf("bench %s soak: %w%s", impl, err, p.stderrTail())
	}
	// The last sample shows what the worker holds with nothing to do. The
	// SDK updates its cache size gauge only when a workflow task starts, so
	// one probe workflow runs first to refresh it; the gauge counts the
	// probe's own run, which the sample leaves out.
	if err := runAll(ctx, o, tq, LoadFlow, tq+"-probe", 1); err != nil {
		return samples, fmt.Errorf("bench %s soak: probe after the drain: %w%s", impl, err, p.stderrTail())
	}
	if err := sample(); err != nil {
		return samples, err
	}
	last := &samples[len(samples)-1]
	last.Cached = max(last.Cached-1, 0)
	_, _, err = p.stop()
	return samples, err
}

// stats asks the process for its goroutines, memory, cache size and CPU.
func (p *proc) stats() (SoakSample, error) {
	out, err := p.call("stats")
	if err != nil {
		return SoakSample{}, err
	}
	f, err := fields(out, "stats", "goroutines", "rss", "heap", "rss-gc", "cached", "cpu")
	if err != nil {
		return SoakSample{}, err
	}
	return SoakSample{Goroutines: int(f[0]), RSS: f[1], Heap: f[2], RSSAfterGC: f[3], Cached: int(f[4]),
		CPU: time.Duration(f[5]) * time.Microsecond}, nil
}

// WriteSoak prints soak samples as a table: one row a sample, with the
// workflows completed per second since the previous sample and the
// worker's CPU per workflow over that interval.
func WriteSoak(w io.Writer, impl Impl, samples []SoakSample) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "soak\timpl\tat\tcompleted\tin-flight\twf/s\tcpu/wf\tgoroutines\trss\trss-gc\theap\tcached")
	for i, s := range samples {
		rate, cpu := "-", "-"
		if i > 0 {
			prev := samples[i-1]
			if n := s.Completed - prev.Completed; n > 0 {
				rate = fmt.Sprintf("%.1f", float64(n)/(s.At-prev.At).Seconds())
				cpu = millis((s.CPU - prev.CPU) / time.Duration(n))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t%d\n", Workload[LoadFlow], impl,
			s.At.Round(time.Second), s.Completed, s.InFlight, rate, cpu, s.Goroutines, mega(s.RSS), mega(s.RSSAfterGC), mega(s.Heap), s.Cached)
	}
	return tw.Flush()
}
