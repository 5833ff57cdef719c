package jsruntime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// Intl.DateTimeFormat for en-US, as V8 with full ICU (Node 20) formats:
// the options pick a pattern the way ICU's pattern generator does for the
// en locale (measured, not derived from CLDR data, which goja lacks), and
// the pattern is formatted in the time zone the options name. The
// sandbox's own time zone is UTC whatever the process's TZ is, so that a
// workflow formats dates alike on every worker and in every replay; the
// TypeScript SDK's sandbox uses the Node process's time zone instead.

// dtfSandboxZone is the time zone of tsworker's workflow sandbox.
const dtfSandboxZone = "UTC"

// dateTimeFormat is one Intl.DateTimeFormat's resolved state.
type dateTimeFormat struct {
	locale    string
	loc       *time.Location
	zone      string // the resolved IANA name
	pattern   []patToken
	hourCycle string // "" when the pattern shows no hour
	dateStyle string
	timeStyle string
	zoneStyle string // the timeZoneName option
	fsd       int    // fractionalSecondDigits, 0 when absent
	dayPeriod string
}

// patToken is a field of a pattern (letter repeated count times) or, when
// letter is 0, literal text.
type patToken struct {
	letter  byte
	count   int
	literal string
}

// parsePattern reads an ICU pattern: runs of ASCII letters are fields,
// 'quoted' text and anything else is literal.
func parsePattern(p string) []patToken {
	var out []patToken
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].literal += s
			return
		}
		out = append(out, patToken{literal: s})
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(p[i+1:], '\'')
			if j < 0 {
				j = len(p) - i - 1
			}
			lit(p[i+1 : i+1+j])
			i += j + 2
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			out = append(out, patToken{letter: c, count: j - i})
			i = j
		default:
			j := i
			for j < len(p) && p[j] != '\'' && !('a' <= p[j] && p[j] <= 'z' || 'A' <= p[j] && p[j] <= 'Z') {
				j++
			}
			lit(p[i:j])
			i = j
		}
	}
	return out
}

// dtfOptionValues are the allowed values of each string option, in the
// order the specification reads them.
var dtfOptionValues = []struct {
	name   string
	values []string
}{
	{"weekday", []string{"narrow", "short", "long"}},
	{"era", []string{"narrow", "short", "long"}},
	{"year", []string{"2-digit", "numeric"}},
	{"month", []string{"2-digit", "numeric", "narrow", "short", "long"}},
	{"day", []string{"2-digit", "numeric"}},
	{"dayPeriod", []string{"narrow", "short", "long"}},
	{"hour", []string{"2-digit", "numeric"}},
	{"minute", []string{"2-digit", "numeric"}},
	{"second", []string{"2-digit", "numeric"}},
}

var styleValues = []string{"full", "long", "medium", "short"}

