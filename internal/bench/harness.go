package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// Options configures the measurements. Client, HostPort, Command and
// Workflows are required.
type Options struct {
	// Client starts the workflows; it must talk to the server at HostPort.
	Client client.Client
	// HostPort is the server's frontend, for the worker processes.
	HostPort string
	// Command returns a fresh command that runs a worker process: one that
	// calls ServeWorker with WorkerConfigFromEnv. The config is appended to
	// its environment (os.Environ() when Env is nil).
	Command func() *exec.Cmd
	// Workflows is the JS workflows file (testdata/bench.ts).
	Workflows string
	// Warmup is how many workflows each worker runs before a measurement,
	// so that connections, caches and the heap are warm. Zero means 20;
	// negative means none.
	Warmup int
	// Concurrency caps the start requests in flight. Zero means 50.
	Concurrency int
	// ProfileDir, when set, receives a CPU profile of each measured
	// workload (cpu-<workload>-<impl>.pprof), a heap profile of each
	// worker holding its cached runs (heap-cached-<impl>.pprof) and one of
	// each load worker in the middle of its workload (heap-load-<impl>.pprof).
	// Heap profiles sample every 512 bytes (cached runs) or 4 KiB (load),
	// which slows those workers down.
	ProfileDir string
}

func (o Options) withDefaults() (Options, error) {
	if o.Client == nil || o.HostPort == "" || o.Command == nil || o.Workflows == "" {
		return o, errors.New("bench: Options.Client, HostPort, Command and Workflows are required")
	}
	if !supported {
		return o, errUnsupported
	}
	switch {
	case o.Warmup == 0:
		o.Warmup = 20
	case o.Warmup < 0:
		o.Warmup = 0
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 50
	}
	return o, nil
}

// Workload names the throughput workloads by workflow type.
var Workload = map[string]string{
	OneActivity:     "one-activity",
	FiftyActivities: "fifty-activities",
	SleepDay:        "cached-runs",
	LoadFlow:        "load",
}

// Row is one throughput measurement: n workflows of one type on one worker.
type Row struct {
	Workflow  string // workflow type
	Impl      Impl
	Workflows int
	Wall      time.Duration // from the first start to the last result
	CPU       time.Duration // worker CPU (user+system) during the workload
	PeakRSS   int64         // worker peak RSS during the workload (Linux clear_refs; else since start), bytes
	MaxRSS    int64         // worker peak RSS over its whole life, bytes
}

// CPUPerWorkflow is the worker CPU one workflow costs.
func (r Row) CPUPerWorkflow() time.Duration { return r.CPU / time.Duration(max(r.Workflows, 1)) }

// Throughput is workflows completed per second of wall time.
func (r Row) Throughput() float64 { return float64(r.Workflows) / r.Wall.Seconds() }

// MemRow is one measurement of the memory cached runs hold.
type MemRow struct {
	Impl                  Impl
	Workflows             int
	RSSBefore, RSSAfter   int64         // worker RSS after a GC, bytes
	HeapBefore, HeapAfter int64         // worker Go heap in use after a GC, bytes
	CPU                   time.Duration // worker CPU for the first tasks
	Wall                  time.Duration // from the first start to the last first task
	// The worker's goroutine stacks after a GC, before and after.
	StacksBefore, StacksAfter stackStats
}

// StackPerWorkflow is the growth of goroutine stack memory per cached run,
// bytes: a parked run's goroutines and their stacks (8 KiB each unless
// one grew).
func (m MemRow) StackPerWorkflow() float64 {
	return float64(m.StacksAfter.Reserved-m.StacksBefore.Reserved) / float64(max(m.Workflows, 1))
}

// StackUsedPerWorkflow is the growth of the stack the GC scans per cached
// run, bytes: how deep a parked run's goroutines are.
func (m MemRow) StackUsedPerWorkflow() float64 {
	return float64(m.StacksAfter.Scanned-m.StacksBefore.Scanned) / float64(max(m.Workflows, 1))
}

// GoroutinesPerWorkflow is the growth of live goroutines per cached run.
func (m MemRow) GoroutinesPerWorkflow() float64 {
	return float64(m.StacksAfter.Goroutines-m.StacksBefore.Goroutines) / float64(max(m.Workflows, 1))
}

