package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The soak's settings. -soak is zero unless given, so BenchmarkSoak does
// nothing in a plain -bench run.
var (
	flagSoak         = flag.Duration("soak", envDuration("TSWORKER_BENCH_SOAK"), "run BenchmarkSoak for this long (e.g. 30m); zero skips it")
	flagSoakEvery    = flag.Duration("soak-every", time.Minute, "time between the soak's samples of the worker")
	flagSoakInFlight = flag.Int("soak-in-flight", envInt("TSWORKER_BENCH_SOAK_IN_FLIGHT", 200), "load workflows kept in flight during the soak")
	flagSoakImpl     = flag.String("soak-impl", "js", "implementations to soak, comma-separated: js, go")
)

func envDuration(name string) time.Duration {
	d, _ := time.ParseDuration(os.Getenv(name))
	return d
}

// BenchmarkSoak runs the load workload for -soak (e.g. -soak 30m) on a
// fresh worker process of each -soak-impl and prints the worker's
// goroutines, RSS, heap and cached runs every -soak-every, as they are
// sampled and as a table at the end. It is skipped unless -soak is given,
// so it never runs in the test suite:
//
//	go test ./internal/bench -run '^$' -bench Soak -benchtime 1x -timeout 40m -soak 30m
func BenchmarkSoak(b *testing.B) {
	if *flagSoak <= 0 {
		b.Skip("give -soak DURATION (e.g. -soak 30m) to run the soak")
	}
	if !supported {
		b.Skip(errUnsupported)
	}
	o := options(b, true)
	for _, name := range strings.Split(*flagSoakImpl, ",") {
		impl := Impl(strings.TrimSpace(name))
		samples, err := Soak(context.Background(), o, impl, SoakOptions{
			InFlight: *flagSoakInFlight,
			Duration: *flagSoak,
			Every:    *flagSoakEvery,
			OnSample: func(s SoakSample) {
				fmt.Printf("soak %s at %v: completed %d, in flight %d, goroutines %d, rss %s (after gc %s), heap %s, cached %d\n",
					impl, s.At.Round(time.Second), s.Completed, s.InFlight, s.Goroutines, mega(s.RSS), mega(s.RSSAfterGC), mega(s.Heap), s.Cached)
			},
		})
		var buf bytes.Buffer
		if werr := WriteSoak(&buf, impl, samples); werr != nil {
			b.Fatal(werr)
		}
		fmt.Printf("\n%s\n", buf.String())
		if err != nil {
			b.Fatal(err)
		}
		first, last := samples[0], samples[len(samples)-1]
		b.ReportMetric(float64(last.Goroutines-first.Goroutines), string(impl)+"-goroutines-growth")
		b.ReportMetric(float64(last.RSSAfterGC-first.RSSAfterGC)/(1<<20), string(impl)+"-rss-gc-growth-MB")
	}
	b.ReportMetric(0, "ns/op")
}

// TestSoakHarness runs a soak of a few seconds with a few workflows in
// flight and checks that it samples the worker and that, once the
// workflows have drained, no run is left in the worker's cache.
func TestSoakHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a worker process")
	}
	if !supported {
		t.Skip(errUnsupported)
	}
	o := options(t, false)
	o.Warmup = 2
	samples, err := Soak(context.Background(), o, JS, SoakOptions{InFlight: 3, Duration: 3 * time.Second, Every: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) < 3 {
		t.Fatalf("%d samples, want one before, at least one during and one after the soak", len(samples))
	}
	for i, s := range samples {
		if s.Goroutines <= 0 || s.RSS <= 0 || s.RSSAfterGC <= 0 || s.Heap <= 0 || s.CPU <= 0 {
			t.Errorf("sample %d: not all measured: %+v", i, s)
		}
	}
	last := samples[len(samples)-1]
	if last.Completed == 0 || last.InFlight != 0 || last.Cached != 0 {
		t.Errorf("last sample %+v: want workflows completed, none in flight and none cached", last)
	}
	var buf bytes.Buffer
	if err := WriteSoak(&buf, JS, samples); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "\nload "); got != len(samples) {
		t.Errorf("soak table has %d rows for %d samples:\n%s", got, len(samples), buf.String())
	}
	t.Logf("\n%s", buf.String())
}
