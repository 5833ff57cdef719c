package jsruntime

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/dop251/goja"
)

// goja reads the Unicode property escapes of a /u regular expression
// (\p{L}, \p{Script=Greek}, \P{...}) as the letter p, so such a pattern
// silently never matches. The bundler makes esbuild write those regular
// expression literals as `new RegExp(source, flags)` calls and points them,
// and every other use of RegExp, to the global NameRegExp, which rewrites
// each property escape into the explicit character class of its code points
// before goja compiles the pattern.

// newRegExp makes the global NameRegExp: RegExp, with Unicode property
// escapes expanded. Its instances are RegExp instances.
func (r *Runtime) newRegExp(g *lazyGlobals) goja.Value {
	return r.webBuild("RegExp", r.VM.Get("RegExp"))
}

// hostExpandRegExp(source, flags) returns source with its property escapes
// expanded; an unknown property throws a SyntaxError as V8 does.
func (r *Runtime) hostExpandRegExp(c goja.FunctionCall) goja.Value {
	src := c.Argument(0).String()
	out, err := ExpandUnicodeProperties(src)
	if err != nil {
		panic(r.newSyntaxError(fmt.Sprintf("Invalid regular expression: /%s/%s: %v", src, c.Argument(1).String(), err)))
	}
	return r.VM.ToValue(out)
}

func (r *Runtime) newSyntaxError(msg string) goja.Value {
	ctor, _ := goja.AssertConstructor(r.VM.Get("SyntaxError"))
	if ctor == nil {
		return r.VM.NewTypeError(msg)
	}
	e, err := ctor(nil, r.VM.ToValue(msg))
	if err != nil {
		return r.VM.NewTypeError(msg)
	}
	return e
}