// RSSPerWorkflow is the RSS growth per cached run, bytes.
func (m MemRow) RSSPerWorkflow() float64 {
	return float64(m.RSSAfter-m.RSSBefore) / float64(max(m.Workflows, 1))
}

// HeapPerWorkflow is the Go heap growth per cached run, bytes.
func (m MemRow) HeapPerWorkflow() float64 {
	return float64(m.HeapAfter-m.HeapBefore) / float64(max(m.Workflows, 1))
}

// CPUPerWorkflow is the worker CPU of one run's first task.
func (m MemRow) CPUPerWorkflow() time.Duration { return m.CPU / time.Duration(max(m.Workflows, 1)) }

// Throughput runs n workflows of workflowType (OneActivity or
// FiftyActivities) of impl on a fresh worker process and measures them. It
// checks every result.
func Throughput(ctx context.Context, o Options, workflowType string, impl Impl, n int) (Row, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Row{}, err
	}
	tq := taskQueue(workflowType, impl)
	p, err := spawn(ctx, o, WorkerConfig{HostPort: o.HostPort, TaskQueue: tq, Impl: impl, Workflows: o.Workflows})
	if err != nil {
		return Row{}, err
	}
	defer p.kill()
	if err := runAll(ctx, o, tq, workflowType, tq+"-warmup", o.Warmup); err != nil {
		return Row{}, fmt.Errorf("bench %s %s: warm-up: %w%s", impl, workflowType, err, p.stderrTail())
	}
	// Where the peak cannot be reset, it covers the worker's start too.
	_, _ = p.call("reset-peak")
	stopProfile, err := p.startProfile(o, fmt.Sprintf("cpu-%s-%s.pprof", Workload[workflowType], impl))
	if err != nil {
		return Row{}, err
	}
	before, err := p.usage()
	if err != nil {
		return Row{}, err
	}
	start := time.Now()
	if err := runAll(ctx, o, tq, workflowType, tq, n); err != nil {
		return Row{}, fmt.Errorf("bench %s %s: %w%s", impl, workflowType, err, p.stderrTail())
	}
	row := Row{Workflow: workflowType, Impl: impl, Workflows: n, Wall: time.Since(start)}
	after, err := p.usage()
	if err != nil {
		return Row{}, err
	}
	if err := stopProfile(); err != nil {
		return Row{}, err
	}
	row.CPU, row.PeakRSS = after.CPU-before.CPU, after.Peak
	_, row.MaxRSS, err = p.stop()
	return row, err
}

// CachedMemory starts n sleepDay workflows of impl on a fresh worker
// process, waits until each has completed its first workflow task (so its
// run sits in the worker's sticky cache), and measures how much the
// worker's memory grew. It terminates the workflows afterwards.
func CachedMemory(ctx context.Context, o Options, impl Impl, n int) (MemRow, error) {
	o, err := o.withDefaults()
	if err != nil {
		return MemRow{}, err
	}
	tq := taskQueue(SleepDay, impl)
	cfg := WorkerConfig{HostPort: o.HostPort, TaskQueue: tq, Impl: impl, Workflows: o.Workflows}
	if o.ProfileDir != "" {
		cfg.MemProfileRate = 512
	}
	p, err := spawn(ctx, o, cfg)
	if err != nil {
		return MemRow{}, err
	}
	defer p.kill()
	// Completed workflows leave the cache, so warming up with them leaves
	// only warm connections and a grown heap behind.
	if err := runAll(ctx, o, tq, OneActivity, tq+"-warmup", o.Warmup); err != nil {
		return MemRow{}, fmt.Errorf("bench %s %s: warm-up: %w%s", impl, SleepDay, err, p.stderrTail())
	}
	m := MemRow{Impl: impl, Workflows: n}
	pm, err := p.mem()
	if err != nil {
		return m, err
	}
	m.HeapBefore, m.RSSBefore, m.StacksBefore = pm.heap, pm.rss, pm.stacks
	before, err := p.usage()
	if err != nil {
		return m, err
	}
	start := time.Now()
	ids, startErr := startAll(ctx, o, tq, SleepDay, tq, n)
	defer terminateAll(context.WithoutCancel(ctx), o, ids)
	if startErr != nil {
		return m, fmt.Errorf("bench %s %s: %w", impl, SleepDay, startErr)
	}
	if err := waitFirstTasks(ctx, o, ids); err != nil {
		return m, fmt.Errorf("bench %s %s: %w%s", impl, SleepDay, err, p.stderrTail())
	}
	m.Wall = time.Since(start)
	after, err := p.usage()
	if err != nil {
		return m, err
	}
	m.CPU = after.CPU - before.CPU
	if pm, err = p.mem(); err != nil {
		return m, err
	}
	m.HeapAfter, m.RSSAfter, m.StacksAfter = pm.heap, pm.rss, pm.stacks
	if o.ProfileDir != "" {
		if _, err := p.call("heap " + filepath.Join(o.ProfileDir, fmt.Sprintf("heap-cached-%s.pprof", impl))); err != nil {
			return m, err
		}
	}
	terminateAll(ctx, o, ids)
	ids = nil
	_, _, err = p.stop()
	return m, err
}

