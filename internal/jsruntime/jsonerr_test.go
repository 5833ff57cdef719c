package jsruntime_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// v8JSONErrors are JSON texts and the message of the SyntaxError
// JSON.parse throws for them in Node.js 20 (measured on v20.20.2 with
// node -e); "OK" when the text parses.
var v8JSONErrors = []struct{ text, msg string }{
	{"{not json", "Expected property name or '}' in JSON at position 1"},
	{"nope", "Unexpected token 'o', \"nope\" is not valid JSON"},
	{"", "Unexpected end of JSON input"},
	{" ", "Unexpected end of JSON input"},
	{"{", "Expected property name or '}' in JSON at position 1"},
	{"[", "Unexpected end of JSON input"},
	{"[1,]", "Unexpected token ']', \"[1,]\" is not valid JSON"},
	{"[1 2]", "Expected ',' or ']' after array element in JSON at position 3"},
	{"{\"a\" 1}", "Expected ':' after property name in JSON at position 5"},
	{"{\"a\":1 \"b\":2}", "Expected ',' or '}' after property value in JSON at position 7"},
	{"{\"a\":1,}", "Expected double-quoted property name in JSON at position 7"},
	{"{a:1}", "Expected property name or '}' in JSON at position 1"},
	{"tru", "Unexpected end of JSON input"},
	{"trux", "Unexpected token 'x', \"trux\" is not valid JSON"},
	{"nulll", "Unexpected non-whitespace character after JSON at position 4"},
	{"01", "Unexpected number in JSON at position 1"},
	{"-01", "Unexpected number in JSON at position 2"},
	{"-", "No number after minus sign in JSON at position 1"},
	{"-a", "No number after minus sign in JSON at position 1"},
	{"[-]", "No number after minus sign in JSON at position 2"},
	{"1.", "Unterminated fractional number in JSON at position 2"},
	{"1.e3", "Unterminated fractional number in JSON at position 2"},
	{"1e", "Exponent part is missing a number in JSON at position 2"},
	{"1e+", "Exponent part is missing a number in JSON at position 3"},
	{"1ex", "Exponent part is missing a number in JSON at position 2"},
	{"\"abc", "Unterminated string in JSON at position 4"},
	{"\"a\\x\"", "Bad escaped character in JSON at position 3"},
	{"\"a\\u12g4\"", "Bad Unicode escape in JSON at position 6"},
	{"\"\\u", "Bad Unicode escape in JSON at position 3"},
	{"\"a\\", "Unexpected end of JSON input"},
	{"\"a\nb\"", "Bad control character in string literal in JSON at position 2"},
	{"\"\u0000\"", "Bad control character in string literal in JSON at position 1"},
	{"[1]]", "Unexpected non-whitespace character after JSON at position 3"},
	{"undefined", "\"undefined\" is not valid JSON"},
	{"NaN", "\"NaN\" is not valid JSON"},
	{"Infinity", "\"Infinity\" is not valid JSON"},
	{"[object Object]", "\"[object Object]\" is not valid JSON"},
	{"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, x]", "Unexpected token 'x', ...\"8, 9, 10, x]\" is not valid JSON"},
	{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "Unexpected token 'x', \"xxxxxxxxxx\"... is not valid JSON"},
	{"{\"k\":\"vvvvvvvvvvvvvvvvvvvvvvvvvvv\",\"z\":q,\"zzzzzzzzzzzzzzzzzzzzz\":1}", "Unexpected token 'q', ...\"vvvv\",\"z\":q,\"zzzzzzz\"... is not valid JSON"},
	{"{\"é\": x}", "Unexpected token 'x', \"{\"é\": x}\" is not valid JSON"},
	// V8's context cuts a surrogate pair: the lone half is U+FFFD in UTF-8.
	{"[\"😀😀😀😀😀😀😀😀\", y]", "Unexpected token 'y', ...\"\ufffd😀😀😀\", y]\" is not valid JSON"},
	{" ", "Unexpected token ' ', \" \" is not valid JSON"},
	{"'a'", "Unexpected token ''', \"'a'\" is not valid JSON"},
	{"{\"a\":}", "Unexpected token '}', \"{\"a\":}\" is not valid JSON"},
	{"[,1]", "Unexpected token ',', \"[,1]\" is not valid JSON"},
	{"[\"a\"", "Expected ',' or ']' after array element in JSON at position 4"},
	{"{\"a\":1", "Expected ',' or '}' after property value in JSON at position 6"},
	{"{\"a\":", "Unexpected end of JSON input"},
	{"0x10", "Unexpected non-whitespace character after JSON at position 1"},
	{".5", "Unexpected token '.', \".5\" is not valid JSON"},
	{"\t\n{x", "Expected property name or '}' in JSON at position 3"},
	{"{\"a\":tru}", "Unexpected token '}', \"{\"a\":tru}\" is not valid JSON"},
	{"{\"a\\u0041\":1,\"b\":[tru,1]}", "Unexpected token ',', ...\"1,\"b\":[tru,1]}\" is not valid JSON"},
	{`{"a":[1,{"b":null}],"c":"\u00e9\n"}`, "OK"},
	{" 1 ", "OK"},
}

