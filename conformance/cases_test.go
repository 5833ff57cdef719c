package conformance

import "testing"

func TestBasic(t *testing.T) {
	runCases(t, []tcase{
		{"sleepAndActivities", func(d *driver) { d.start("sleepAndActivities"); d.result() }},
		{"activityFailureCaught", func(d *driver) { d.start("activityFailureCaught"); d.result() }},
		{"throwError", func(d *driver) { d.start("throwError"); d.taskFailure() }},
	})
}
