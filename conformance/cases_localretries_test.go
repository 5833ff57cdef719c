package conformance

import "testing"

// TestLocalRetries compares the scheduleLocalActivity interceptor calls of
// a local activity that fails twice and then succeeds
// (testdata/plugins/intercepted.ts).
func TestLocalRetries(t *testing.T) {
	runPluginCases(t, []tcase{
		{"interceptedLocalRetries", func(d *driver) {
			d.start("icptLocalRetries")
			d.result()
		}},
	})
}
