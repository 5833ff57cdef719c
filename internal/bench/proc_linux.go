package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// supported says whether the process measurements work here.
const supported = true

// selfUsage reads this process's CPU time (getrusage, microsecond
// resolution, all threads) and its current and peak RSS (/proc).
func selfUsage() (usage, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}, fmt.Errorf("getrusage: %w", err)
	}
	u := usage{CPU: rusageCPU(&ru)}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return u, err
	}
	if u.RSS, err = statusKB(status, "VmRSS:"); err != nil {
		return u, err
	}
	u.Peak, err = statusKB(status, "VmHWM:")
	return u, err
}

// statusKB reads a "Name:   123 kB" line of /proc/<pid>/status, in bytes.
func statusKB(status []byte, name string) (int64, error) {
	i := bytes.Index(status, []byte(name))
	if i < 0 {
		return 0, fmt.Errorf("/proc status: no %s line", name)
	}
	line := status[i+len(name):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	f := bytes.Fields(line)
	if len(f) == 0 {
		return 0, fmt.Errorf("/proc status: empty %s line", name)
	}
	kb, err := strconv.ParseInt(string(f[0]), 10, 64)
	return kb * 1024, err
}

// resetPeakRSS makes VmHWM start again from the current RSS, so the peak
// measured covers a workload and not the process's start-up.
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func rusageCPU(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processUsage is the CPU time and peak RSS of an exited process, from its
// wait status (Maxrss is in KiB on Linux).
func processUsage(sys any) (cpu time.Duration, maxRSS int64, ok bool) {
	ru, ok := sys.(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, 0, false
	}
	return rusageCPU(ru), ru.Maxrss * 1024, true
}
