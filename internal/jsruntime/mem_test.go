package jsruntime_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// BenchmarkRuntimeMemory reports the heap a runtime keeps while it is
// alive (as a cached run keeps it), untouched and after its first use of
// some lazy globals: those must cost nothing until they are used.
func BenchmarkRuntimeMemory(b *testing.B) {
	for _, bc := range []struct{ name, src string }{
		{"untouched", `1`},
		{"TextEncoder", `new TextEncoder().encode('x')`},
		{"URL", `new URL('https://example.com/').searchParams.get('a')`},
		{"Intl", `typeof Intl`},
		{"DateTimeFormat", `new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(0)`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			const n = 500
			var kept [n]*jsruntime.Runtime
			var before, after runtime.MemStats
			var total float64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				runtime.ReadMemStats(&before)
				for j := range kept {
					kept[j] = jsruntime.New(jsruntime.Env{Now: time.Now})
					if _, err := kept[j].VM.RunString(bc.src); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				total += float64(after.HeapAlloc-before.HeapAlloc) / n
				runtime.KeepAlive(kept)
			}
			b.ReportMetric(total/float64(b.N), "heap-B/runtime")
		})
	}
}
