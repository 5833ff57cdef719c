package jsruntime

import (
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// newIntl makes the global Intl. goja has none and no locale data: it
// formats numbers and dates and compares strings as en-US (dates in any
// IANA time zone, UTC by default), and throws a RangeError that says so
// for anything else (other locales, PluralRules, ...).
func (r *Runtime) newIntl(g *lazyGlobals) goja.Value { return r.webBuild("Intl", nil) }

// hostFixed(n, minFD, maxFD) writes a finite, non-negative n with between
// minFD and maxFD fraction digits, rounded half away from zero on n's
// shortest decimal form, as ICU rounds (1.005 with two digits is 1.01,
// where toFixed gives 1.00).
func (r *Runtime) hostFixed(c goja.FunctionCall) goja.Value {
	return r.VM.ToValue(formatFixed(c.Argument(0).ToFloat(), int(c.Argument(1).ToInteger()), int(c.Argument(2).ToInteger())))
}

func formatFixed(n float64, minFD, maxFD int) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) > maxFD {
		roundUp := frac[maxFD] >= '5'
		frac = frac[:maxFD]
		if roundUp {
			digits := []byte(intPart + frac)
			i := len(digits) - 1
			for ; i >= 0; i-- {
				if digits[i] == '9' {
					digits[i] = '0'
					continue
				}
				digits[i]++
				break
			}
			if i < 0 {
				digits = append([]byte{'1'}, digits...)
			}
			intPart, frac = string(digits[:len(digits)-maxFD]), string(digits[len(digits)-maxFD:])
		}
	}
	frac = strings.TrimRight(frac, "0")
	for len(frac) < minFD {
		frac += "0"
	}
	if frac == "" {
		return intPart
	}
	return intPart + "." + frac
}