// hostDateTimeFormat(locale, options, required, defaults) makes a
// dateTimeFormat: locale is the resolved locale ("en-US" or "en"), options
// the caller's options object (or undefined), required and defaults as in
// the specification's ToDateTimeOptions ("date", "time" or "any"; "all"
// for defaults). It throws V8's errors for bad options.
func (r *Runtime) hostDateTimeFormat(c goja.FunctionCall) goja.Value {
	vm := r.VM
	f := &dateTimeFormat{locale: c.Argument(0).String()}
	required, defaults := c.Argument(2).String(), c.Argument(3).String()
	var opts *goja.Object
	if o := c.Argument(1); !goja.IsUndefined(o) {
		if goja.IsNull(o) {
			panic(vm.NewTypeError("Cannot convert undefined or null to object"))
		}
		opts = o.ToObject(vm)
	}
	get := func(name string) goja.Value {
		if opts == nil {
			return nil
		}
		v := opts.Get(name)
		if v == nil || goja.IsUndefined(v) {
			return nil
		}
		return v
	}
	str := func(name string, allowed []string) string {
		v := get(name)
		if v == nil {
			return ""
		}
		s := v.String()
		for _, a := range allowed {
			if s == a {
				return s
			}
		}
		panic(r.rangeError(fmt.Sprintf("Value %s out of range for Intl.DateTimeFormat options property %s", s, name)))
	}
	_ = str("localeMatcher", []string{"lookup", "best fit"})
	if v := get("calendar"); v != nil && v.String() != "gregory" {
		panic(r.rangeError(fmt.Sprintf("Intl.DateTimeFormat calendar %q is not available in tsworker's workflow sandbox (it has the gregory calendar only)", v.String())))
	}
	if v := get("numberingSystem"); v != nil && v.String() != "latn" {
		panic(r.rangeError(fmt.Sprintf("Intl.DateTimeFormat numberingSystem %q is not available in tsworker's workflow sandbox (it has latn only)", v.String())))
	}
	hour12 := get("hour12")
	hourCycle := str("hourCycle", []string{"h11", "h12", "h23", "h24"})
	zone := dtfSandboxZone
	if v := get("timeZone"); v != nil {
		zone = v.String()
	}
	loc, name, ok := loadZone(zone)
	if !ok {
		panic(r.rangeError("Invalid time zone specified: " + zone))
	}
	f.loc, f.zone = loc, name

	// The components, in the specification's order.
	comp := map[string]string{}
	for _, o := range dtfOptionValues {
		if s := str(o.name, o.values); s != "" {
			comp[o.name] = s
		}
	}
	if v := get("fractionalSecondDigits"); v != nil {
		n := v.ToFloat()
		if math.IsNaN(n) || n < 1 || n > 3 {
			panic(r.rangeError("fractionalSecondDigits value is out of range."))
		}
		f.fsd = int(n)
	}
	f.zoneStyle = str("timeZoneName", []string{"short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"})
	_ = str("formatMatcher", []string{"basic", "best fit"})
	f.dateStyle = str("dateStyle", styleValues)
	f.timeStyle = str("timeStyle", styleValues)

	// ToDateTimeOptions for toLocaleDateString and toLocaleTimeString.
	if required == "date" && f.timeStyle != "" {
		panic(vm.NewTypeError("Invalid option : timeStyle"))
	}
	if required == "time" && f.dateStyle != "" {
		panic(vm.NewTypeError("Invalid option : dateStyle"))
	}
	if f.dateStyle != "" || f.timeStyle != "" {
		used := "dateStyle"
		if f.dateStyle == "" {
			used = "timeStyle"
		}
		for _, o := range dtfOptionValues {
			if comp[o.name] != "" {
				panic(vm.NewTypeError(fmt.Sprintf("Can't set option %s when %s is used", o.name, used)))
			}
		}
		if f.fsd != 0 {
			panic(vm.NewTypeError(fmt.Sprintf("Can't set option fractionalSecondDigits when %s is used", used)))
		}
		if f.zoneStyle != "" {
			panic(vm.NewTypeError(fmt.Sprintf("Can't set option timeZoneName when %s is used", used)))
		}
	} else {
		hasDate := comp["weekday"] != "" || comp["year"] != "" || comp["month"] != "" || comp["day"] != ""
		hasTime := comp["dayPeriod"] != "" || comp["hour"] != "" || comp["minute"] != "" || comp["second"] != "" || f.fsd != 0
		need := true
		if required == "date" || required == "any" {
			need = need && !hasDate
		}
		if required == "time" || required == "any" {
			need = need && !hasTime
		}
		if need && (defaults == "date" || defaults == "all") {
			comp["year"], comp["month"], comp["day"] = "numeric", "numeric", "numeric"
		}
		if need && (defaults == "time" || defaults == "all") {
			comp["hour"], comp["minute"], comp["second"] = "numeric", "numeric", "numeric"
		}
	}

	// The hour cycle: hour12 wins over hourCycle; en-US defaults to h12,
	// and hour12: false means h24 there (the specification as Node 20's
	// V8 implements it).
	hc := "h12"
	switch {
	case hour12 != nil && hour12.ToBoolean():
		hc = "h12"
	case hour12 != nil:
		hc = "h24"
	case hourCycle != "":
		hc = hourCycle
	}
	f.dayPeriod = comp["dayPeriod"]
	var pattern string
	if f.dateStyle != "" || f.timeStyle != "" {
		pattern = stylePattern(f.dateStyle, f.timeStyle, hc)
	} else {
		pattern = skeletonPattern(comp, f.fsd, f.zoneStyle, hc)
	}
	f.pattern = parsePattern(pattern)
	for _, t := range f.pattern {
		if t.letter == 'h' || t.letter == 'H' || t.letter == 'k' || t.letter == 'K' {
			f.hourCycle = hc
		}
	}
	return vm.ToValue(f)
}

// rangeError makes a RangeError with msg.
func (r *Runtime) rangeError(msg string) *goja.Object {
	ctor, _ := goja.AssertConstructor(r.VM.Get("RangeError"))
	e, err := ctor(nil, r.VM.ToValue(msg))
	if err != nil {
		panic(err)
	}
	return e
}

