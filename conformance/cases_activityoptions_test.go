package conformance

import "testing"

// TestActivityOptions compares activities called without options or
// without the required timeouts: where the call throws (at once, or as a
// rejected promise), with what, and whether it used up a seq (the activity
// IDs of the activities scheduled after it).
func TestActivityOptions(t *testing.T) {
	runCases(t, []tcase{
		{"activityOptionsMissing", func(d *driver) {
			d.start("activityOptionsMissing")
			d.result()
		}},
	})
}

// TestActivityOptionsIntercepted is TestActivityOptions with outbound
// interceptors (testdata/plugins): which calls reach them, with which seq.
func TestActivityOptionsIntercepted(t *testing.T) {
	runPluginCases(t, []tcase{
		{"interceptedActivityOptions", func(d *driver) {
			d.start("icptActivityOptions")
			d.result()
		}},
	})
}
