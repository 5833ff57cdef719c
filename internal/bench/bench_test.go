package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/devserver"
)

// Sizes of the comparison, as flags after -args or environment variables.
var (
	flagOne     = flag.Int("wfs-one", envInt("TSWORKER_BENCH_ONE", 300), "one-activity workflows per implementation")
	flagFifty   = flag.Int("wfs-fifty", envInt("TSWORKER_BENCH_FIFTY", 50), "fifty-activities workflows per implementation")
	flagCached  = flag.Int("wfs-cached", envInt("TSWORKER_BENCH_CACHED", 500), "cached runs for the memory measurement")
	flagLoad    = flag.Int("wfs-load", envInt("TSWORKER_BENCH_LOAD", 1000), "load workflows kept in flight per implementation")
	flagTotal   = flag.Int("wfs-load-total", envInt("TSWORKER_BENCH_LOAD_TOTAL", 0), "load workflows run per implementation (0: three times -wfs-load)")
	flagRounds  = flag.Int("load-rounds", envInt("TSWORKER_BENCH_LOAD_ROUNDS", 2), "rounds of the load workload, alternating which implementation goes first")
	flagWarmup  = flag.Int("wfs-warmup", envInt("TSWORKER_BENCH_WARMUP", 20), "workflows each worker runs before it is measured")
	flagProfile = flag.String("profile-dir", os.Getenv("TSWORKER_BENCH_PROFILE"), "write CPU and heap profiles of the worker processes here")
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

const benchWorkflows = "testdata/bench.ts"

// The dev server starts on first use, so a worker process (which is this
// test binary too) and runs that skip everything do not pay for it.
var (
	srvOnce     sync.Once
	srv         *devserver.Server
	srvClient   client.Client
	errSrvStart error
)

func server(tb testing.TB) (client.Client, string) {
	tb.Helper()
	srvOnce.Do(func() {
		srv, errSrvStart = devserver.Start(context.Background(), devserver.Options{})
		if errSrvStart != nil {
			return
		}
		srvClient, errSrvStart = client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	})
	if errSrvStart != nil {
		tb.Fatalf("dev server: %v", errSrvStart)
	}
	return srvClient, srv.FrontendHostPort()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if srvClient != nil {
		srvClient.Close()
	}
	if srv != nil {
		srv.Stop()
	}
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// TestBenchWorkerProcess is the worker process of the benchmark: the test
// binary runs itself with -test.run=^TestBenchWorkerProcess$ and the
// worker's config in its environment.
func TestBenchWorkerProcess(t *testing.T) {
	if os.Getenv(EnvChild) == "" {
		t.Skip("the benchmark's worker process; runs only when the benchmark starts it")
	}
	cfg, err := WorkerConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := ServeWorker(ctx, cfg, os.Stdin, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// options returns the harness's options. With lean set, the worker
// processes run the benchworker command, built here with the go tool;
// otherwise (or when that build fails) they run this test binary, whose RSS
// includes the embedded server's code and data.
func options(tb testing.TB, lean bool) Options {
	tb.Helper()
	c, hostPort := server(tb)
	workflows, err := filepath.Abs(benchWorkflows)
	if err != nil {
		tb.Fatal(err)
	}
	o := Options{Client: c, HostPort: hostPort, Workflows: workflows, Warmup: *flagWarmup, ProfileDir: *flagProfile}
	if lean {
		exe, err := buildWorker()
		if err == nil {
			o.Command = func() *exec.Cmd { return exec.Command(exe) }
			return o
		}
		tb.Logf("worker processes run the test binary: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	o.Command = func() *exec.Cmd {
		return exec.Command(exe, "-test.run=^TestBenchWorkerProcess$", "-test.count=1")
	}
	return o
}

var (
	buildOnce   sync.Once
	buildDir    string
	workerExe   string
	errBuildExe error
)

// buildWorker builds the benchworker command into a temporary directory,
// once per test binary.
func buildWorker() (string, error) {
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			errBuildExe = fmt.Errorf("no go tool to build benchworker: %w", err)
			return
		}
		if buildDir, err = os.MkdirTemp("", "tsworker-bench-"); err != nil {
			errBuildExe = err
			return
		}
		exe := filepath.Join(buildDir, "benchworker")
		out, err := exec.Command(goTool, "build", "-o", exe, "./benchworker").CombinedOutput()
		if err != nil {
			errBuildExe = fmt.Errorf("go build ./benchworker: %v\n%s", err, out)
			return
		}
		workerExe = exe
	})
	return workerExe, errBuildExe
}

// TestBenchWorkflowsRun runs every benchmark workflow of both
// implementations in this process and checks that the twins agree: same
// results and the same history, event for event.
func TestBenchWorkflowsRun(t *testing.T) {
	c, _ := server(t)
	o := Options{Client: c, Concurrency: 4}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	histories := map[Impl][]string{}
	for _, impl := range []Impl{Go, JS} {
		t.Run(string(impl), func(t *testing.T) {
			tq := taskQueue(OneActivity, impl)
			w, err := NewWorker(c, tq, impl, benchWorkflows)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Start(); err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			if err := runAll(ctx, o, tq, OneActivity, tq+"-one", 3); err != nil {
				t.Fatal(err)
			}
			if err := runAll(ctx, o, tq, FiftyActivities, tq+"-fifty", 1); err != nil {
				t.Fatal(err)
			}
			if err := runAll(ctx, o, tq, LoadFlow, tq+"-load", 2); err != nil {
				t.Fatal(err)
			}
			histories[impl] = eventTypes(t, c, tq+"-fifty-0")
			ids, err := startAll(ctx, o, tq, SleepDay, tq+"-sleep", 2)
			defer terminateAll(ctx, o, ids)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitFirstTasks(ctx, o, ids); err != nil {
				t.Fatal(err)
			}
			if got := eventTypes(t, c, ids[0]); !reflect.DeepEqual(got[len(got)-1:], []string{"TimerStarted"}) {
				t.Fatalf("%s after its first task: %v", SleepDay, got)
			}
		})
	}
	if g, j := histories[Go], histories[JS]; !reflect.DeepEqual(g, j) {
		t.Fatalf("%s histories differ:\ngo: %v\njs: %v", FiftyActivities, g, j)
	}
}

func eventTypes(t *testing.T, c client.Client, id string) []string {
	t.Helper()
	var out []string
	it := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_"))
	}
	return out
}

// TestBenchHarness runs the whole comparison on a few workflows, worker
// processes included, and checks that every figure was measured.
func TestBenchHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	if !supported {
		t.Skip(errUnsupported)
	}
	o := options(t, false)
	o.Warmup = 2
	ctx := context.Background()
	var rep Report
	for _, impl := range []Impl{Go, JS} {
		row, err := Throughput(ctx, o, OneActivity, impl, 5)
		if err != nil {
			t.Fatal(err)
		}
		if row.Wall <= 0 || row.CPU <= 0 || row.PeakRSS <= 0 || row.MaxRSS < row.PeakRSS {
			t.Errorf("%s: not all measured: %+v", impl, row)
		}
		rep.Rows = append(rep.Rows, row)
	}
	for _, impl := range []Impl{Go, JS} {
		m, err := CachedMemory(ctx, o, impl, 5)
		if err != nil {
			t.Fatal(err)
		}
		if m.RSSBefore <= 0 || m.RSSAfter <= 0 || m.HeapBefore <= 0 || m.HeapAfter <= 0 || m.CPU <= 0 ||
			m.StacksBefore.Reserved <= 0 || m.StacksAfter.Scanned <= 0 || m.StacksAfter.Goroutines <= 0 || m.StacksAfter.Start <= 0 {
			t.Errorf("%s: not all measured: %+v", impl, m)
		}
		rep.Mem = append(rep.Mem, m)
	}
	for _, impl := range []Impl{Go, JS} {
		l, err := Load(ctx, o, impl, 3, 7)
		if err != nil {
			t.Fatal(err)
		}
		if l.Workflows != 7 || l.InFlight != 3 || l.Wall <= 0 || l.CPU <= 0 || l.PeakRSS <= 0 || l.MaxRSS < l.PeakRSS ||
			l.RSSBase <= 0 || l.RSSMid <= 0 || l.HeapBase <= 0 || l.HeapMid <= 0 || l.MidInFlight <= 0 || l.MidInFlight > 3 ||
			l.MidCached <= 0 || l.MidCached > 3 {
			t.Errorf("%s load: not all measured: %+v", impl, l)
		}
		rep.Load = append(rep.Load, l)
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`(?m)^one-activity +js/go +\d`, `(?m)^cached-runs +js/go +-?\d`, `(?m)^load +js/go +\d`, `(?m)^memory per cached workflow: go `} {
		if !regexp.MustCompile(want).MatchString(buf.String()) {
			t.Errorf("report lacks %s:\n%s", want, buf.String())
		}
	}
	t.Logf("\n%s", buf.String())
}