// hourLetter is the pattern letter of hour cycle hc.
func hourLetter(hc string) byte {
	switch hc {
	case "h11":
		return 'K'
	case "h23":
		return 'H'
	case "h24":
		return 'k'
	}
	return 'h'
}

// stylePattern is en-US's pattern for dateStyle and timeStyle.
func stylePattern(dateStyle, timeStyle, hc string) string {
	date := map[string]string{
		"full": "EEEE, MMMM d, y", "long": "MMMM d, y", "medium": "MMM d, y", "short": "M/d/yy",
	}[dateStyle]
	var tm string
	if timeStyle != "" {
		hour := "h"
		if hl := hourLetter(hc); hl != 'h' && hl != 'K' {
			hour = strings.Repeat(string(hl), 2)
		} else {
			hour = string(hl)
		}
		tm = hour + ":mm"
		if timeStyle != "short" {
			tm += ":ss"
		}
		if hc == "h12" || hc == "h11" {
			tm += " a"
		}
		switch timeStyle {
		case "full":
			tm += " zzzz"
		case "long":
			tm += " z"
		}
	}
	switch {
	case tm == "":
		return date
	case date == "":
		return tm
	case dateStyle == "full" || dateStyle == "long":
		return date + " 'at' " + tm
	}
	return date + ", " + tm
}

