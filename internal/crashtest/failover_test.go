package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

var flagFailoverWorkflows = flag.Int("failover-workflows", 500, "workflows of the first batch of BenchmarkFailover")

// failoverConfig sizes a failover scenario.
type failoverConfig struct {
	workflows int // in the first batch; the second has half as many, the third a quarter (at least 3)
	steps     int // charges per workflow
}

// failoverBatch is a set of workflows started together.
type failoverBatch struct {
	name     string
	from, to int  // workflow ids [from, to)
	v2Only   bool // started when every worker ran the second version
}

// killReport is what one SIGKILL of a worker process cost.
type killReport struct {
	pid      int
	at       time.Time
	inFlight int           // activities started on the process and not done on it when it died
	recovery time.Duration // from the kill until the last of them was done by another process
	median   time.Duration
}

// failoverReport is the outcome of a failover scenario.
type failoverReport struct {
	workflows, completed int
	steps                int           // charges the workflows needed
	charged              int           // distinct (workflow, step) charged at least once
	lost                 int           // needed and never charged
	duplicates           int           // charges beyond the first of their (workflow, step)
	dupOnKilled          int           // duplicates whose earlier charge ran on a killed process
	retried              int           // charges of an attempt above 1
	v1, v2, mixed        int           // runs whose charges are all first version, all second, both (begun mid-roll)
	taskFailures         int           // WorkflowTaskFailed events in all histories
	taskTimeouts         int           // WorkflowTaskTimedOut events in all histories
	kills                []killReport  // in order
	wall                 time.Duration // from the first start to the last result
}

func (r failoverReport) write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "workflows\t%d (%d completed) in %.1fs\n", r.workflows, r.completed, r.wall.Seconds())
	fmt.Fprintf(tw, "charges needed\t%d; charged %d, lost %d\n", r.steps, r.charged, r.lost)
	fmt.Fprintf(tw, "duplicate charges\t%d (%d after a charge on a killed process); attempts above 1: %d\n", r.duplicates, r.dupOnKilled, r.retried)
	fmt.Fprintf(tw, "runs by code version\tv1 %d, v2 %d, both %d\n", r.v1, r.v2, r.mixed)
	fmt.Fprintf(tw, "workflow tasks\t%d failed, %d timed out\n", r.taskFailures, r.taskTimeouts)
	for i, k := range r.kills {
		fmt.Fprintf(tw, "kill %d (pid %d)\t%d activities in flight; all done elsewhere %.1fs after the kill (median %.1fs)\n",
			i+1, k.pid, k.inFlight, k.recovery.Seconds(), k.median.Seconds())
	}
	tw.Flush()
}

// TestFailover runs the failover scenario at a small size: three worker
// processes (the tsworker command line's run command, with the Ledger
// activities) on one task queue against a dev server on a database file;
// 30 workflows in flight, each charging four times with a timer after each
// charge and waiting for two signals; one worker killed with SIGKILL, later
// another, the second signals sent while one worker runs, then both
// restarted; then a rolling restart onto the second version of the
// workflow code (a change guarded by patched()) while 15 more workflows
// run, half of them started in the middle of the roll, and a last batch
// started on the second version only. Every workflow completes once with
// the result its input and signals decide, no charge is lost (duplicates
// are allowed, as activities run at least once, and counted), no workflow
// task fails (a replay that does not match its history would), and runs
// begun before or after the roll keep one code version. A run begun in the
// middle of the roll may charge with both: a first-version worker runs the
// code without the patch whatever the history holds, as on any SDK.
func TestFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a worker program and runs several worker processes")
	}
	r := runFailover(t, failoverConfig{workflows: 30, steps: 4})
	var b strings.Builder
	r.write(&b)
	t.Logf("\n%s", b.String())
	if r.completed != r.workflows {
		t.Errorf("%d of %d workflows completed", r.completed, r.workflows)
	}
	if r.lost != 0 || r.charged != r.steps {
		t.Errorf("%d charges lost, %d charged of %d", r.lost, r.charged, r.steps)
	}
	if r.taskFailures != 0 {
		t.Errorf("%d workflow tasks failed", r.taskFailures)
	}
	if len(r.kills) != 2 {
		t.Errorf("%d kills, want 2", len(r.kills))
	}
}