// LoadRow is one measurement of the load workload: Workflows LoadFlow
// workflows on one worker, InFlight of them running at any time.
type LoadRow struct {
	Impl      Impl
	InFlight  int           // workflows kept running at once
	Workflows int           // workflows completed
	Wall      time.Duration // from the first start to the last result
	CPU       time.Duration // worker CPU (user+system) during the workload
	// HarnessCPU is the CPU of the process running Load during the
	// workload: the client, and the server too when it is embedded.
	HarnessCPU time.Duration
	PeakRSS    int64 // worker peak RSS during the workload, bytes
	MaxRSS     int64 // worker peak RSS over its whole life, bytes
	// The worker's RSS and Go heap in use after a GC, before the workload
	// (Base) and in its middle (Mid), with MidInFlight workflows running
	// and MidCached of them in the worker's sticky cache (the others wait
	// on the server for their first workflow task).
	RSSBase, HeapBase int64
	RSSMid, HeapMid   int64
	MidInFlight       int
	MidCached         int
}

// Throughput is workflows completed per second of wall time.
func (r LoadRow) Throughput() float64 { return float64(r.Workflows) / r.Wall.Seconds() }

// CPUPerWorkflow is the worker CPU one workflow costs.
func (r LoadRow) CPUPerWorkflow() time.Duration {
	return r.CPU / time.Duration(max(r.Workflows, 1))
}

// HarnessCPUPerWorkflow is the harness CPU (client and embedded server)
// one workflow costs.
func (r LoadRow) HarnessCPUPerWorkflow() time.Duration {
	return r.HarnessCPU / time.Duration(max(r.Workflows, 1))
}

// RSSPerRun is the worker's RSS growth per cached run in the middle of
// the workload, bytes.
func (r LoadRow) RSSPerRun() float64 {
	return float64(r.RSSMid-r.RSSBase) / float64(max(r.MidCached, 1))
}

// HeapPerRun is the worker's Go heap growth per cached run in the middle
// of the workload, bytes.
func (r LoadRow) HeapPerRun() float64 {
	return float64(r.HeapMid-r.HeapBase) / float64(max(r.MidCached, 1))
}

