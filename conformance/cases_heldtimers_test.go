package conformance

import "testing"

// TestHeldTimers compares the timers a workflow cancels: one cancelled in
// the activation that asked for it (setTimeout and clearTimeout, sleep in a
// scope cancelled at once, the timeout of a withTimeout scope that finishes
// at once) is never started; one cancelled later is (TimerStarted, then
// TimerCanceled).
func TestHeldTimers(t *testing.T) {
	runCases(t, []tcase{
		{"heldTimers", func(d *driver) {
			d.start("heldTimers")
			d.result()
		}},
	})
}

// TestHeldTimersIntercepted: the timer of CancellationScope.withTimeout
// goes through the startTimer interceptors (testdata/plugins), started or
// not.
func TestHeldTimersIntercepted(t *testing.T) {
	runPluginCases(t, []tcase{
		{"interceptedWithTimeout", func(d *driver) {
			d.start("icptWithTimeout")
			d.result()
		}},
	})
}