// BenchmarkFailover runs the failover scenario of TestFailover with
// -failover-workflows workflows in the first batch (default 500) and prints
// its figures: workflows completed, charges lost and duplicated, runs by
// code version, workflow task failures and time-outs, and for each kill
// the activities in flight on the killed process and how long after the
// kill the last of them was done by another one. It runs once whatever
// b.N is:
//
//	go test ./internal/crashtest -run '^$' -bench Failover -benchtime 1x -timeout 30m
func BenchmarkFailover(b *testing.B) {
	r := runFailover(b, failoverConfig{workflows: *flagFailoverWorkflows, steps: 4})
	var buf strings.Builder
	r.write(&buf)
	fmt.Printf("\n%s\n", buf.String())
	if r.completed != r.workflows || r.lost != 0 || r.taskFailures != 0 {
		b.Errorf("completed %d of %d, %d charges lost, %d workflow tasks failed", r.completed, r.workflows, r.lost, r.taskFailures)
	}
	b.ReportMetric(float64(r.duplicates), "duplicates")
	for i, k := range r.kills {
		b.ReportMetric(k.recovery.Seconds(), fmt.Sprintf("recovery%d-s", i+1))
	}
	b.ReportMetric(0, "ns/op")
}

// signalsOf are the two add signals of workflow id, in the order sent.
func signalsOf(id int) []int { return []int{id*3 + 7, 100 - id} }

func runFailover(tb testing.TB, cfg failoverConfig) failoverReport {
	if runtime.GOOS == "windows" {
		tb.Skip("worker processes are stopped with SIGTERM, which Windows lacks")
	}
	exe := buildFailoverWorker(tb)
	dir := tb.TempDir()
	srv, c := startFileServer(tb, filepath.Join(dir, "dev.db"))
	s := &failoverScenario{tb: tb, exe: exe, c: c, tq: fmt.Sprintf("failover-%d", queueSeq.Add(1)),
		ledger: filepath.Join(dir, "ledger"), killed: map[int]bool{}}
	s.hostPort = srv.FrontendHostPort()
	ctx := context.Background()
	n := cfg.workflows
	batches := []failoverBatch{
		{name: "first", from: 0, to: n},
		{name: "rolling", from: n, to: n + max(n/2, 1)},
	}
	batches = append(batches, failoverBatch{name: "after", from: batches[1].to, to: batches[1].to + max(n/4, 3), v2Only: true})

	for range 3 {
		s.workers = append(s.workers, s.startWorker("failover.ts"))
	}
	began := time.Now()
	runs := map[int]client.WorkflowRun{}
	startBatch := func(b failoverBatch, bothSignals bool) {
		for id := b.from; id < b.to; id++ {
			run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID:                  fmt.Sprintf("%s-%d", s.tq, id),
				TaskQueue:           s.tq,
				WorkflowTaskTimeout: 2 * time.Second,
			}, "order", id, cfg.steps, 2)
			if err != nil {
				tb.Fatalf("start workflow %d: %v", id, err)
			}
			runs[id] = run
			sigs := signalsOf(id)
			if !bothSignals {
				sigs = sigs[:1]
			}
			for _, v := range sigs {
				if err := c.SignalWorkflow(ctx, run.GetID(), "", "add", v); err != nil {
					tb.Fatalf("signal workflow %d: %v", id, err)
				}
			}
		}
	}
	first, rolling, after := batches[0], batches[1], batches[2]
	total := func(b failoverBatch) int { return (b.to - b.from) * cfg.steps }

	// Progress between two events: charges done after the first, so the
	// workers left have taken over what the killed one held.
	progress := func(b failoverBatch) {
		s.waitCharges(b, min(s.charges(b)+max((b.to-b.from)/2, 1), total(b)))
	}
	startBatch(first, false)
	s.waitCharges(first, total(first)/4)
	s.kill(0)
	progress(first)
	s.kill(1)
	// The second signals arrive while one worker runs.
	for id := first.from; id < first.to; id++ {
		if err := c.SignalWorkflow(ctx, runs[id].GetID(), "", "add", signalsOf(id)[1]); err != nil {
			tb.Fatalf("signal workflow %d: %v", id, err)
		}
	}
	progress(first)
	s.workers[0] = s.startWorker("failover.ts")
	s.workers[1] = s.startWorker("failover.ts")

	// Rolling restart onto the second version while the second batch runs:
	// each worker in turn is replaced by one of the new version, which
	// starts before the old one stops, as a deployment would do it.
	// Half the batch starts before the roll, half once one worker runs the
	// second version: those meet workers of both versions.
	mid := rolling.from + (rolling.to-rolling.from)/2
	startBatch(failoverBatch{from: rolling.from, to: mid}, true)
	for i := range s.workers {
		next := s.startWorker("failover_v2.ts")
		s.workers[i].terminate()
		s.workers[i] = next
		if i == 0 {
			startBatch(failoverBatch{from: mid, to: rolling.to}, true)
		}
		progress(rolling)
	}
	startBatch(after, true)

	rep := failoverReport{workflows: after.to, steps: after.to * cfg.steps}
	for id := 0; id < after.to; id++ {
		rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		var got struct {
			Charges []string `json:"charges"`
			Added   []int    `json:"added"`
		}
		err := runs[id].Get(rctx, &got)
		cancel()
		if err != nil {
			tb.Errorf("workflow %d: %v", id, err)
			continue
		}
		rep.completed++
		if !slices.Equal(got.Added, signalsOf(id)) {
			tb.Errorf("workflow %d: signals %v, want %v", id, got.Added, signalsOf(id))
		}
		versions := map[int]bool{}
		for step, ch := range got.Charges {
			switch ch {
			case ChargeResult(ChargeInput{ID: id, Step: step, Version: 1}):
				versions[1] = true
			case ChargeResult(ChargeInput{ID: id, Step: step, Version: 2}):
				versions[2] = true
			default:
				tb.Errorf("workflow %d: charge %d returned %q", id, step, ch)
			}
		}
		if len(got.Charges) != cfg.steps {
			tb.Errorf("workflow %d: %d charges, want %d", id, len(got.Charges), cfg.steps)
		}
		switch {
		case versions[1] && versions[2]:
			rep.mixed++
		case versions[2]:
			rep.v2++
		default:
			rep.v1++
		}
		if id < first.to && versions[2] {
			tb.Errorf("workflow %d of the first batch, begun before the rolling restart, charged with the second version", id)
		}
		if versions[1] && versions[2] && id < mid {
			tb.Errorf("workflow %d, begun before the rolling restart, charged with both versions", id)
		}
		if id >= after.from && versions[1] {
			tb.Errorf("workflow %d, begun after the rolling restart, charged with the first version", id)
		}
	}
	rep.wall = time.Since(began)
	for id := 0; id < after.to; id++ {
		k := countTypes(history(tb, c, runs[id].GetID()))
		rep.taskFailures += k[enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED]
		rep.taskTimeouts += k[enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT]
		if k[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED] != 1 {
			tb.Errorf("workflow %d: %d completions in its history", id, k[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED])
		}
	}
	for _, w := range s.workers {
		w.terminate()
	}
	s.account(&rep, after.to, cfg.steps)
	return rep
}

