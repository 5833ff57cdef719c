package jsruntime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

func newRuntime(t testing.TB) *jsruntime.Runtime {
	t.Helper()
	return jsruntime.New(jsruntime.Env{
		Now:    func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) },
		Random: func() float64 { return 0.25 },
	})
}

// eval runs src in a fresh runtime and returns String() of its value.
func eval(t *testing.T, src string) string {
	t.Helper()
	v, err := newRuntime(t).VM.RunString(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v.String()
}

func TestGlobals(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		// TextEncoder / TextDecoder
		{`typeof TextEncoder + typeof TextDecoder`, "functionfunction"},
		{`Array.from(new TextEncoder().encode('hé€')).join()`, "104,195,169,226,130,172"},
		{`new TextEncoder().encode('x') instanceof Uint8Array`, "true"},
		{`new TextEncoder().encoding`, "utf-8"},
		{`new TextDecoder().decode(new TextEncoder().encode('héllo 😀'))`, "héllo 😀"},
		{`new TextDecoder().decode(new Uint8Array([0xEF,0xBB,0xBF,0x61]).buffer)`, "a"},
		{`new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xEF,0xBB,0xBF,0x61])).length`, "2"},
		{`new TextDecoder().decode(new Uint8Array([0x61, 0xff]))`, "a\uFFFD"},
		{`try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { e.name + ': ' + e.message }`, "TypeError: The encoded data was not valid for encoding utf-8"},
		{`new TextDecoder('utf-16le').decode(new Uint8Array([0x61, 0, 0x62, 0]))`, "ab"},
		{`new TextDecoder().decode(new Uint8Array([0x20, 0x61, 0x62]).subarray(1))`, "ab"},
		{`try { new TextDecoder('koi8-r') } catch (e) { e.name + ': ' + e.message }`, `RangeError: The "koi8-r" encoding is not supported`},
		{`const u = new Uint8Array(4); JSON.stringify(new TextEncoder().encodeInto('hé!', u)) + Array.from(u).join()`, `{"read":3,"written":4}104,195,169,33`},
		{`Object.prototype.toString.call(new TextEncoder())`, "[object TextEncoder]"},

		// URL / URLSearchParams
		{`new URL('HTTPS://User:pw@Example.COM:443/a/../b/./c?x=1 2#frag').href`, "https://User:pw@example.com/b/c?x=1%202#frag"},
		{`const u = new URL('http://example.com:8080/p?q=1#h'); [u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin].join('|')`, "http:|example.com:8080|example.com|8080|/p|?q=1|#h|http://example.com:8080"},
		{`new URL('../x?y=2', 'https://a.com/b/c/d').href`, "https://a.com/b/x?y=2"},
		{`new URL('https://a.com').pathname`, "/"},
		{`try { new URL('not a url') } catch (e) { [e.name, e.message, e.code, e.input].join('|') }`, "TypeError|Invalid URL|ERR_INVALID_URL|not a url"},
		{`URL.canParse('/x') + ' ' + URL.canParse('/x', 'http://h') + ' ' + URL.parse('nope')`, "false true null"},
		{`const u = new URL('http://h/p?a=1&b=2'); u.searchParams.append('c', 'x y'); u.searchParams.delete('a'); u.href`, "http://h/p?b=2&c=x+y"},
		{`const u = new URL('http://h/p?a=1'); u.search = 'z=9'; u.searchParams.get('z') + ' ' + u.href`, "9 http://h/p?z=9"},
		{`const u = new URL('http://h/p'); u.pathname = 'q/r'; u.hash = 'k'; u.port = '81'; u.href`, "http://h:81/q/r#k"},
		{`JSON.stringify({ u: new URL('http://h/') })`, `{"u":"http://h/"}`},
		{`new URL('mailto:someone@example.com').pathname`, "someone@example.com"},
		{`const p = new URLSearchParams('?a=1&b=%20x+y&a=3'); [p.get('a'), p.getAll('a').join(), p.get('b'), p.has('b'), p.size, String(p.get('zz'))].join('|')`, "1|1,3| x y|true|3|null"},
		{`const p = new URLSearchParams({ b: 2, a: 'é&=' }); p.sort(); p.toString()`, "a=%C3%A9%26%3D&b=2"},
		{`const p = new URLSearchParams([['x', '1'], ['y', '2']]); p.set('x', '3'); [...p].join(';') + ' ' + [...p.keys()].join()`, "x,3;y,2 x,y"},
		{`new URLSearchParams('a=*-._~!').toString()`, "a=*-._%7E%21"},

		// AbortController / AbortSignal
		{`const c = new AbortController(); const seen = []; c.signal.addEventListener('abort', (e) => seen.push(e.type)); c.signal.onabort = () => seen.push('on'); c.abort('why'); c.abort('again'); [c.signal.aborted, c.signal.reason, seen.join()].join('|')`, "true|why|on,abort"},
		{`const c = new AbortController(); c.abort(); [c.signal.reason.name, c.signal.reason.message].join('|')`, "AbortError|This operation was aborted"},
		{`try { new AbortSignal() } catch (e) { e.name + ': ' + e.message }`, "TypeError: Illegal constructor"},
		{`const s = AbortSignal.abort(1); try { s.throwIfAborted() } catch (e) { 'threw ' + e }`, "threw 1"},
		{`const c = new AbortController(); const s = AbortSignal.any([c.signal]); c.abort('r'); s.aborted + ' ' + s.reason + ' ' + (s instanceof AbortSignal)`, "true r true"},
		{`try { AbortSignal.timeout(10) } catch (e) { e.message.includes('CancellationScope.withTimeout') }`, "true"},

		// Symbol.dispose and Error.captureStackTrace, as the bundler rewrites them
		{`typeof __tsw_dispose + ' ' + String(__tsw_asyncDispose) + ' ' + (__tsw_dispose === Symbol.for('Symbol.dispose'))`, "symbol Symbol(Symbol.asyncDispose) true"},
		{`const o = { name: 'E', message: 'm' }; __tsw_captureStackTrace(o); o.stack.split('\n')[0]`, "E: m"},
		{`function f() { const o = new Error('x'); __tsw_captureStackTrace(o, f); return o.stack } f().split('\n')[0]`, "Error: x"},

		// queueMicrotask; no crypto, as in the TypeScript SDK's sandbox
		{`typeof queueMicrotask`, "function"},
		{`typeof crypto + ' ' + ('crypto' in globalThis)`, "undefined false"},
		{`try { crypto.randomUUID() } catch (e) { e.name + ': ' + e.message }`, "ReferenceError: crypto is not defined"},

		// Math.random draws from the run's source
		{`Math.random()`, "0.25"},

		// assert, as the TypeScript SDK's sandbox has it
		{`assert(true); assert.strictEqual(1, 1); assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }); 'ok'`, "ok"},
		{`try { assert(false, 'boom') } catch (e) { [e.name, e.message, e.code, e instanceof assert.AssertionError, e instanceof Error].join('|') }`, "AssertionError|boom|ERR_ASSERTION|true|true"},
		{`try { assert.strictEqual(1, 2) } catch (e) { e.message }`, "Expected values to be strictly equal:\n\n1 !== 2\n"},
		{`try { assert.deepStrictEqual({ a: 1 }, { a: '1' }) } catch (e) { e.operator }`, "deepStrictEqual"},
		{`assert.deepEqual({ a: 1 }, { a: '1' }); assert.throws(() => { throw new TypeError('x') }, TypeError); assert.throws(() => { throw new Error('abc') }, /b/); 'ok'`, "ok"},
		{`try { assert.strict.equal(1, '1') } catch (e) { e.operator }`, "strictEqual"},

		// Intl: en-US numbers and collation, a clear error for the rest
		{`new Intl.NumberFormat().format(1234567.891) + ' ' + new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(-5)`, "1,234,567.891 -5.00"},
		{`new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1234.5) + ' ' + new Intl.NumberFormat(undefined, { style: 'percent' }).format(0.256)`, "$1,234.50 26%"},
		{`new Intl.NumberFormat('en', { maximumFractionDigits: 0, useGrouping: false }).format(12345.6)`, "12346"},
		{`['b', 'a', 'C'].sort(new Intl.Collator().compare).join()`, "a,b,C"},
		{`try { new Intl.NumberFormat('de-DE') } catch (e) { e.name + ': ' + e.message.split(' (')[0] }`, `RangeError: Intl.NumberFormat for locale "de-DE" is not available in tsworker's workflow sandbox`},
		{`try { new Intl.DateTimeFormat('fr-FR') } catch (e) { e.name + ': ' + e.message.split(' (')[0] }`, `RangeError: Intl.DateTimeFormat for locale "fr-FR" is not available in tsworker's workflow sandbox`},
		{`try { new Intl.PluralRules() } catch (e) { e.name + ': ' + e.message.split(' (')[0] }`, `RangeError: Intl.PluralRules is not available in tsworker's workflow sandbox`},
		{`new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/New_York' }).format(0)`, "Dec 31, 1969, 7:00 PM"},
		{`typeof (1234.5).toLocaleString() + typeof new Date(0).toLocaleString()`, "stringstring"},

		// Globals are ordinary, writable, non-enumerable properties once made.
		{`'URL' in globalThis`, "true"},
		{`Object.keys(globalThis).includes('URL')`, "false"},
		{`globalThis.URL = 5; URL`, "5"},
		{`typeof Intl2`, "undefined"},
		{`Object.getOwnPropertyDescriptor(globalThis, 'TextEncoder') === undefined && typeof TextEncoder === 'function' && Object.getOwnPropertyDescriptor(globalThis, 'TextEncoder').writable`, "true"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			if got := eval(t, tc.src); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWeakRefIsADeterminismViolation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   jsruntime.Env
		src   string
		want  string
		class string
	}{
		{name: "WeakRef", src: `new WeakRef({})`, want: "WeakRef cannot be used in Workflows because v8 GC is non-deterministic", class: "DeterminismViolationError"},
		{name: "FinalizationRegistry", src: `new FinalizationRegistry(() => {})`, want: "FinalizationRegistry cannot be used in Workflows because v8 GC is non-deterministic", class: "DeterminismViolationError"},
		{name: "called", src: `WeakRef()`, want: "WeakRef cannot be used", class: "DeterminismViolationError"},
		{
			name: "module class",
			env: jsruntime.Env{NewError: func(class, msg string) goja.Value {
				return nil // the module has no such class: the fallback
			}},
			src: `new WeakRef({})`, want: "WeakRef cannot be used", class: "DeterminismViolationError",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := jsruntime.New(tc.env)
			if v, err := rt.VM.RunString(`typeof WeakRef + typeof FinalizationRegistry`); err != nil || v.String() != "functionfunction" {
				t.Fatalf("typeof: %v %v", v, err)
			}
			_, err := rt.VM.RunString(tc.src)
			var ex *goja.Exception
			if !asException(err, &ex) {
				t.Fatalf("got %v, want a JS exception", err)
			}
			obj := ex.Value().ToObject(rt.VM)
			if name := obj.Get("name").String(); name != tc.class || !strings.Contains(obj.Get("message").String(), tc.want) {
				t.Fatalf("got %s: %s", name, obj.Get("message"))
			}
		})
	}
	// With the module's class, the thrown error is an instance of it.
	var rt *jsruntime.Runtime
	rt = jsruntime.New(jsruntime.Env{NewError: func(class, msg string) goja.Value {
		ctor, _ := goja.AssertConstructor(rt.VM.Get("MyDVE"))
		v, _ := ctor(nil, rt.VM.ToValue(msg))
		return v
	}})
	v, err := rt.VM.RunString(`class MyDVE extends Error {}; globalThis.MyDVE = MyDVE; try { new WeakRef({}) } catch (e) { e instanceof MyDVE }`)
	if err != nil || v.String() != "true" {
		t.Fatalf("got %v %v", v, err)
	}
}