// Load runs total LoadFlow workflows of impl on a fresh worker process,
// keeping inFlight of them running at once: it starts inFlight at the
// beginning and starts another each time one completes, until total have
// been started; then it waits for the rest. Start and signal requests in
// flight are capped by o.Concurrency. In the middle of the steady phase
// (when (total-inFlight)/2 workflows have completed, at least one) it makes
// the worker collect garbage and reads its RSS, Go heap and sticky cache
// size, for the memory per cached run; that GC counts in the worker's CPU.
// It checks every result and fails when a workflow takes more than a few
// minutes (five, plus a tenth of a second per workflow in flight).
func Load(ctx context.Context, o Options, impl Impl, inFlight, total int) (LoadRow, error) {
	o, err := o.withDefaults()
	if err != nil {
		return LoadRow{}, err
	}
	if inFlight <= 0 || total <= 0 {
		return LoadRow{}, fmt.Errorf("bench %s %s: in flight (%d) and total (%d) must be positive", impl, LoadFlow, inFlight, total)
	}
	inFlight = min(inFlight, total)
	tq := taskQueue(LoadFlow, impl)
	cfg := WorkerConfig{HostPort: o.HostPort, TaskQueue: tq, Impl: impl, Workflows: o.Workflows}
	if o.ProfileDir != "" {
		cfg.MemProfileRate = 4096
	}
	p, err := spawn(ctx, o, cfg)
	if err != nil {
		return LoadRow{}, err
	}
	defer p.kill()
	if err := runAll(ctx, o, tq, LoadFlow, tq+"-warmup", o.Warmup); err != nil {
		return LoadRow{}, fmt.Errorf("bench %s %s: warm-up: %w%s", impl, LoadFlow, err, p.stderrTail())
	}
	row := LoadRow{Impl: impl, InFlight: inFlight, Workflows: total}
	if row.HeapBase, row.RSSBase, err = p.gc(); err != nil {
		return row, err
	}
	_, _ = p.call("reset-peak")
	stopProfile, err := p.startProfile(o, fmt.Sprintf("cpu-%s-%s.pprof", Workload[LoadFlow], impl))
	if err != nil {
		return row, err
	}
	before, err := p.usage()
	if err != nil {
		return row, err
	}
	self0, err := selfUsage()
	if err != nil {
		return row, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg                       sync.WaitGroup
		once                     sync.Once
		firstErr                 error
		next, completed, running atomic.Int64
		mid                      = make(chan struct{})
		done                     = make(chan struct{})
		sampleAt                 = int64(max((total-inFlight)/2, 1))
		sem                      = make(chan struct{}, o.Concurrency)
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	// Little's law: a workflow waits about inFlight/throughput; at tens of
	// workflows a second, a few minutes mean something is stuck.
	stuckAfter := 5*time.Minute + time.Duration(inFlight)*100*time.Millisecond
	began := time.Now()
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(total) && ctx.Err() == nil; i = next.Add(1) - 1 {
				id := fmt.Sprintf("%s-%d", tq, i)
				sem <- struct{}{}
				run, err := start(ctx, o, tq, LoadFlow, id)
				<-sem
				if err != nil {
					fail(err)
					return
				}
				running.Add(1)
				wctx, wcancel := context.WithTimeout(ctx, stuckAfter)
				err = check(wctx, run, LoadFlow, id)
				wcancel()
				running.Add(-1)
				if err != nil && wctx.Err() != nil && ctx.Err() == nil {
					err = fmt.Errorf("workflow %s not done after %v (stuck?): %w", id, stuckAfter, err)
				}
				if err != nil {
					fail(err)
					return
				}
				if completed.Add(1) == sampleAt {
					close(mid)
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-mid:
		r0 := running.Load()
		m, err := p.mem()
		row.MidInFlight = int((r0 + running.Load() + 1) / 2)
		row.HeapMid, row.RSSMid, row.MidCached = m.heap, m.rss, m.cached
		if err == nil && o.ProfileDir != "" {
			_, err = p.call("heap " + filepath.Join(o.ProfileDir, fmt.Sprintf("heap-load-%s.pprof", impl)))
		}
		if err != nil {
			fail(err)
		}
	case <-done:
	}
	<-done
	row.Wall = time.Since(began)
	self1, err := selfUsage()
	if err != nil {
		return row, err
	}
	row.HarnessCPU = self1.CPU - self0.CPU
	if firstErr != nil {
		return row, fmt.Errorf("bench %s %s: %w%s", impl, LoadFlow, firstErr, p.stderrTail())
	}
	after, err := p.usage()
	if err != nil {
		return row, err
	}
	if err := stopProfile(); err != nil {
		return row, err
	}
	row.CPU, row.PeakRSS = after.CPU-before.CPU, after.Peak
	_, row.MaxRSS, err = p.stop()
	return row, err
}

var queueSeq atomic.Int64

func taskQueue(workflowType string, impl Impl) string {
	return fmt.Sprintf("bench-%s-%s-%d-%d", Workload[workflowType], impl, os.Getpid(), queueSeq.Add(1))
}

// runAll starts n workflows, with at most o.Concurrency start requests in
// flight, waits for all of them and checks their results.
func runAll(ctx context.Context, o Options, tq, workflowType, idPrefix string, n int) error {
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fail := func(err error) { once.Do(func() { firstErr = err }) }
	sem := make(chan struct{}, o.Concurrency)
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			run, err := start(ctx, o, tq, workflowType, id)
			<-sem
			if err == nil {
				err = check(ctx, run, workflowType, id)
			}
			if err != nil {
				fail(err)
			}
		}(fmt.Sprintf("%s-%d", idPrefix, i))
	}
	wg.Wait()
	return firstErr
}