// skeletonPattern is the pattern en-US's ICU data gives for the components
// asked for.
func skeletonPattern(comp map[string]string, fsd int, zoneStyle, hc string) string {
	width := func(v, numeric, twoDigit string) string {
		if v == "2-digit" {
			return twoDigit
		}
		return numeric
	}
	var y, mo, d, e string
	if v := comp["year"]; v != "" {
		y = width(v, "y", "yy")
	}
	textMonth := false
	switch comp["month"] {
	case "numeric":
		mo = "M"
	case "2-digit":
		mo = "MM"
	case "short":
		mo, textMonth = "MMM", true
	case "long":
		mo, textMonth = "MMMM", true
	case "narrow":
		mo, textMonth = "MMMMM", true
	}
	if v := comp["day"]; v != "" {
		d = width(v, "d", "dd")
	}
	switch comp["weekday"] {
	case "short":
		e = "EEE"
	case "long":
		e = "EEEE"
	case "narrow":
		e = "EEEEE"
	}

	var date string
	switch {
	case mo != "" && textMonth:
		switch {
		case d != "" && y != "":
			date = mo + " " + d + ", " + y
		case d != "":
			date = mo + " " + d
		case y != "":
			date = mo + " " + y
		default:
			date = mo
		}
		if e != "" {
			if d != "" {
				date = e + ", " + date
			} else {
				date += " " + e
			}
		}
	case mo != "":
		parts := []string{mo}
		if d != "" {
			parts = append(parts, d)
		}
		if y != "" {
			parts = append(parts, y)
		}
		date = strings.Join(parts, "/")
		if e != "" {
			if d != "" {
				date = e + ", " + date
			} else {
				date += " " + e
			}
		}
	default:
		switch {
		case y != "" && d != "":
			date = y + " '(day: '" + d + "')'"
			if e != "" {
				date = d + " " + e + " " + y
			}
		case y != "":
			date = y
			if e != "" {
				date += " " + e
			}
		case d != "":
			date = d
			if e != "" {
				date += " " + e
			}
		case e != "":
			date = e
		}
	}
	if v := comp["era"]; v != "" {
		g := map[string]string{"short": "G", "long": "GGGG", "narrow": "GGGGG"}[v]
		if date == "" {
			date = g
		} else {
			date += " " + g
		}
	}

	// The time.
	var tm string
	h, m, s := comp["hour"], comp["minute"], comp["second"]
	twelve := hc == "h12" || hc == "h11"
	if h != "" {
		hl := string(hourLetter(hc))
		if h == "2-digit" || !twelve {
			hl += hl
		}
		tm = hl
		if m != "" {
			tm += ":mm"
			if s != "" {
				tm += ":ss"
			}
		} else if s != "" {
			tm += ":ss"
		}
	} else if m != "" {
		tm = "m"
		if s != "" {
			tm = "mm:ss"
		}
	} else if s != "" {
		tm = "s"
	}
	if fsd > 0 {
		frac := strings.Repeat("S", fsd)
		if s != "" {
			tm += "." + frac
		} else if tm == "" {
			tm = frac
		} else {
			tm += "." + frac
		}
	}
	if h != "" && twelve {
		if comp["dayPeriod"] != "" {
			tm += " B"
		} else {
			tm += " a"
		}
	} else if h == "" && comp["dayPeriod"] != "" {
		if tm == "" {
			tm = "B"
		} else {
			tm += " B"
		}
	}
	if zoneStyle != "" {
		z := map[string]string{
			"short": "z", "long": "zzzz", "shortOffset": "O", "longOffset": "OOOO", "shortGeneric": "v", "longGeneric": "vvvv",
		}[zoneStyle]
		if tm == "" {
			tm = z
		} else {
			tm += " " + z
		}
	}

	switch {
	case tm == "":
		return date
	case date == "":
		return tm
	case e != "" && y == "" && mo == "" && d == "" && h != "" && (twelve || m != "" || s != ""):
		return date + " " + tm
	case textMonth && mo == "MMMM":
		return date + " 'at' " + tm
	}
	return date + ", " + tm
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// dtfPartTypes are the formatToParts types of the pattern letters.
var dtfPartTypes = map[byte]string{
	'G': "era", 'y': "year", 'M': "month", 'L': "month", 'd': "day", 'E': "weekday", 'c': "weekday",
	'a': "dayPeriod", 'B': "dayPeriod", 'h': "hour", 'H': "hour", 'k': "hour", 'K': "hour",
	'm': "minute", 's': "second", 'S': "fractionalSecond",
	'z': "timeZoneName", 'O': "timeZoneName", 'v': "timeZoneName",
}

// parts formats ms (milliseconds since the epoch, already time-clipped) as
// [type, value, type, value, ...].
func (f *dateTimeFormat) parts(ms float64) []string {
	t := time.UnixMilli(int64(ms)).In(f.loc)
	var out []string
	for i, tok := range f.pattern {
		if tok.letter == 0 {
			lit := tok.literal
			// ICU separates AM/PM by a narrow no-break space; V8's format
			// (not formatToParts) writes a space instead.
			if lit == " " && i+1 < len(f.pattern) && f.pattern[i+1].letter == 'a' {
				lit = "\u202f"
			}
			out = append(out, "literal", lit)
			continue
		}
		out = append(out, dtfPartTypes[tok.letter], f.field(t, tok))
	}
	return out
}

// pad formats n with at least width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// field formats one pattern field of t.
func (f *dateTimeFormat) field(t time.Time, tok patToken) string {
	n := tok.count
	switch tok.letter {
	case 'G':
		bc := t.Year() <= 0
		switch {
		case n == 5 && bc:
			return "B"
		case n == 5:
			return "A"
		case n == 4 && bc:
			return "Before Christ"
		case n == 4:
			return "Anno Domini"
		case bc:
			return "BC"
		}
		return "AD"
	case 'y':
		y := t.Year()
		if y <= 0 {
			y = 1 - y // the year of the era
		}
		if n == 2 {
			return pad(y%100, 2)
		}
		return pad(y, n)
	case 'M', 'L':
		m := int(t.Month())
		switch n {
		case 1, 2:
			return pad(m, n)
		case 3:
			return monthNames[m-1][:3]
		case 4:
			return monthNames[m-1]
		}
		return monthNames[m-1][:1]
	case 'd':
		return pad(t.Day(), n)
	case 'E', 'c':
		w := weekdayNames[t.Weekday()]
		switch {
		case n == 4:
			return w
		case n == 5:
			return w[:1]
		}
		return w[:3]
	case 'a':
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	case 'B':
		return f.flexibleDayPeriod(t)
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return pad(h, n)
	case 'K':
		return pad(t.Hour()%12, n)
	case 'H':
		return pad(t.Hour(), n)
	case 'k':
		h := t.Hour()
		if h == 0 {
			h = 24
		}
		return pad(h, n)
	case 'm':
		return pad(t.Minute(), n)
	case 's':
		return pad(t.Second(), n)
	case 'S':
		return pad(t.Nanosecond()/int(time.Millisecond), 3)[:n]
	case 'z', 'O', 'v':
		return zoneName(t, f.zone, f.zoneStyleOf(tok))
	}
	return ""
}

// zoneStyleOf is the timeZoneName style of a zone field: the option's,
// or the one dateStyle/timeStyle implies.
func (f *dateTimeFormat) zoneStyleOf(tok patToken) string {
	switch {
	case tok.letter == 'z' && tok.count == 4:
		return "long"
	case tok.letter == 'z':
		return "short"
	case tok.letter == 'O' && tok.count == 4:
		return "longOffset"
	case tok.letter == 'O':
		return "shortOffset"
	case tok.letter == 'v' && tok.count == 4:
		return "longGeneric"
	}
	return "shortGeneric"
}

// flexibleDayPeriod is en's "in the morning", "noon", ... for t.
func (f *dateTimeFormat) flexibleDayPeriod(t time.Time) string {
	showsMinutes := false
	for _, tok := range f.pattern {
		if tok.letter == 'm' || tok.letter == 's' {
			showsMinutes = true
		}
	}
	h := t.Hour()
	switch {
	case h == 12 && (!showsMinutes || t.Minute() == 0 && t.Second() == 0):
		if f.dayPeriod == "narrow" {
			return "n"
		}
		return "noon"
	case h < 12:
		return "in the morning"
	case h < 18:
		return "in the afternoon"
	case h < 21:
		return "in the evening"
	}
	return "at night"
}

// resolved lists resolvedOptions()'s entries after timeZone, in V8's
// order.
func (f *dateTimeFormat) resolved() []any {
	var out []any
	add := func(k string, v any) { out = append(out, k, v) }
	if f.hourCycle != "" {
		add("hourCycle", f.hourCycle)
		add("hour12", f.hourCycle == "h11" || f.hourCycle == "h12")
	}
	if f.dateStyle != "" || f.timeStyle != "" {
		if f.dateStyle != "" {
			add("dateStyle", f.dateStyle)
		}
		if f.timeStyle != "" {
			add("timeStyle", f.timeStyle)
		}
		return out
	}
	find := func(letters string) (patToken, bool) {
		for _, t := range f.pattern {
			if t.letter != 0 && strings.IndexByte(letters, t.letter) >= 0 {
				return t, true
			}
		}
		return patToken{}, false
	}
	numeric := func(t patToken) string {
		if t.count == 2 {
			return "2-digit"
		}
		return "numeric"
	}
	text := func(t patToken) string {
		switch t.count {
		case 4:
			return "long"
		case 5:
			return "narrow"
		}
		return "short"
	}
	if t, ok := find("Ec"); ok {
		add("weekday", text(t))
	}
	if t, ok := find("G"); ok {
		add("era", text(t))
	}
	if t, ok := find("y"); ok {
		add("year", numeric(t))
	}
	if t, ok := find("ML"); ok {
		if t.count <= 2 {
			add("month", numeric(t))
		} else {
			add("month", text(t))
		}
	}
	if t, ok := find("d"); ok {
		add("day", numeric(t))
	}
	if _, ok := find("B"); ok {
		add("dayPeriod", f.dayPeriod)
	}
	if t, ok := find("hHkK"); ok {
		add("hour", numeric(t))
	}
	if t, ok := find("m"); ok {
		add("minute", numeric(t))
	}
	if t, ok := find("s"); ok {
		add("second", numeric(t))
	}
	if t, ok := find("S"); ok {
		add("fractionalSecondDigits", t.count)
	}
	if f.zoneStyle != "" {
		add("timeZoneName", f.zoneStyle)
	}
	return out
}

// hostDateTimeFormatParts(dtf, ms) formats ms as a flat [type, value, ...]
// array; ms must be a valid time value.
func (r *Runtime) hostDateTimeFormatParts(c goja.FunctionCall) goja.Value {
	f := r.dtfArg(c.Argument(0))
	p := f.parts(c.Argument(1).ToFloat())
	out := make([]any, len(p))
	for i, s := range p {
		out[i] = s
	}
	return r.VM.ToValue(out)
}

// hostDateTimeFormat1(dtf, ms) formats ms as a string.
func (r *Runtime) hostDateTimeFormatString(c goja.FunctionCall) goja.Value {
	f := r.dtfArg(c.Argument(0))
	p := f.parts(c.Argument(1).ToFloat())
	var b strings.Builder
	for i := 1; i < len(p); i += 2 {
		b.WriteString(strings.ReplaceAll(p[i], "\u202f", " "))
	}
	return r.VM.ToValue(b.String())
}

// hostDateTimeResolved(dtf) is [locale, timeZone, key, value, ...] for
// resolvedOptions.
func (r *Runtime) hostDateTimeResolved(c goja.FunctionCall) goja.Value {
	f := r.dtfArg(c.Argument(0))
	out := append([]any{f.locale, f.zone}, f.resolved()...)
	return r.VM.ToValue(out)
}

func (r *Runtime) dtfArg(v goja.Value) *dateTimeFormat {
	f, ok := v.Export().(*dateTimeFormat)
	if !ok {
		panic(r.VM.NewTypeError("Method Intl.DateTimeFormat.prototype.format called on incompatible receiver"))
	}
	return f
}