func asException(err error, ex **goja.Exception) bool {
	e, ok := err.(*goja.Exception)
	*ex = e
	return ok
}

func TestGlobalsAreLazy(t *testing.T) {
	rt := newRuntime(t)
	// Nothing is made before the first touch: the names are not own
	// properties of the global object.
	for _, name := range []string{"TextEncoder", "URL", "AbortController", "assert", "WeakRef"} {
		if v, _ := rt.VM.RunString(`Object.getOwnPropertyDescriptor(globalThis, '` + name + `') === undefined`); !v.ToBoolean() {
			t.Errorf("%s is made before it is used", name)
		}
	}
}

func TestMathRandomWithoutSourceThrows(t *testing.T) {
	rt := jsruntime.New(jsruntime.Env{})
	v, err := rt.VM.RunString(`try { Math.random(); 'drew' } catch (e) { e.name }`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "TypeError" {
		t.Fatalf("Math.random without a source: got %s, want a TypeError", v)
	}
}

func TestQueueMicrotaskRunsAfterTheJob(t *testing.T) {
	got := eval(t, `const out = []; queueMicrotask(() => out.push('micro')); out.push('sync'); Promise.resolve().then(() => out.push('then')); globalThis.out = out; ''`)
	_ = got
	rt := newRuntime(t)
	if _, err := rt.VM.RunString(`globalThis.out = []; queueMicrotask(() => out.push('micro')); out.push('sync')`); err != nil {
		t.Fatal(err)
	}
	if v, _ := rt.VM.RunString(`out.join()`); v.String() != "sync,micro" {
		t.Fatalf("got %s", v)
	}
	if _, err := rt.VM.RunString(`queueMicrotask(1)`); err == nil || !strings.Contains(err.Error(), `"callback" argument must be of type function`) {
		t.Fatalf("got %v", err)
	}
}

func TestWorkflowNames(t *testing.T) {
	rt := newRuntime(t)
	v, err := rt.VM.RunString(`({
		a: async function a() {}, b: () => 1, Klass: class Klass {}, Sub: class extends Error {},
		interceptors: () => ({}), default: function () {}, value: 3, c: function c() {},
	})`)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rt.WorkflowNames(v.ToObject(rt.VM)), ",")
	if got != "a,b,c" {
		t.Fatalf("got %s, want a,b,c", got)
	}
}
