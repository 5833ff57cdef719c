package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Report is a side-by-side comparison of the implementations.
type Report struct {
	Rows []Row     // throughput rows, in the order measured
	Mem  []MemRow  // cached-run memory rows
	Load []LoadRow // load rows
}

// Write prints the report as tables, with a js/go ratio line under each
// workload measured for both implementations. In the load table, cached is
// the runs in the worker's sticky cache in the middle of the workload,
// rss/run and heap/run the worker's growth per cached run then (read after
// a GC), and harness-cpu/wf is the CPU of the
// process that ran the workload (the client, and the server when embedded).
func (r *Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Rows) > 0 {
		fmt.Fprintln(tw, "workload\timpl\twfs\twall\twf/s\tworker-cpu/wf\tpeak-rss")
	}
	for i, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.0f\t%s\t%s\n", Workload[row.Workflow], row.Impl, row.Workflows,
			seconds(row.Wall), row.Throughput(), millis(row.CPUPerWorkflow()), mega(row.PeakRSS))
		if g, j, ok := pair(r.Rows, i, func(x Row) (string, Impl) { return x.Workflow, x.Impl }); ok {
			fmt.Fprintf(tw, "%s\tjs/go\t\t%s\t%s\t%s\t%s\n", Workload[row.Workflow],
				ratio(j.Wall.Seconds(), g.Wall.Seconds()), ratio(j.Throughput(), g.Throughput()),
				ratio(j.CPU.Seconds()/float64(j.Workflows), g.CPU.Seconds()/float64(g.Workflows)),
				ratio(float64(j.PeakRSS), float64(g.PeakRSS)))
		}
	}
	if len(r.Mem) > 0 {
		if len(r.Rows) > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, "cached runs\timpl\twfs\trss/wf\theap/wf\tfirst-task-cpu/wf\trss-before\tstack/wf\tstack-used/wf\tgoroutines/wf")
		for i, m := range r.Mem {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", Workload[SleepDay], m.Impl, m.Workflows,
				kilo(m.RSSPerWorkflow()), kilo(m.HeapPerWorkflow()), millis(m.CPUPerWorkflow()), mega(m.RSSBefore),
				kilo(m.StackPerWorkflow()), kilo(m.StackUsedPerWorkflow()), m.GoroutinesPerWorkflow())
			if g, j, ok := pair(r.Mem, i, func(x MemRow) (string, Impl) { return SleepDay, x.Impl }); ok {
				fmt.Fprintf(tw, "%s\tjs/go\t\t%s\t%s\t%s\t\t%s\t%s\n", Workload[SleepDay],
					ratio(j.RSSPerWorkflow(), g.RSSPerWorkflow()), ratio(j.HeapPerWorkflow(), g.HeapPerWorkflow()),
					ratio(j.CPU.Seconds()/float64(j.Workflows), g.CPU.Seconds()/float64(g.Workflows)),
					ratio(j.StackPerWorkflow(), g.StackPerWorkflow()), ratio(j.StackUsedPerWorkflow(), g.StackUsedPerWorkflow()))
			}
		}
	}
	if len(r.Load) > 0 {
		if len(r.Rows) > 0 || len(r.Mem) > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, "load\timpl\tin-flight\twfs\twall\twf/s\tworker-cpu/wf\tpeak-rss\tcached\trss/run\theap/run\tharness-cpu/wf")
		for i, l := range r.Load {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%.0f\t%s\t%s\t%d\t%s\t%s\t%s\n", Workload[LoadFlow], l.Impl, l.InFlight, l.Workflows,
				seconds(l.Wall), l.Throughput(), millis(l.CPUPerWorkflow()), mega(l.PeakRSS), l.MidCached, kilo(l.RSSPerRun()), kilo(l.HeapPerRun()),
				millis(l.HarnessCPUPerWorkflow()))
			if g, j, ok := pair(r.Load, i, func(x LoadRow) (string, Impl) { return LoadFlow, x.Impl }); ok {
				fmt.Fprintf(tw, "%s\tjs/go\t\t\t%s\t%s\t%s\t%s\t\t%s\t%s\n", Workload[LoadFlow],
					ratio(j.Wall.Seconds(), g.Wall.Seconds()), ratio(j.Throughput(), g.Throughput()),
					ratio(j.CPU.Seconds()/float64(j.Workflows), g.CPU.Seconds()/float64(g.Workflows)),
					ratio(float64(j.PeakRSS), float64(g.PeakRSS)),
					ratio(j.RSSPerRun(), g.RSSPerRun()), ratio(j.HeapPerRun(), g.HeapPerRun()))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i := range r.Mem {
		if g, j, ok := pair(r.Mem, i, func(x MemRow) (string, Impl) { return SleepDay, x.Impl }); ok {
			_, err := fmt.Fprintf(w, "memory per cached workflow: go %s, js %s (%s); Go heap: go %s, js %s (%s); goroutine stacks: go %s, js %s (%s)\n",
				kilo(g.RSSPerWorkflow()), kilo(j.RSSPerWorkflow()), ratio(j.RSSPerWorkflow(), g.RSSPerWorkflow()),
				kilo(g.HeapPerWorkflow()), kilo(j.HeapPerWorkflow()), ratio(j.HeapPerWorkflow(), g.HeapPerWorkflow()),
				kilo(g.StackPerWorkflow()), kilo(j.StackPerWorkflow()), ratio(j.StackPerWorkflow(), g.StackPerWorkflow()))
			if err != nil {
				return err
			}
		}
	}
	if len(r.Load) > 2 {
		g, j := r.LoadTotal(Go), r.LoadTotal(JS)
		_, err := fmt.Fprintf(w, "load, %d+%d runs: wf/s go %.0f, js %.0f (%s); worker-cpu/wf go %s, js %s (%s); rss/run go %s, js %s (%s)\n",
			g.Workflows, j.Workflows, g.Throughput(), j.Throughput(), ratio(j.Throughput(), g.Throughput()),
			millis(g.CPUPerWorkflow()), millis(j.CPUPerWorkflow()), ratio(j.CPU.Seconds()/float64(j.Workflows), g.CPU.Seconds()/float64(g.Workflows)),
			kilo(g.RSSPerRun()), kilo(j.RSSPerRun()), ratio(j.RSSPerRun(), g.RSSPerRun()))
		if err != nil {
			return err
		}
	}
	return nil
}