// start starts a workflow with its ID as argument and, for LoadFlow, sends
// it the approve signal.
func start(ctx context.Context, o Options, tq, workflowType, id string) (client.WorkflowRun, error) {
	run, err := o.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, workflowType, id)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	if workflowType == LoadFlow {
		if err := o.Client.SignalWorkflow(ctx, id, run.GetRunID(), ApproveSignal, approver(id)); err != nil {
			return nil, fmt.Errorf("signal %s: %w", id, err)
		}
	}
	return run, nil
}

// check waits for a workflow's result and compares it with the expected
// one.
func check(ctx context.Context, run client.WorkflowRun, workflowType, id string) error {
	var out string
	if err := run.Get(ctx, &out); err != nil {
		return fmt.Errorf("workflow %s: %w", id, err)
	}
	if want := expected(workflowType, id); out != want {
		return fmt.Errorf("workflow %s returned %q, want %q", id, out, want)
	}
	return nil
}

// startAll starts n workflows and returns their IDs.
func startAll(ctx context.Context, o Options, tq, workflowType, idPrefix string, n int) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d", idPrefix, i)
	}
	err := forEach(ctx, ids, o.Concurrency, func(ctx context.Context, id string) error {
		_, err := o.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, workflowType)
		return err
	})
	return ids, err
}

// waitFirstTasks waits until every workflow has completed its first
// workflow task: no task is pending and the history holds at least
// started, task scheduled/started/completed and the command it produced.
// Workflows are checked in start order, each until it is done, so most are
// described once.
func waitFirstTasks(ctx context.Context, o Options, ids []string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute+time.Duration(len(ids))*100*time.Millisecond)
	defer cancel()
	var pending atomic.Int64
	pending.Store(int64(len(ids)))
	err := forEach(ctx, ids, min(o.Concurrency, 8), func(ctx context.Context, id string) error {
		for {
			d, err := o.Client.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				return err
			}
			if firstTaskDone(d) {
				pending.Add(-1)
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	if err != nil {
		return fmt.Errorf("waiting for first workflow tasks (%d of %d pending): %w", pending.Load(), len(ids), err)
	}
	return nil
}

func firstTaskDone(d *workflowservice.DescribeWorkflowExecutionResponse) bool {
	return d.GetPendingWorkflowTask() == nil && d.GetWorkflowExecutionInfo().GetHistoryLength() >= 5
}

// terminateAll terminates the workflows, ignoring those already gone.
func terminateAll(ctx context.Context, o Options, ids []string) {
	_ = forEach(ctx, ids, o.Concurrency, func(ctx context.Context, id string) error {
		err := o.Client.TerminateWorkflow(ctx, id, "", "benchmark done")
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			err = nil
		}
		return err
	})
}

// forEach calls fn for every id with at most limit calls in flight and
// returns the first error.
func forEach(ctx context.Context, ids []string, limit int, fn func(context.Context, string) error) error {
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	sem := make(chan struct{}, limit)
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, id); err != nil {
				once.Do(func() { firstErr = fmt.Errorf("%s: %w", id, err) })
			}
		}(id)
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// proc is a running worker process and the line protocol to it.
type proc struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan string   // reply lines, without the prefix
	done    chan struct{} // closed when stdout is drained
	stderr  *syncBuffer
	exited  bool
}

// spawn starts a worker process for cfg and waits until it is ready.
func spawn(ctx context.Context, o Options, cfg WorkerConfig) (*proc, error) {
	cmd := o.Command()
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, cfg.Env()...)
	p := &proc{cmd: cmd, replies: make(chan string, 16), done: make(chan struct{}), stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start worker process: %w", err)
	}
	go func() {
		defer close(p.done)
		defer close(p.replies)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), replyPrefix); ok {
				p.replies <- line
			}
		}
	}()
	if err := p.expect(ctx, "ready", time.Minute); err != nil {
		p.kill()
		return nil, fmt.Errorf("bench: worker process (%s) did not start: %w%s", cfg.Impl, err, p.stderrTail())
	}
	return p, nil
}

func (p *proc) expect(ctx context.Context, want string, timeout time.Duration) error {
	got, err := p.next(ctx, timeout)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("want %q, got %q", want, got)
	}
	return nil
}

