package jsruntime

import (
	"strconv"
	"strings"
	"time"

	// Node carries its own zone data (ICU's); embedding Go's (about 450 KB)
	// lets named zones work where the system has no zone data too.
	_ "time/tzdata"
)

// Time zones for Intl.DateTimeFormat: IANA names are read from Go's time
// zone database (the system's, else the one embedded through time/tzdata);
// their English names are a table of the common zones, as ICU's en data
// names them.

// zoneLinks are the links ICU resolves to another canonical name than the
// IANA database's (resolvedOptions().timeZone shows these).
var zoneLinks = map[string]string{
	"Etc/UTC": "UTC", "Etc/GMT": "UTC", "GMT": "UTC", "Etc/UCT": "UTC", "UCT": "UTC",
	"Etc/Universal": "UTC", "Universal": "UTC", "Etc/Zulu": "UTC", "Zulu": "UTC", "Etc/Greenwich": "UTC",
	"Greenwich": "UTC", "Etc/GMT0": "UTC", "Etc/GMT+0": "UTC", "Etc/GMT-0": "UTC", "GMT0": "UTC",
	"Asia/Kolkata": "Asia/Calcutta", "Asia/Ho_Chi_Minh": "Asia/Saigon", "Asia/Kathmandu": "Asia/Katmandu",
	"Europe/Kyiv": "Europe/Kiev", "America/Nuuk": "America/Godthab",
	"US/Eastern": "America/New_York", "US/Central": "America/Chicago", "US/Mountain": "America/Denver",
	"US/Pacific": "America/Los_Angeles", "US/Alaska": "America/Anchorage", "US/Hawaii": "Pacific/Honolulu",
	"US/Arizona": "America/Phoenix", "EST5EDT": "America/New_York", "CST6CDT": "America/Chicago",
	"MST7MDT": "America/Denver", "PST8PDT": "America/Los_Angeles", "Japan": "Asia/Tokyo",
	"PRC": "Asia/Shanghai", "GB": "Europe/London", "Singapore": "Asia/Singapore",
}

// loadZone resolves a timeZone option: its case does not matter, as in
// V8. It returns the location and the name resolvedOptions shows.
func loadZone(name string) (*time.Location, string, bool) {
	if strings.EqualFold(name, "UTC") {
		return time.UTC, "UTC", true
	}
	for _, cand := range []string{name, zoneCase(name)} {
		if cand == "" || strings.HasPrefix(cand, "/") || strings.Contains(cand, "..") || strings.ContainsAny(cand, " \\") {
			continue
		}
		if canon, ok := zoneLinks[cand]; ok {
			if canon == "UTC" {
				return time.UTC, "UTC", true
			}
			cand = canon
		}
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc, cand, true
		}
	}
	return nil, "", false
}

// zoneCase spells an IANA name the way the database does: each word
// capitalized ("america/new_york" → "America/New_York"), "Etc/GMT+5" and
// the upper-case legacy names as they are.
func zoneCase(name string) string {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "ETC/") {
		rest := up[4:]
		if !strings.HasPrefix(rest, "GMT") && !strings.HasPrefix(rest, "UTC") && !strings.HasPrefix(rest, "UCT") {
			rest = zoneCase(rest)
		}
		return "Etc/" + rest
	}
	if !strings.ContainsAny(name, "/") && len(name) <= 7 {
		return up // EST5EDT, GMT0, ...
	}
	b := []byte(strings.ToLower(name))
	start := true
	for i, c := range b {
		if start && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		start = c == '/' || c == '_' || c == '-'
	}
	s := string(b)
	for _, w := range []string{"_Of_", "_Es_", "_De_", "_Da_", "_La_"} {
		s = strings.ReplaceAll(s, w, strings.ToLower(w))
	}
	return s
}

// zoneNames are a zone's English names: standard and daylight, short and
// long, and generic. A short name that is empty is written as an offset
// ("GMT+1"), as ICU's en data does for zones without an abbreviation.
type zoneNames struct {
	shortStd, shortDST, longStd, longDST, shortGeneric, longGeneric string
}

var (
	usEastern  = zoneNames{"EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time", "ET", "Eastern Time"}
	usCentral  = zoneNames{"CST", "CDT", "Central Standard Time", "Central Daylight Time", "CT", "Central Time"}
	usMountain = zoneNames{"MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time", "MT", "Mountain Time"}
	usPacific  = zoneNames{"PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time", "PT", "Pacific Time"}
	europeEET  = zoneNames{"", "", "Eastern European Standard Time", "Eastern European Summer Time", "", "Eastern European Time"}
	europeWET  = zoneNames{"", "", "Western European Standard Time", "Western European Summer Time", "", "Western European Time"}
	ausEastern = zoneNames{"", "", "Australian Eastern Standard Time", "Australian Eastern Daylight Time", "", "Australian Eastern Time"}
)

// europeCET names a zone of Central European time in country.
func europeCET(country string) zoneNames {
	return zoneNames{"", "", "Central European Standard Time", "Central European Summer Time", country + " Time", "Central European Time"}
}