// failoverScenario holds the processes and the ledger of a failover run.
type failoverScenario struct {
	tb                testing.TB
	exe, hostPort, tq string
	c                 client.Client
	ledger            string
	workers           []*binProcess
	kills             []killReport
	killed            map[int]bool // pids
}

func (s *failoverScenario) startWorker(workflows string) *binProcess {
	s.tb.Helper()
	return startBinProcess(s.tb, s.exe, []string{"run", filepath.Join("testdata", workflows),
		"--task-queue", s.tq, "--address", s.hostPort, "--log-level", "warn"},
		EnvLedger+"="+s.ledger)
}

func (s *failoverScenario) kill(slot int) {
	s.tb.Helper()
	p := s.workers[slot]
	p.kill()
	s.killed[p.cmd.Process.Pid] = true
	s.kills = append(s.kills, killReport{pid: p.cmd.Process.Pid, at: time.Now()})
}

// charges counts the distinct (workflow, step) pairs of batch b charged.
func (s *failoverScenario) charges(b failoverBatch) int {
	seen := map[[2]int]bool{}
	for _, e := range readLedger(s.tb, s.ledger) {
		if e.what == "charge" && e.id >= b.from && e.id < b.to {
			seen[[2]int{e.id, e.step}] = true
		}
	}
	return len(seen)
}

// waitCharges waits until n (workflow, step) pairs of batch b are charged.
func (s *failoverScenario) waitCharges(b failoverBatch, n int) {
	s.tb.Helper()
	waitFor(s.tb, 3*time.Minute, fmt.Sprintf("%d charges of the %s batch", n, b.name), func() bool {
		return s.charges(b) >= n
	})
}