func TestJSONParseErrorsAsV8(t *testing.T) {
	r := jsruntime.New(jsruntime.Env{Now: time.Now})
	parse := func(text string) (msg string, syntaxError bool) {
		t.Helper()
		_ = r.VM.Set("text", text)
		v, err := r.VM.RunString(bundled(`(() => { try { JSON.parse(text); return ["OK", true] } catch (e) { return [e.message, e instanceof SyntaxError] } })()`))
		if err != nil {
			t.Fatal(err)
		}
		out := v.Export().([]any)
		return out[0].(string), out[1].(bool)
	}
	for _, tc := range v8JSONErrors {
		msg, isSyntax := parse(tc.text)
		if msg != tc.msg || !isSyntax {
			t.Errorf("JSON.parse(%q): %q (SyntaxError %v), want %q as V8", tc.text, msg, isSyntax, tc.msg)
		}
	}
}

func TestJSONParseWrapper(t *testing.T) {
	r := jsruntime.New(jsruntime.Env{Now: time.Now})
	for _, tc := range []struct{ src, want string }{
		{`JSON.parse.name + JSON.parse.length`, "parse2"},
		{`JSON.parse('{"a":1,"b":[2]}', (k, v) => typeof v === 'number' ? v * 10 : v).b[0]`, "20"},
		// An error of the reviver passes through as it is.
		{`try { JSON.parse('[1]', () => { throw new RangeError('r') }) } catch (e) { e.name + ': ' + e.message }`, "RangeError: r"},
		{`try { JSON.parse(undefined) } catch (e) { e.message }`, `"undefined" is not valid JSON`},
		{`try { JSON.parse({}) } catch (e) { e.message }`, `"[object Object]" is not valid JSON`},
		{`try { JSON.parse('{x') } catch (e) { e.stack.split('\n')[0] }`, "SyntaxError: Expected property name or '}' in JSON at position 1"},
	} {
		v, err := r.VM.RunString(bundled(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := v.String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
	}
	// The bundler's JSON is the global object's, whose parse is the wrapper
	// from then on.
	src := jsruntime.NameJSON + ` === JSON && ` + jsruntime.NameJSON + `.parse === JSON.parse && JSON.parse.name === "parse"`
	if v, err := r.VM.RunString(src); err != nil || !v.ToBoolean() {
		t.Errorf("%s = %v (%v), want true", src, v, err)
	}
}

func TestFromPayloadJSONErrorAsV8(t *testing.T) {
	r := jsruntime.New(jsruntime.Env{Now: time.Now})
	_, err := r.FromPayload(&commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte("{not json")})
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		t.Fatalf("decoding malformed JSON: %v, want a JS exception", err)
	}
	const want = "SyntaxError: Expected property name or '}' in JSON at position 1"
	if got := ex.Value().String(); got != want {
		t.Errorf("decoding malformed JSON threw %q, want %q", got, want)
	}
}

// bundled rewrites src's JSON as the bundler does (jsruntime.BundleDefines).
func bundled(src string) string {
	return strings.ReplaceAll(src, "JSON.", jsruntime.NameJSON+".")
}