// TestReportLoadRounds checks the load table of rounds that alternate
// which implementation goes first: a ratio line closes each pair and the
// totals add up over the rounds.
func TestReportLoadRounds(t *testing.T) {
	row := func(impl Impl, wall time.Duration, cpu time.Duration, rssMid int64) LoadRow {
		return LoadRow{Impl: impl, InFlight: 10, Workflows: 100, Wall: wall, CPU: cpu, PeakRSS: 50 << 20,
			RSSBase: 10 << 20, RSSMid: rssMid, HeapBase: 1 << 20, HeapMid: 2 << 20, MidInFlight: 10, MidCached: 10}
	}
	rep := Report{Load: []LoadRow{
		row(Go, 10*time.Second, time.Second, 11<<20),
		row(JS, 20*time.Second, 2*time.Second, 12<<20),
		row(JS, 10*time.Second, 2*time.Second, 12<<20),
		row(Go, 20*time.Second, time.Second, 11<<20),
	}}
	var buf bytes.Buffer
	if err := rep.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	ratios := regexp.MustCompile(`(?m)^load +js/go +(\S+) +(\S+) +(\S+) +\S+ +(\S+)`).FindAllStringSubmatch(out, -1)
	want := [][]string{{"2.00x", "0.50x", "2.00x", "2.00x"}, {"0.50x", "2.00x", "2.00x", "2.00x"}}
	if len(ratios) != len(want) {
		t.Fatalf("want %d ratio lines:\n%s", len(want), out)
	}
	for i, w := range want {
		if !reflect.DeepEqual(ratios[i][1:], w) {
			t.Errorf("ratio line %d: got %v, want %v (wall, wf/s, cpu/wf, rss/run)\n%s", i, ratios[i][1:], w, out)
		}
	}
	const total = "load, 200+200 runs: wf/s go 7, js 7 (1.00x); worker-cpu/wf go 10.00ms, js 20.00ms (2.00x); rss/run go 102.4KB, js 204.8KB (2.00x)"
	if !strings.Contains(out, total) {
		t.Errorf("report lacks %q:\n%s", total, out)
	}
	if strings.Contains(out, "workload") || strings.Contains(out, "cached runs") {
		t.Errorf("report has tables with no rows:\n%s", out)
	}
}

