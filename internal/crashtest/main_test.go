package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

const workflowsFile = "testdata/crash.ts"

// Environment of a worker process.
const (
	envChild       = "TSWORKER_CRASHTEST_CHILD"
	envHostPort    = "TSWORKER_CRASHTEST_HOSTPORT"
	envTaskQueue   = "TSWORKER_CRASHTEST_QUEUE"
	envStopTimeout = "TSWORKER_CRASHTEST_STOP_TIMEOUT"
	envNoSticky    = "TSWORKER_TEST_NO_STICKY"
)

func TestMain(m *testing.M) {
	// TSWORKER_TEST_NO_STICKY=1 turns the sticky cache off, in this process
	// and in the worker processes (they inherit the environment), so every
	// workflow task replays its run from history.
	if os.Getenv(envNoSticky) != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	code := m.Run()
	if srvClient != nil {
		srvClient.Close()
	}
	if srv != nil {
		srv.Stop()
	}
	os.Exit(code)
}

// The shared in-memory server starts on first use, so worker processes
// (which run this test binary too) do not start one.
var (
	srvOnce     sync.Once
	srv         *devserver.Server
	srvClient   client.Client
	errSrvStart error
	queueSeq    atomic.Int64
)

func server(t *testing.T) (client.Client, string) {
	t.Helper()
	srvOnce.Do(func() {
		srv, errSrvStart = devserver.Start(context.Background(), devserver.Options{DynamicConfig: payloadLimits})
		if errSrvStart != nil {
			return
		}
		srvClient, errSrvStart = client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	})
	if errSrvStart != nil {
		t.Fatalf("dev server: %v", errSrvStart)
	}
	return srvClient, srv.FrontendHostPort()
}

func taskQueue(t *testing.T) string {
	return fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
}