// LoadTotal sums the load rows of impl: workflows, wall and CPU times add
// up (so Throughput and CPUPerWorkflow are over all of them), PeakRSS is
// the highest, and the memory fields add up so that RSSPerRun and
// HeapPerRun are per cached run over all the mid-workload samples.
func (r *Report) LoadTotal(impl Impl) LoadRow {
	t := LoadRow{Impl: impl}
	for _, l := range r.Load {
		if l.Impl != impl {
			continue
		}
		t.InFlight = max(t.InFlight, l.InFlight)
		t.Workflows += l.Workflows
		t.Wall += l.Wall
		t.CPU += l.CPU
		t.HarnessCPU += l.HarnessCPU
		t.PeakRSS = max(t.PeakRSS, l.PeakRSS)
		t.MaxRSS = max(t.MaxRSS, l.MaxRSS)
		t.RSSBase += l.RSSBase
		t.RSSMid += l.RSSMid
		t.HeapBase += l.HeapBase
		t.HeapMid += l.HeapMid
		t.MidInFlight += l.MidInFlight
		t.MidCached += l.MidCached
	}
	return t
}

// pair returns the Go and JS rows of a measured pair: rows come in pairs,
// (0, 1), (2, 3), ..., in either order of implementations, and rows[i]
// closes one when i is odd and rows[i-1] is the same workload of the other
// implementation, so the ratio line follows both.
func pair[T any](rows []T, i int, key func(T) (string, Impl)) (g, j T, ok bool) {
	if i%2 == 0 {
		return g, j, false
	}
	wl, impl := key(rows[i])
	pwl, pimpl := key(rows[i-1])
	switch {
	case wl != pwl:
		return g, j, false
	case impl == Go && pimpl == JS:
		return rows[i], rows[i-1], true
	case impl == JS && pimpl == Go:
		return rows[i-1], rows[i], true
	}
	return g, j, false
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func millis(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

func mega(b int64) string { return fmt.Sprintf("%.1fMB", float64(b)/(1<<20)) }

func kilo(b float64) string { return fmt.Sprintf("%.1fKB", b/1024) }