// BenchmarkCompare runs each workload with native Go SDK workflows and with
// the same workflows in JS on tsworker, each worker in its own process
// against one embedded server, and prints a side-by-side table. It runs the
// comparison once whatever b.N is; use -benchtime 1x. It does not call
// b.ReportAllocs: this process holds the server and the client, so its
// allocations say nothing about the workers, which are measured in their
// own processes.
func BenchmarkCompare(b *testing.B) {
	if !supported {
		b.Skip(errUnsupported)
	}
	o := options(b, true)
	ctx := context.Background()
	var (
		rows = map[string][]Row{}
		mem  []MemRow
	)
	for _, wl := range []struct {
		workflow string
		n        int
	}{{OneActivity, *flagOne}, {FiftyActivities, *flagFifty}} {
		b.Run(Workload[wl.workflow], func(b *testing.B) {
			var got []Row
			for _, impl := range []Impl{Go, JS} {
				row, err := Throughput(ctx, o, wl.workflow, impl, wl.n)
				if err != nil {
					b.Fatal(err)
				}
				got = append(got, row)
				b.ReportMetric(ms(row.CPUPerWorkflow()), string(impl)+"-cpu-ms/wf")
				b.ReportMetric(row.Wall.Seconds(), string(impl)+"-wall-s")
				b.ReportMetric(float64(row.PeakRSS)/(1<<20), string(impl)+"-peak-MB")
			}
			g, j := got[0], got[1]
			b.ReportMetric(ms(j.CPUPerWorkflow())/ms(g.CPUPerWorkflow()), "js/go-cpu-ratio")
			b.ReportMetric(j.Wall.Seconds()/g.Wall.Seconds(), "js/go-wall-ratio")
			b.ReportMetric(0, "ns/op")
			rows[wl.workflow] = got
		})
	}
	b.Run(Workload[SleepDay], func(b *testing.B) {
		var got []MemRow
		for _, impl := range []Impl{Go, JS} {
			m, err := CachedMemory(ctx, o, impl, *flagCached)
			if err != nil {
				b.Fatal(err)
			}
			got = append(got, m)
			b.ReportMetric(m.RSSPerWorkflow()/1024, string(impl)+"-KB/cached-wf")
			b.ReportMetric(m.HeapPerWorkflow()/1024, string(impl)+"-heap-KB/cached-wf")
			b.ReportMetric(m.StackPerWorkflow()/1024, string(impl)+"-stack-KB/cached-wf")
		}
		b.ReportMetric(got[1].RSSPerWorkflow()/got[0].RSSPerWorkflow(), "js/go-KB-ratio")
		b.ReportMetric(0, "ns/op")
		mem = got
	})
	rep := Report{Rows: append(rows[OneActivity], rows[FiftyActivities]...), Mem: mem}
	var buf bytes.Buffer
	if err := rep.Write(&buf); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("\n%s\n", buf.String())
}