var zoneNameTable = map[string]zoneNames{
	"America/New_York": usEastern, "America/Detroit": usEastern, "America/Indiana/Indianapolis": usEastern,
	"America/Kentucky/Louisville": usEastern, "America/Toronto": usEastern,
	"America/Chicago": usCentral, "America/Winnipeg": usCentral,
	"America/Denver": usMountain, "America/Edmonton": usMountain, "America/Boise": usMountain,
	"America/Phoenix":     {"MST", "MST", "Mountain Standard Time", "Mountain Standard Time", "MST", "Mountain Standard Time"},
	"America/Los_Angeles": usPacific, "America/Vancouver": usPacific,
	"America/Anchorage": {"AKST", "AKDT", "Alaska Standard Time", "Alaska Daylight Time", "AKT", "Alaska Time"},
	"Pacific/Honolulu":  {"HST", "HST", "Hawaii-Aleutian Standard Time", "Hawaii-Aleutian Standard Time", "HST", "Hawaii-Aleutian Standard Time"},
	"Europe/London":     {"GMT", "", "Greenwich Mean Time", "British Summer Time", "United Kingdom Time", "United Kingdom Time"},
	"Europe/Paris":      europeCET("France"), "Europe/Berlin": europeCET("Germany"), "Europe/Madrid": europeCET("Spain"),
	"Europe/Rome": europeCET("Italy"), "Europe/Amsterdam": europeCET("Netherlands"), "Europe/Brussels": europeCET("Belgium"),
	"Europe/Vienna": europeCET("Austria"), "Europe/Zurich": europeCET("Switzerland"), "Europe/Stockholm": europeCET("Sweden"),
	"Europe/Oslo": europeCET("Norway"), "Europe/Copenhagen": europeCET("Denmark"), "Europe/Warsaw": europeCET("Poland"),
	"Europe/Prague": europeCET("Czechia"), "Europe/Budapest": europeCET("Hungary"), "Europe/Belgrade": europeCET("Serbia"),
	"Europe/Athens": europeEET, "Europe/Helsinki": europeEET, "Europe/Kiev": europeEET, "Europe/Bucharest": europeEET,
	"Europe/Lisbon":    europeWET,
	"Europe/Moscow":    {"", "", "Moscow Standard Time", "Moscow Summer Time", "", "Moscow Time"},
	"Asia/Tokyo":       {"", "", "Japan Standard Time", "Japan Daylight Time", "", "Japan Time"},
	"Asia/Shanghai":    {"", "", "China Standard Time", "China Daylight Time", "", "China Standard Time"},
	"Asia/Calcutta":    {"", "", "India Standard Time", "India Standard Time", "", "India Standard Time"},
	"Asia/Singapore":   {"", "", "Singapore Standard Time", "Singapore Standard Time", "", "Singapore Standard Time"},
	"Asia/Hong_Kong":   {"", "", "Hong Kong Standard Time", "Hong Kong Summer Time", "", "Hong Kong Time"},
	"Asia/Dubai":       {"", "", "Gulf Standard Time", "Gulf Standard Time", "", "Gulf Standard Time"},
	"Asia/Seoul":       {"", "", "Korean Standard Time", "Korean Daylight Time", "", "Korean Time"},
	"Australia/Sydney": ausEastern, "Australia/Melbourne": ausEastern,
	"America/Sao_Paulo": {"", "", "Brasilia Standard Time", "Brasilia Summer Time", "", "Brasilia Standard Time"},
}

// zoneName is t's time zone name in style (a timeZoneName option value).
func zoneName(t time.Time, zone, style string) string {
	_, off := t.Zone()
	if zone == "UTC" {
		switch style {
		case "short":
			return "UTC"
		case "long":
			return "Coordinated Universal Time"
		case "shortOffset", "shortGeneric":
			return "GMT+0"
		}
		return "GMT+00:00"
	}
	names, known := zoneNameTable[zone]
	dst := t.IsDST()
	pick := func(std, daylight string) string {
		if dst {
			return daylight
		}
		return std
	}
	switch style {
	case "short":
		if s := pick(names.shortStd, names.shortDST); s != "" {
			return s
		}
		return gmtOffset(off, false, true)
	case "long":
		if s := pick(names.longStd, names.longDST); s != "" {
			return s
		}
		return gmtOffset(off, true, true)
	case "shortOffset":
		return gmtOffset(off, false, false)
	case "longOffset":
		return gmtOffset(off, true, false)
	case "shortGeneric":
		if known && names.shortGeneric != "" {
			return names.shortGeneric
		}
		return gmtOffset(off, false, true)
	}
	if known && names.longGeneric != "" {
		return names.longGeneric
	}
	return gmtOffset(off, true, true)
}

// gmtOffset writes an offset as ICU's localized GMT format: "GMT+5:30",
// "GMT-5" (short) or "GMT+05:30" (long). A zero offset is "GMT" where a
// name stands in for a missing one, else "GMT+0" / "GMT+00:00".
func gmtOffset(off int, long, asName bool) string {
	if off == 0 && asName {
		return "GMT"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	if long {
		return "GMT" + sign + pad(h, 2) + ":" + pad(m, 2)
	}
	s := "GMT" + sign + strconv.Itoa(h)
	if m != 0 {
		s += ":" + pad(m, 2)
	}
	return s
}