// ExpandUnicodeProperties rewrites the Unicode property escapes of a
// regular expression source (as written for the u flag) into explicit
// character classes: \p{Lu} becomes [\u{41}-\u{5a}...], \P{...} its
// complement. Other text is kept as it is. An unknown property name is an
// error.
func ExpandUnicodeProperties(src string) (string, error) {
	if !strings.Contains(src, `\p{`) && !strings.Contains(src, `\P{`) {
		return src, nil
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && (src[i+1] == 'p' || src[i+1] == 'P') && i+2 < len(src) && src[i+2] == '{':
			end := strings.IndexByte(src[i+3:], '}')
			if end < 0 {
				return "", fmt.Errorf("Invalid property name")
			}
			name := src[i+3 : i+3+end]
			ranges, err := propertyRanges(name)
			if err != nil {
				return "", err
			}
			if src[i+1] == 'P' {
				ranges = complement(ranges)
			}
			if !inClass {
				b.WriteByte('[')
			}
			writeRanges(&b, ranges)
			if !inClass {
				b.WriteByte(']')
			}
			i += 3 + end
		case c == '\\' && i+1 < len(src):
			b.WriteByte(c)
			b.WriteByte(src[i+1])
			i++
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

type runeRange struct{ lo, hi rune }

func writeRanges(b *strings.Builder, rs []runeRange) {
	for _, r := range rs {
		fmt.Fprintf(b, `\u{%x}`, r.lo)
		if r.hi != r.lo {
			fmt.Fprintf(b, `-\u{%x}`, r.hi)
		}
	}
}

// generalCategories maps the long names (and aliases) of ECMAScript's
// General_Category values to the short ones Go's unicode package uses.
var generalCategories = map[string]string{
	"Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
	"Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M",
	"Combining_Mark": "M", "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me",
	"Number": "N", "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No",
	"Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
	"Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
	"Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm",
	"Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z",
	"Space_Separator": "Zs", "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Other": "C",
	"Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co",
	"Unassigned": "Cn",
}

// scriptAliases maps the four-letter script codes ECMAScript accepts to Go's
// script names, for the common scripts.
var scriptAliases = map[string]string{
	"Latn": "Latin", "Grek": "Greek", "Cyrl": "Cyrillic", "Hani": "Han", "Arab": "Arabic",
	"Hebr": "Hebrew", "Hira": "Hiragana", "Kana": "Katakana", "Hang": "Hangul", "Thai": "Thai",
	"Deva": "Devanagari", "Armn": "Armenian", "Geor": "Georgian", "Beng": "Bengali",
	"Taml": "Tamil", "Zyyy": "Common", "Zinh": "Inherited", "Qaai": "Inherited", "Ethi": "Ethiopic",
}

func propertyRanges(name string) ([]runeRange, error) {
	key, value, hasValue := strings.Cut(name, "=")
	if hasValue {
		switch key {
		case "General_Category", "gc":
			return categoryRanges(value)
		case "Script", "sc", "Script_Extensions", "scx":
			if alias, ok := scriptAliases[value]; ok {
				value = alias
			}
			t, ok := unicode.Scripts[value]
			if !ok {
				return nil, fmt.Errorf("Invalid property name")
			}
			return tableRanges(t), nil
		}
		return nil, fmt.Errorf("Invalid property name")
	}
	if rs, err := categoryRanges(name); err == nil {
		return rs, nil
	}
	switch name {
	case "Any":
		return []runeRange{{0, unicode.MaxRune}}, nil
	case "ASCII":
		return []runeRange{{0, 0x7f}}, nil
	case "Assigned":
		return complement(unassigned()), nil
	case "Alphabetic", "Alpha":
		return union(tableRanges(unicode.L), tableRanges(unicode.Nl), tableRanges(unicode.Other_Alphabetic)), nil
	case "Lowercase", "Lower":
		return union(tableRanges(unicode.Ll), tableRanges(unicode.Other_Lowercase)), nil
	case "Uppercase", "Upper":
		return union(tableRanges(unicode.Lu), tableRanges(unicode.Other_Uppercase)), nil
	}
	if t, ok := unicode.Properties[name]; ok {
		return tableRanges(t), nil
	}
	return nil, fmt.Errorf("Invalid property name (tsworker's sandbox knows the general categories, scripts and the binary properties of Go's unicode package)")
}

func categoryRanges(v string) ([]runeRange, error) {
	if long, ok := generalCategories[v]; ok {
		v = long
	}
	switch v {
	case "LC":
		return union(tableRanges(unicode.Lu), tableRanges(unicode.Ll), tableRanges(unicode.Lt)), nil
	case "Cn":
		return unassigned(), nil
	case "C":
		return union(tableRanges(unicode.C), unassigned()), nil
	}
	t, ok := unicode.Categories[v]
	if !ok {
		return nil, fmt.Errorf("Invalid property name")
	}
	return tableRanges(t), nil
}

// unassigned is the code points of no general category (Cn).
func unassigned() []runeRange {
	var all []runeRange
	for _, t := range unicode.Categories {
		all = append(all, tableRanges(t)...)
	}
	return complement(union(all))
}

func tableRanges(t *unicode.RangeTable) []runeRange {
	var out []runeRange
	add := func(lo, hi, stride rune) {
		if stride == 1 {
			out = append(out, runeRange{lo, hi})
			return
		}
		for c := lo; c <= hi; c += stride {
			out = append(out, runeRange{c, c})
		}
	}
	for _, r := range t.R16 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range t.R32 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	return union(out)
}

// union merges ranges into a sorted list of disjoint, non-adjacent ones.
func union(sets ...[]runeRange) []runeRange {
	var all []runeRange
	for _, s := range sets {
		all = append(all, s...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].lo < all[j].lo })
	var out []runeRange
	for _, r := range all {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			if r.hi > out[n-1].hi {
				out[n-1].hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func complement(rs []runeRange) []runeRange {
	var out []runeRange
	next := rune(0)
	for _, r := range rs {
		if r.lo > next {
			out = append(out, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, runeRange{next, unicode.MaxRune})
	}
	return out
}
