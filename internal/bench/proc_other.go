//go:build !linux

package bench

import "time"

// supported says whether the process measurements work here: they read
// /proc, so only on Linux.
const supported = false

func selfUsage() (usage, error) { return usage{}, errUnsupported }

func resetPeakRSS() error { return errUnsupported }

func processUsage(any) (time.Duration, int64, bool) { return 0, 0, false }