// BenchmarkLoad keeps -wfs-load LoadFlow workflows in flight (an
// activity, a one-second timer, a signal, two more activities) until
// -wfs-load-total have completed, with native Go SDK workflows and with the
// same workflows in JS on tsworker, each worker in its own process against
// one embedded server, and prints a side-by-side table: throughput, worker
// CPU per workflow, peak RSS and memory per cached run. The server's pace
// drifts, so the pair runs -load-rounds times, alternating which
// implementation goes first. Like BenchmarkCompare it
// runs once whatever b.N is; use -benchtime 1x.
func BenchmarkLoad(b *testing.B) {
	if !supported {
		b.Skip(errUnsupported)
	}
	o := options(b, true)
	inFlight, total := *flagLoad, *flagTotal
	if total <= 0 {
		total = 3 * inFlight
	}
	var rep Report
	for round := range max(*flagRounds, 1) {
		impls := []Impl{Go, JS}
		if round%2 == 1 {
			impls = []Impl{JS, Go}
		}
		for _, impl := range impls {
			l, err := Load(context.Background(), o, impl, inFlight, total)
			if err != nil {
				b.Fatal(err)
			}
			rep.Load = append(rep.Load, l)
		}
	}
	g, j := rep.LoadTotal(Go), rep.LoadTotal(JS)
	for _, s := range []LoadRow{g, j} {
		b.ReportMetric(s.Throughput(), string(s.Impl)+"-wf/s")
		b.ReportMetric(ms(s.CPUPerWorkflow()), string(s.Impl)+"-cpu-ms/wf")
		b.ReportMetric(float64(s.PeakRSS)/(1<<20), string(s.Impl)+"-peak-MB")
		b.ReportMetric(s.RSSPerRun()/1024, string(s.Impl)+"-KB/run")
	}
	b.ReportMetric(ms(j.CPUPerWorkflow())/ms(g.CPUPerWorkflow()), "js/go-cpu-ratio")
	b.ReportMetric(j.Throughput()/g.Throughput(), "js/go-wf/s-ratio")
	b.ReportMetric(0, "ns/op")
	var buf bytes.Buffer
	if err := rep.Write(&buf); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("\n%s\n", buf.String())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