// TestCrashWorkerProcess is the worker process of the crash tests. It runs
// only when a test starts it, and serves until SIGTERM (or SIGKILL).
func TestCrashWorkerProcess(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("the crash tests' worker process; runs only when a test starts it")
	}
	// The worker process ends with the test that started it: when that
	// test's process dies, however it dies, stdin reaches its end.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		fmt.Fprintln(os.Stderr, "crash test worker: the test process is gone; exiting")
		os.Exit(3)
	}()
	hostPort, tq := os.Getenv(envHostPort), os.Getenv(envTaskQueue)
	stopTimeout, err := time.ParseDuration(os.Getenv(envStopTimeout))
	if err != nil {
		t.Fatalf("%s: %v", envStopTimeout, err)
	}
	// The SDK's default logger writes to stdout, which carries the markers
	// the tests read; logs go to stderr.
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w, err := worker.New(c, tq, worker.Options{
		Workflows: workflowsFile,
		Worker:    sdkworker.Options{WorkerStopTimeout: stopTimeout},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivity(Step)
	w.RegisterActivity(Slow)
	emit("ready")
	if err := w.Run(worker.InterruptCh()); err != nil {
		t.Fatal(err)
	}
	emit("stopped")
}

// Markers are lines on stdout starting with "@"; the tests follow the
// worker process through them.
var emitMu sync.Mutex

func emit(format string, args ...any) {
	emitMu.Lock()
	defer emitMu.Unlock()
	fmt.Fprintf(os.Stdout, "@"+format+"\n", args...)
}

// StepInput is the input of Step.
type StepInput struct {
	ID   int `json:"id"`
	Step int `json:"step"`
}

// Step sleeps 100 to 300ms, a duration that depends on its input, and
// returns a value derived from its input.
func Step(ctx context.Context, in StepInput) (string, error) {
	d := time.Duration(100+(in.ID*37+in.Step*53)%201) * time.Millisecond
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	emit("step %d %d %d", in.ID, in.Step, activity.GetInfo(ctx).Attempt)
	return stepResult(in.ID, in.Step), nil
}

func stepResult(id, step int) string {
	return fmt.Sprintf("%d/%d:%d", id, step, id*31+step*step*7)
}

// SlowResult is what Slow saw while it ran.
type SlowResult struct {
	Attempt  int32 `json:"attempt"`
	Canceled bool  `json:"canceled"` // its context was done at some point
	StopSeen bool  `json:"stopSeen"` // the worker began stopping while it ran
	Beats    int   `json:"beats"`
}

// Slow heartbeats every 100ms for ms milliseconds; when its worker begins
// to stop, it still has ms milliseconds of work from then on, however slow
// the machine is at delivering the stop. It announces its start, so a test
// can stop the worker while it runs, and notes whether its context was
// cancelled and whether it saw the worker stop.
func Slow(ctx context.Context, ms int) (SlowResult, error) {
	res := SlowResult{Attempt: activity.GetInfo(ctx).Attempt}
	emit("slow-start %d", res.Attempt)
	stop := activity.GetWorkerStopChannel(ctx)
	d := time.Duration(ms) * time.Millisecond
	end := time.After(d)
	for {
		activity.RecordHeartbeat(ctx, res.Beats)
		res.Beats++
		select {
		case <-ctx.Done():
			emit("slow-canceled %v", context.Cause(ctx))
			res.Canceled = true
			return res, ctx.Err()
		case <-stop:
			emit("slow-stop-seen")
			res.StopSeen = true
			stop = nil
			end = time.After(d)
		case <-end:
			res.Canceled = ctx.Err() != nil
			emit("slow-done canceled=%v", res.Canceled)
			return res, nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// workerProcess is a worker running in a child process.
type workerProcess struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser // the process exits when it is closed
	done  chan struct{}  // closed when the process has exited and its output is read

	mu      sync.Mutex
	markers []string
	stderr  bytes.Buffer
	err     error // from cmd.Wait
}

// startWorkerProcess starts a worker process for tq. stopTimeout is its
// graceful stop timeout.
func startWorkerProcess(t *testing.T, hostPort, tq string, stopTimeout time.Duration) *workerProcess {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("worker processes are stopped with SIGTERM, which Windows lacks")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestCrashWorkerProcess$", "-test.count=1", "-test.timeout=10m")
	// The environment passes through, TSWORKER_TEST_NO_STICKY included.
	cmd.Env = append(os.Environ(),
		envChild+"=1",
		envHostPort+"="+hostPort,
		envTaskQueue+"="+tq,
		envStopTimeout+"="+stopTimeout.String(),
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Held open until the process exits; its end tells an orphaned worker
	// process to exit.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &workerProcess{t: t, cmd: cmd, stdin: stdin, done: make(chan struct{})}
	cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start worker process: %v", err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "@") {
				p.mu.Lock()
				p.markers = append(p.markers, line[1:])
				p.mu.Unlock()
			}
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Logf("worker process %d: stderr:\n%s", cmd.Process.Pid, tail(p.stderr.String(), 4000))
		}
	})
	return p
}

// exited reports whether the process has exited.
func (p *workerProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitFor is waitFor that fails at once if the process exits.
func (p *workerProcess) waitFor(timeout time.Duration, what string, cond func() bool) {
	p.t.Helper()
	waitFor(p.t, timeout, what, func() bool {
		if cond() {
			return true
		}
		if p.exited() {
			p.t.Fatalf("worker process exited while waiting for %s: %v", what, p.err)
		}
		return false
	})
}

// count returns how many markers start with prefix.
func (p *workerProcess) count(prefix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.markers {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}

// find returns the markers that start with prefix.
func (p *workerProcess) find(prefix string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.markers {
		if strings.HasPrefix(m, prefix) {
			out = append(out, m)
		}
	}
	return out
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *workerProcess) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		p.t.Fatalf("kill worker process: %v", err)
	}
	<-p.done
}

// terminate sends SIGTERM and returns the exit code, failing the test if
// the process does not exit within timeout.
func (p *workerProcess) terminate(timeout time.Duration) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM worker process: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.t.Fatalf("worker process still running %v after SIGTERM", timeout)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var exit *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &exit):
		return exit.ExitCode()
	default:
		p.t.Fatalf("worker process: %v", p.err)
		return -1
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// history returns the events of a workflow's latest run.
func history(t testing.TB, c client.Client, id string) []*historypb.HistoryEvent {
	t.Helper()
	var out []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		out = append(out, ev)
	}
	return out
}

// countTypes counts a history's events by type.
func countTypes(evs []*historypb.HistoryEvent) map[enumspb.EventType]int {
	n := map[enumspb.EventType]int{}
	for _, ev := range evs {
		n[ev.GetEventType()]++
	}
	return n
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
