package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// parseDuration reads a TypeScript SDK Duration: a number of milliseconds or
// a string in the format of the `ms` package ("1 minute", "2h", "1.5 days",
// "500" meaning milliseconds).
func parseDuration(v goja.Value) (time.Duration, error) {
	switch x := v.Export().(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("negative duration %d", x)
		}
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		if math.IsNaN(x) || x < 0 || math.IsInf(x, 0) {
			return 0, fmt.Errorf("invalid duration %v", x)
		}
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		return parseDurationString(x)
	default:
		return 0, fmt.Errorf("invalid duration %s: use milliseconds or a string like '1 minute'", v.String())
	}
}

var durationUnits = map[string]float64{
	"ms": 1, "msec": 1, "msecs": 1, "millisecond": 1, "milliseconds": 1,
	"s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
	"m": 60e3, "min": 60e3, "mins": 60e3, "minute": 60e3, "minutes": 60e3,
	"h": 3600e3, "hr": 3600e3, "hrs": 3600e3, "hour": 3600e3, "hours": 3600e3,
	"d": 86400e3, "day": 86400e3, "days": 86400e3,
	"w": 7 * 86400e3, "week": 7 * 86400e3, "weeks": 7 * 86400e3,
	"y": 365.25 * 86400e3, "yr": 365.25 * 86400e3, "yrs": 365.25 * 86400e3, "year": 365.25 * 86400e3, "years": 365.25 * 86400e3,
}

func parseDurationString(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && (t[i] == '-' || t[i] == '.' || (t[i] >= '0' && t[i] <= '9')) {
		i++
	}
	num, err := strconv.ParseFloat(t[:i], 64)
	if err != nil || num < 0 {
		return 0, fmt.Errorf("invalid duration %q: use milliseconds or a string like '1 minute', '30s', '2 hours'", s)
	}
	unit := strings.TrimSpace(t[i:])
	mult := 1.0
	if unit != "" {
		m, ok := durationUnits[unit]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q", s, unit)
		}
		mult = m
	}
	return time.Duration(num * mult * float64(time.Millisecond)), nil
}

// optDuration reads an optional duration field of an options object.
func optDuration(o *goja.Object, key string) (time.Duration, error) {
	v := o.Get(key)
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, nil
}
