package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Report is a side-by-side comparison of the implementations.
type Report struct {
	Rows []Row    // throughput rows, in the order measured
	Mem  []MemRow // cached-run memory rows
}

// Write prints the report as tables, with a js/go ratio line under each
// workload measured for both implementations.
func (r *Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\timpl\twfs\twall\twf/s\tworker-cpu/wf\tpeak-rss")
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
		fmt.Fprintln(tw, "cached runs\timpl\twfs\trss/wf\theap/wf\tfirst-task-cpu/wf\trss-before")
		for i, m := range r.Mem {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", Workload[SleepDay], m.Impl, m.Workflows,
				kilo(m.RSSPerWorkflow()), kilo(m.HeapPerWorkflow()), millis(m.CPUPerWorkflow()), mega(m.RSSBefore))
			if g, j, ok := pair(r.Mem, i, func(x MemRow) (string, Impl) { return SleepDay, x.Impl }); ok {
				fmt.Fprintf(tw, "%s\tjs/go\t\t%s\t%s\t%s\n", Workload[SleepDay],
					ratio(j.RSSPerWorkflow(), g.RSSPerWorkflow()), ratio(j.HeapPerWorkflow(), g.HeapPerWorkflow()),
					ratio(j.CPU.Seconds()/float64(j.Workflows), g.CPU.Seconds()/float64(g.Workflows)))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i := range r.Mem {
		if g, j, ok := pair(r.Mem, i, func(x MemRow) (string, Impl) { return SleepDay, x.Impl }); ok {
			_, err := fmt.Fprintf(w, "memory per cached workflow: go %s, js %s (%s); Go heap: go %s, js %s (%s)\n",
				kilo(g.RSSPerWorkflow()), kilo(j.RSSPerWorkflow()), ratio(j.RSSPerWorkflow(), g.RSSPerWorkflow()),
				kilo(g.HeapPerWorkflow()), kilo(j.HeapPerWorkflow()), ratio(j.HeapPerWorkflow(), g.HeapPerWorkflow()))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// pair returns the Go and JS rows of the workload of rows[i] when rows[i]
// is the later of the two, so the ratio line follows both.
func pair[T any](rows []T, i int, key func(T) (string, Impl)) (g, j T, ok bool) {
	wl, impl := key(rows[i])
	var other Impl
	switch impl {
	case Go:
		other = JS
	case JS:
		other = Go
	default:
		return g, j, false
	}
	for k := 0; k < i; k++ {
		if w, im := key(rows[k]); w == wl && im == other {
			if impl == Go {
				return rows[i], rows[k], true
			}
			return rows[k], rows[i], true
		}
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
