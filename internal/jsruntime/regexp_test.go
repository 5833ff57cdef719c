package jsruntime_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// TestUnicodePropertyEscapes compares with V8 (Node.js 20): each want is
// what Node prints for the same pattern, flags and input.
func TestUnicodePropertyEscapes(t *testing.T) {
	for _, tc := range []struct{ pattern, flags, input, want string }{
		{`\p{L}+`, "u", "héllo1", `"héllo"`},
		{`\p{Script=Greek}+`, "u", "abc αβγ", `"αβγ"`},
		{`\P{L}+`, "u", "ab12!c", `"12!"`},
		{`[\p{Lu}\d]+`, "u", "abCD12ef", `"CD12"`},
		{`[^\p{L}]+`, "u", "ab 12 c", `" 12 "`},
		{`\p{Lu}`, "iu", "x", `"x"`},
		{`\p{sc=Cyrl}`, "u", "Жx", `"Ж"`},
		{`\p{Letter}\p{Nd}`, "u", "a1", `"a1"`},
		{`\p{White_Space}`, "u", "a\u00a0b", `"\u00a0"`},
		{`\p{Alphabetic}+`, "u", "1ǅa", `"ǅa"`},
		{`\\p`, "u", `\p`, `"\\p"`},
		{`[\P{L}a]+`, "u", "bca1!b", `"a1!"`},
		{`\p{L}`, "gu", "a1b", `["a","b"]`},
		{`\p{Emoji_Presentation}|x`, "u", "x", ``}, // unknown to Go: an error, below
	} {
		t.Run(tc.pattern+"/"+tc.flags, func(t *testing.T) {
			p, _ := json.Marshal(tc.pattern)
			in, _ := json.Marshal(tc.input)
			src := `const re = new __tswR(` + string(p) + `, '` + tc.flags + `'); const s = ` + string(in) + `;
				JSON.stringify(re.global ? s.match(re) : (re.exec(s) || [null])[0])`
			v, err := newRuntime(t).VM.RunString(src)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), "SyntaxError: Invalid regular expression: /"+tc.pattern+"/u: Invalid property name") {
					t.Fatalf("got %v, %v; want a SyntaxError", v, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			_ = json.Unmarshal([]byte(v.String()), &got)
			_ = json.Unmarshal([]byte(tc.want), &want)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Fatalf("got %s, want %s", g, w)
			}
		})
	}
}

func TestRegExpStaysARegExp(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`new __tswR('\\p{L}', 'u') instanceof RegExp && new __tswR('a') instanceof __tswR`, "true"},
		{`/a/ instanceof __tswR && /a/.constructor === __tswR`, "true"},
		{`__tswR('a+', 'g').flags + __tswR.prototype.flags.length`, "g0"},
		{`class R extends __tswR {}; const r = new R('\\p{Lu}', 'u'); (r instanceof R) + ' ' + r.test('A')`, "true true"},
		{`'a-b_c'.split(new __tswR('[-_]')).join()`, "a,b,c"},
		{`'x1y2'.replace(new __tswR('\\p{Nd}', 'gu'), '#')`, "x#y#"},
		{`new __tswR('\\p{L}').test('p{L}')`, "true"}, // without u, \p is the letter p
	} {
		t.Run(tc.src, func(t *testing.T) {
			if got := eval(t, tc.src); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExpandUnicodePropertiesKeepsOtherText(t *testing.T) {
	for _, src := range []string{`abc`, `\d+\.\w`, `[a-z]\]`, `\\p{L}`} {
		got, err := jsruntime.ExpandUnicodeProperties(src)
		if err != nil || got != src {
			t.Errorf("%s: got %q, %v", src, got, err)
		}
	}
	if _, err := jsruntime.ExpandUnicodeProperties(`\p{Script=Klingon}`); err == nil {
		t.Error("an unknown script is not an error")
	}
}
