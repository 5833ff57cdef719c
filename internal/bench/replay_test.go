package bench

import (
	"context"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
)

// The manyActivities histories, recorded once per test binary.
var (
	historiesOnce sync.Once
	histories     map[Impl]*historypb.History
	errHistories  error
)

// replayHistories records a manyActivities history of each implementation
// with ReplayActivities activities.
func replayHistories(tb testing.TB) map[Impl]*historypb.History {
	tb.Helper()
	c, _ := server(tb)
	historiesOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		histories = map[Impl]*historypb.History{}
		for _, impl := range []Impl{Go, JS} {
			h, err := RecordHistory(ctx, c, impl, benchWorkflows, ReplayActivities)
			if err != nil {
				errHistories = err
				return
			}
			histories[impl] = h
		}
	})
	if errHistories != nil {
		tb.Fatal(errHistories)
	}
	return histories
}

func replayers(tb testing.TB) map[Impl]*Replayer {
	tb.Helper()
	workflows, err := filepath.Abs(benchWorkflows)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[Impl]*Replayer{}
	for _, impl := range []Impl{Go, JS} {
		if out[impl], err = NewReplayer(impl, workflows); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// TestReplayHistories checks the replay benchmark's twins: the histories
// have the same events and the expected length, each implementation
// replays its own history, and neither replays its history cut short.
func TestReplayHistories(t *testing.T) {
	hs := replayHistories(t)
	rs := replayers(t)
	types := map[Impl][]string{}
	for impl, h := range hs {
		for _, e := range h.GetEvents() {
			types[impl] = append(types[impl], strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_"))
		}
		if got, want := len(h.GetEvents()), 4+6*ReplayActivities+1; got != want {
			t.Errorf("%s history: %d events, want %d", impl, got, want)
		}
		if err := rs[impl].Replay(context.Background(), h); err != nil {
			t.Errorf("%s: %v", impl, err)
		}
		// The history cut after the task that scheduled the last activity,
		// without the scheduling: the code schedules one more activity
		// than the history has.
		cut := &historypb.History{Events: h.GetEvents()[:len(h.GetEvents())-7]}
		if err := rs[impl].Replay(context.Background(), cut); err == nil || !strings.Contains(err.Error(), "nondeterministic") {
			t.Errorf("%s, history cut short: want a nondeterminism error, got %v", impl, err)
		}
	}
	if !reflect.DeepEqual(types[Go], types[JS]) {
		t.Errorf("the histories differ:\ngo: %v\njs: %v", types[Go], types[JS])
	}
}

// BenchmarkReplay replays a manyActivities history of ReplayActivities
// activities (965 events), recorded once per implementation on the
// embedded server, with the Go SDK's replayer (go) and tsworker's
// ReplayHistories (js):
//
//	go test ./internal/bench -run '^$' -bench Replay -benchtime 20x
//
// go and js time each implementation alone (profile js with -cpuprofile
// and -bench 'Replay/js$'); js-vs-go alternates them replay by replay, so
// that the machine's drifting pace hits both alike, and reports the time
// and allocations per replay of each and their ratios; native-speed is the
// Go SDK's time over tsworker's (1 when JS replays as fast as Go).
func BenchmarkReplay(b *testing.B) {
	hs := replayHistories(b)
	rs := replayers(b)
	ctx := context.Background()
	for _, impl := range []Impl{Go, JS} {
		b.Run(string(impl), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := rs[impl].Replay(ctx, hs[impl]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(hs[impl].GetEvents())), "events")
		})
	}
	b.Run("js-vs-go", func(b *testing.B) {
		var (
			took  = map[Impl]time.Duration{}
			alloc = map[Impl]uint64{}
			n     int
		)
		for b.Loop() {
			impls := []Impl{Go, JS}
			if n%2 == 1 {
				impls = []Impl{JS, Go}
			}
			for _, impl := range impls {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				if err := rs[impl].Replay(ctx, hs[impl]); err != nil {
					b.Fatal(err)
				}
				took[impl] += time.Since(start)
				runtime.ReadMemStats(&after)
				alloc[impl] += after.TotalAlloc - before.TotalAlloc
			}
			n++
		}
		per := func(impl Impl) float64 { return ms(took[impl]) / float64(n) }
		mb := func(impl Impl) float64 { return float64(alloc[impl]) / float64(n) / (1 << 20) }
		b.ReportMetric(per(Go), "go-ms/replay")
		b.ReportMetric(per(JS), "js-ms/replay")
		b.ReportMetric(per(JS)/per(Go), "js/go-time-ratio")
		b.ReportMetric(per(Go)/per(JS), "native-speed")
		b.ReportMetric(mb(Go), "go-alloc-MB/replay")
		b.ReportMetric(mb(JS), "js-alloc-MB/replay")
		b.ReportMetric(0, "ns/op")
	})
}