// account reads the ledger into the report: charges, losses, duplicates
// and what each kill cost.
func (s *failoverScenario) account(rep *failoverReport, workflows, steps int) {
	entries := readLedger(s.tb, s.ledger)
	type key [2]int
	charges := map[key][]ledgerEntry{}
	for _, e := range entries {
		if e.what == "charge" {
			charges[key{e.id, e.step}] = append(charges[key{e.id, e.step}], e)
			if e.attempt > 1 {
				rep.retried++
			}
		}
	}
	for id := range workflows {
		for step := range steps {
			cs := charges[key{id, step}]
			if len(cs) == 0 {
				rep.lost++
				continue
			}
			rep.charged++
			rep.duplicates += len(cs) - 1
			for _, c := range cs[:len(cs)-1] {
				if s.killed[c.pid] {
					rep.dupOnKilled++
				}
			}
		}
	}
	for _, k := range s.kills {
		// Activities started on the killed process and not charged there
		// before it died, or charged there but possibly not reported.
		pending := map[key]bool{}
		for _, e := range entries {
			if e.pid != k.pid || !e.at.Before(k.at) {
				continue
			}
			switch e.what {
			case "start":
				pending[key{e.id, e.step}] = true
			case "charge":
				delete(pending, key{e.id, e.step})
			}
		}
		k.inFlight = len(pending)
		var waits []time.Duration
		for kk := range pending {
			for _, c := range charges[kk] {
				if c.pid != k.pid && c.at.After(k.at) {
					waits = append(waits, c.at.Sub(k.at))
					break
				}
			}
		}
		slices.Sort(waits)
		if len(waits) > 0 {
			k.recovery, k.median = waits[len(waits)-1], waits[len(waits)/2]
		}
		rep.kills = append(rep.kills, k)
	}
}

// ledgerEntry is one line of the ledger.
type ledgerEntry struct {
	what                   string
	id, step, version, pid int
	attempt                int
	at                     time.Time
}

func readLedger(tb testing.TB, path string) []ledgerEntry {
	tb.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	var out []ledgerEntry
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 7 {
			continue // the last line of a process killed while writing it
		}
		n := make([]int64, 6)
		for i := range n {
			if n[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
				tb.Fatalf("ledger line %q: %v", line, err)
			}
		}
		out = append(out, ledgerEntry{what: f[0], id: int(n[0]), step: int(n[1]), version: int(n[2]),
			attempt: int(n[3]), pid: int(n[4]), at: time.Unix(0, n[5])})
	}
	return out
}

// buildFailoverWorker builds the failoverworker program into a temporary
// directory.
func buildFailoverWorker(tb testing.TB) string {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skipf("no go tool to build the worker program: %v", err)
	}
	exe := filepath.Join(tb.TempDir(), "failoverworker")
	if out, err := exec.Command(goTool, "build", "-o", exe, "./failoverworker").CombinedOutput(); err != nil {
		tb.Fatalf("go build ./failoverworker: %v\n%s", err, out)
	}
	return exe
}

// binProcess is a worker program running in a child process.
type binProcess struct {
	tb     testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser // the process exits when it is closed
	done   chan struct{}  // closed when it has exited
	ready  chan struct{}  // closed when it printed its banner
	mu     sync.Mutex
	stderr bytes.Buffer
	err    error
}

// startBinProcess starts exe with args and env added to this process's
// environment, and waits until it says its worker runs.
func startBinProcess(tb testing.TB, exe string, args []string, env ...string) *binProcess {
	tb.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "TSWORKER_CRASHTEST_CHILD=1"), env...)
	p := &binProcess{tb: tb, cmd: cmd, done: make(chan struct{}), ready: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", exe, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		readyOnce := sync.OnceFunc(func() { close(p.ready) })
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Worker for task queue") {
				readyOnce()
			}
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if tb.Failed() {
			p.mu.Lock()
			defer p.mu.Unlock()
			tb.Logf("worker process %d: %v; stderr:\n%s", cmd.Process.Pid, p.err, tail(p.stderr.String(), 4000))
		}
	})
	select {
	case <-p.ready:
	case <-p.done:
		tb.Fatalf("worker process exited before it ran: %v\n%s", p.err, tail(p.stderr.String(), 4000))
	case <-time.After(2 * time.Minute):
		tb.Fatal("worker process not running after 2 minutes")
	}
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *binProcess) kill() {
	p.tb.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		p.tb.Fatalf("kill worker process: %v", err)
	}
	<-p.done
}

// terminate sends SIGTERM and waits for a clean exit.
func (p *binProcess) terminate() {
	p.tb.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.tb.Fatalf("SIGTERM worker process: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.tb.Fatal("worker process still running a minute after SIGTERM")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		p.tb.Errorf("worker process %d after SIGTERM: %v\n%s", p.cmd.Process.Pid, p.err, tail(p.stderr.String(), 4000))
	}
}