func (p *proc) next(ctx context.Context, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line, ok := <-p.replies:
		if !ok {
			return "", errors.New("the worker process exited")
		}
		if msg, isErr := strings.CutPrefix(line, "err "); isErr {
			return "", errors.New(msg)
		}
		return line, nil
	case <-t.C:
		return "", fmt.Errorf("no answer in %v", timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// call sends a command and returns its answer.
func (p *proc) call(cmd string) (string, error) {
	if _, err := io.WriteString(p.stdin, cmd+"\n"); err != nil {
		return "", fmt.Errorf("bench: worker process: %s: %w%s", cmd, err, p.stderrTail())
	}
	out, err := p.next(context.Background(), 2*time.Minute)
	if err != nil {
		return "", fmt.Errorf("bench: worker process: %s: %w%s", cmd, err, p.stderrTail())
	}
	return out, nil
}

// usage asks the process for its CPU time and RSS.
func (p *proc) usage() (usage, error) {
	out, err := p.call("usage")
	if err != nil {
		return usage{}, err
	}
	f, err := fields(out, "usage", "cpu", "rss", "peak")
	if err != nil {
		return usage{}, err
	}
	return usage{CPU: time.Duration(f[0]) * time.Microsecond, RSS: f[1], Peak: f[2]}, nil
}

// gc makes the process collect garbage and return memory to the OS, and
// returns its heap in use and RSS after that.
func (p *proc) gc() (heap, rss int64, err error) {
	m, err := p.mem()
	return m.heap, m.rss, err
}

// procMem is a worker process's memory after a GC.
type procMem struct {
	heap, rss int64 // Go heap in use and RSS, bytes
	cached    int   // runs in its sticky cache, as of its last workflow task
	stacks    stackStats
}

// mem makes the process collect garbage and return memory to the OS, and
// returns its memory after that.
func (p *proc) mem() (procMem, error) {
	out, err := p.call("gc")
	if err != nil {
		return procMem{}, err
	}
	f, err := fields(out, "mem", "heap", "rss", "cached", "stacks", "stack-used", "goroutines", "stack-start")
	if err != nil {
		return procMem{}, err
	}
	return procMem{heap: f[0], rss: f[1], cached: int(f[2]),
		stacks: stackStats{Reserved: f[3], Scanned: f[4], Goroutines: f[5], Start: f[6]}}, nil
}

// startProfile starts a CPU profile into o.ProfileDir/name when profiling
// is on, and returns the function that stops it.
func (p *proc) startProfile(o Options, name string) (stop func() error, err error) {
	if o.ProfileDir == "" {
		return func() error { return nil }, nil
	}
	if _, err := p.call("cpu-start " + filepath.Join(o.ProfileDir, name)); err != nil {
		return nil, err
	}
	return func() error { _, err := p.call("cpu-stop"); return err }, nil
}

// stop closes the process's stdin, which stops its worker, waits for it to
// exit and returns its total CPU time and peak RSS.
func (p *proc) stop() (cpu time.Duration, maxRSS int64, err error) {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.kill()
		return 0, 0, fmt.Errorf("bench: worker process did not stop in a minute; killed it%s", p.stderrTail())
	}
	err = p.cmd.Wait()
	p.exited = true
	if err != nil {
		return 0, 0, fmt.Errorf("bench: worker process: %w%s", err, p.stderrTail())
	}
	cpu, maxRSS, _ = processUsage(p.cmd.ProcessState.SysUsage())
	return cpu, maxRSS, nil
}

// kill ends the process if it is still running.
func (p *proc) kill() {
	if p.exited {
		return
	}
	p.exited = true
	p.stdin.Close()
	_ = p.cmd.Process.Kill()
	<-p.done
	_ = p.cmd.Wait()
}

func (p *proc) stderrTail() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		return ""
	}
	if len(s) > 4000 {
		s = "..." + s[len(s)-4000:]
	}
	return "\nworker process stderr:\n" + s
}

// fields parses "name k1=v1 k2=v2 ..." with integer values.
func fields(line, name string, keys ...string) ([]int64, error) {
	f := strings.Fields(line)
	if len(f) != len(keys)+1 || f[0] != name {
		return nil, fmt.Errorf("bench: unexpected answer %q", line)
	}
	out := make([]int64, len(keys))
	for i, k := range keys {
		v, ok := strings.CutPrefix(f[i+1], k+"=")
		if !ok {
			return nil, fmt.Errorf("bench: unexpected answer %q", line)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bench: unexpected answer %q", line)
		}
		out[i] = n
	}
	return out, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
