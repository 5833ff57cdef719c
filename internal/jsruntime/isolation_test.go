package jsruntime_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// isolationJS defines checks that hold while a runtime's built-ins,
// prototypes, function names, globals and lazy globals are pristine, and a
// taint function that changes everything they look at. The program is
// compiled once and run in every runtime, as a worker's bundle is.
const isolationJS = `
var isNative = function (f) {
  return typeof f === 'function' && Function.prototype.toString.call(f).indexOf('[native code]') >= 0;
};
function helper(a, b) { return a + b; }
function tag(strings) { return strings; }
function site() { return tag` + "`a${1}b`" + `; }
function re() { return /x+/g; }
var g = globalThis;
var checks = [
  ['Array.prototype.x', function () { return !('x' in Array.prototype); }],
  ['Object.prototype.polluted', function () { return ({}).polluted === undefined; }],
  ['Function.prototype.tainted', function () { return (function () {}).tainted === undefined; }],
  ['Math.random', function () { return isNative(Math.random); }],
  ['JSON.stringify', function () { return isNative(JSON.stringify); }],
  ['Promise.prototype.then', function () { return isNative(Promise.prototype.then); }],
  ['Date.now', function () { return isNative(Date.now); }],
  ['Error.prototype.toString', function () { return new Error('m').toString() === 'Error: m'; }],
  ['Array.prototype.map.name', function () { return Array.prototype.map.name === 'map'; }],
  ['Array.prototype.map.length', function () { return Array.prototype.map.length === 1; }],
  ['helper.name', function () { return helper.name === 'helper'; }],
  ['helper.length', function () { return helper.length === 2; }],
  ['globalThis.leaked', function () { return !('leaked' in g); }],
  // Template objects are frozen: a runtime cannot change its own, but one
  // shared between runtimes would have another runtime's prototype.
  ['template object', function () { var s = site(); return Object.getPrototypeOf(s) === Array.prototype && Object.getPrototypeOf(s.raw) === Array.prototype; }],
  ['regexp literal', function () { var r = re(); return r.lastIndex === 0 && isNative(r.exec) && Object.getPrototypeOf(r) === RegExp.prototype; }],
  ['console', function () { return console.tainted === undefined && isNative(console.log); }],
  ['TextEncoder', function () { return TextEncoder.prototype.tainted === undefined && TextEncoder.tainted === undefined; }],
  ['URL', function () { return URL.prototype.tainted === undefined; }],
  ['Intl', function () { return Intl.tainted === undefined; }],
  ['queueMicrotask', function () { return queueMicrotask.name === 'queueMicrotask'; }],
];
var exports = {
  probe: function () {
    var out = [];
    for (var i = 0; i < checks.length; i++) {
      var ok = false;
      try { ok = checks[i][1](); } catch (e) {}
      if (!ok) out.push(checks[i][0]);
    }
    return out;
  },
  total: checks.length,
  unchangeable: ['template object'],
  taint: function () {
    Array.prototype.x = 1;
    Object.prototype.polluted = 1;
    Object.defineProperty(Function.prototype, 'tainted', { value: 1, configurable: true });
    Math.random = function () { return 0.5; };
    JSON.stringify = function () { return 'tainted'; };
    Promise.prototype.then = function () { return this; };
    Date.now = function () { return 42; };
    Error.prototype.toString = function () { return 'tainted'; };
    Object.defineProperty(Array.prototype.map, 'name', { value: 'renamed' });
    Object.defineProperty(Array.prototype.map, 'length', { value: 7 });
    Object.defineProperty(helper, 'name', { value: 'renamed' });
    Object.defineProperty(helper, 'length', { value: 7 });
    g.leaked = 1;
    re().lastIndex = 3;
    re().constructor.prototype.exec = function () { return null; };
    Object.setPrototypeOf(re(), null);
    console.tainted = 1;
    TextEncoder.prototype.tainted = 1;
    TextEncoder.tainted = 1;
    URL.prototype.tainted = 1;
    Intl.tainted = 1;
    Object.defineProperty(queueMicrotask, 'name', { value: 'renamed' });
  },
};
`

// TestRuntimeIsolation checks that one runtime's changes to built-ins,
// prototypes, function names and lengths, globals, lazy globals and the
// objects a shared program makes (template objects, regular expressions)
// are invisible to another runtime of the same program, made before or
// after the changes.
func TestRuntimeIsolation(t *testing.T) {
	p, err := jsruntime.Compile("isolation.js", []byte(isolationJS))
	if err != nil {
		t.Fatal(err)
	}
	newRun := func() *goja.Object {
		r := jsruntime.New(jsruntime.Env{Now: time.Now, Random: func() float64 { return 0 }, Log: func(string, string) {}})
		exports, err := r.Run(p, "exports")
		if err != nil {
			t.Fatal(err)
		}
		return exports
	}
	call := func(exports *goja.Object, name string) goja.Value {
		t.Helper()
		fn, ok := goja.AssertFunction(exports.Get(name))
		if !ok {
			t.Fatalf("no function %s", name)
		}
		v, err := fn(goja.Undefined())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	probe := func(exports *goja.Object) []string {
		t.Helper()
		var out []string
		for _, v := range call(exports, "probe").Export().([]any) {
			out = append(out, v.(string))
		}
		return out
	}

	a, before := newRun(), newRun()
	total := int(a.Get("total").ToInteger())
	if got := probe(a); len(got) != 0 {
		t.Fatalf("a fresh runtime sees changed values: %v", got)
	}
	call(a, "taint")
	// Every change took in the runtime that made it, or its check proves
	// nothing.
	unchangeable := a.Get("unchangeable").Export().([]any)
	tainted := probe(a)
	if len(tainted)+len(unchangeable) != total {
		t.Fatalf("the tainted runtime sees %d of %d changes: %v", len(tainted), total-len(unchangeable), tainted)
	}
	after := newRun()
	for name, exports := range map[string]*goja.Object{"made before": before, "made after": after} {
		if got := probe(exports); len(got) != 0 {
			t.Errorf("a runtime %s the changes sees: %v", name, got)
		}
	}
	if got := probe(a); !slices.Equal(got, tainted) {
		t.Errorf("the tainted runtime lost changes: %v, then %v", tainted, got)
	}
}
