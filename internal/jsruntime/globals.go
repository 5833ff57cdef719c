package jsruntime

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/dop251/goja"
)

// The sandbox's web globals (TextEncoder, URL, AbortController, Intl, ...)
// are made on first touch, because a cached run keeps its VM and every JS
// function object costs about a kilobyte. They are served by one host object
// that is the prototype of the global object: a name the global object does
// not hold itself is looked up there, and the first lookup builds the value
// and defines it on the global object, so later lookups never reach the host
// object again. A run that touches none of them pays for that one object.
//
// WeakRef and FinalizationRegistry are removed from the global object when
// the runtime is made and come back the same way, as constructors that
// throw. Additions to built-ins (Symbol.dispose, Error.captureStackTrace, a
// RegExp that reads Unicode property escapes) are globals of their own that
// the bundler rewrites code to use (BundleDefines).

// lazyGlobals is the DynamicObject behind the global object's prototype.
type lazyGlobals struct {
	r *Runtime
	// building guards against a builder that touches its own name.
	building string
}

// globalBuilders make each lazy global. A builder returns the value to
// define on the global object.
var globalBuilders = map[string]func(r *Runtime, g *lazyGlobals) goja.Value{
	"TextEncoder":          webClass("TextEncoder"),
	"TextDecoder":          webClass("TextDecoder"),
	"URL":                  webClass("URL"),
	"URLSearchParams":      webClass("URLSearchParams"),
	"AbortController":      webClass("AbortController"),
	"AbortSignal":          webClass("AbortSignal"),
	"assert":               webClass("assert"),
	"queueMicrotask":       webClass("queueMicrotask"),
	"Intl":                 (*Runtime).newIntl,
	"WeakRef":              webClass("WeakRef"),
	"FinalizationRegistry": webClass("FinalizationRegistry"),
	NameDispose:            wellKnownSymbol("Symbol.dispose"),
	NameAsyncDispose:       wellKnownSymbol("Symbol.asyncDispose"),
	NameCaptureStackTrace:  webClass("captureStackTrace"),
	NameRegExp:             (*Runtime).newRegExp,
	NameJSON:               (*Runtime).jsonWithParse,
}

// Names of the globals that stand in for what goja lacks. The bundler
// rewrites the expressions of BundleDefines to them, so that a run pays for
// them only if its code uses them: patching the built-ins themselves when a
// runtime is made would cost every run (removing RegExp or Symbol from the
// global object materializes them: 8 to 16 KB).
const (
	NameDispose           = "__tsw_dispose"
	NameAsyncDispose      = "__tsw_asyncDispose"
	NameCaptureStackTrace = "__tsw_captureStackTrace"
	// NameRegExp is as long as "RegExp", so that rewriting the regular
	// expressions esbuild lowers to `new RegExp(...)` keeps the bundle's
	// columns, and its source map, right.
	NameRegExp = "__tswR"
	// NameJSON is the global object's JSON, with JSON.parse's syntax
	// errors worded as V8's (see jsonerr.go), made so on first touch:
	// materializing JSON costs every run about 3 KB.
	NameJSON = "__tswJSON"
)

// BundleDefines are the expressions the bundler replaces (esbuild's
// define) by the globals above: Symbol.dispose and Symbol.asyncDispose
// (which goja lacks), Error.captureStackTrace (V8 only), RegExp (whose
// Unicode property escapes goja cannot read) and JSON (whose parse words
// its errors as V8 once the workflow code touches it).
var BundleDefines = map[string]string{
	"Symbol.dispose":          NameDispose,
	"Symbol.asyncDispose":     NameAsyncDispose,
	"Error.captureStackTrace": NameCaptureStackTrace,
	"RegExp":                  NameRegExp,
	"JSON":                    NameJSON,
}

// replacedBuiltins are the ECMAScript built-ins removed from the global
// object when a runtime is made; globalBuilders brings them back.
var replacedBuiltins = []string{"WeakRef", "FinalizationRegistry"}

// installLazyGlobals makes the global object's prototype a lazyGlobals.
func (r *Runtime) installLazyGlobals() {
	g := &lazyGlobals{r: r}
	global := r.VM.GlobalObject()
	for _, name := range replacedBuiltins {
		_ = global.Delete(name)
	}
	d := r.VM.NewDynamicObject(g)
	_ = global.SetPrototype(d)
}

// Get builds the global name on first touch and defines it on the global
// object; later lookups find it there.
func (g *lazyGlobals) Get(name string) goja.Value {
	build := globalBuilders[name]
	if build == nil || g.building == name {
		return nil
	}
	outer := g.building
	g.building = name
	v := build(g.r, g)
	g.building = outer
	if v == nil {
		return nil
	}
	// Writable and configurable, not enumerable: as the web platform
	// defines its globals.
	_ = g.r.VM.GlobalObject().DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	return v
}

// Set refuses: an assignment to a lazy name defines it on the global object
// (the host object is only ever reached as a prototype).
func (g *lazyGlobals) Set(string, goja.Value) bool { return false }

// Has reports the lazy names, so that typeof and `in` see them.
func (g *lazyGlobals) Has(name string) bool {
	_, ok := globalBuilders[name]
	return ok && g.building != name
}

// Delete refuses: a lazy name is deleted from the global object once made.
func (g *lazyGlobals) Delete(string) bool { return false }

// Keys lists nothing: the lazy names are not enumerable.
func (g *lazyGlobals) Keys() []string { return nil }

//go:embed web.js
var webSource string

// webProgram is the compiled web.js, shared read-only by every runtime.
var webProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("tsworker-globals.js", webSource, true)
})

// webClass returns the builder of one global made by web.js.
func webClass(name string) func(r *Runtime, g *lazyGlobals) goja.Value {
	return func(r *Runtime, g *lazyGlobals) goja.Value {
		return r.webBuild(name, nil)
	}
}

// webBuild makes one thing defined by web.js: web.js evaluates to a single
// function that builds what it is asked for, so that a run pays only for the
// globals it touches.
func (r *Runtime) webBuild(name string, orig goja.Value) goja.Value {
	if r.web == nil {
		prog, err := webProgram()
		if err != nil {
			panic(r.VM.NewGoError(fmt.Errorf("compile the sandbox's globals: %w", err)))
		}
		f, err := r.VM.RunProgram(prog)
		if err != nil {
			panic(err)
		}
		fn, ok := goja.AssertFunction(f)
		if !ok {
			panic(r.VM.NewTypeError("tsworker-globals.js does not evaluate to a function"))
		}
		r.web = fn
	}
	if orig == nil {
		orig = goja.Undefined()
	}
	v, err := r.web(goja.Undefined(), r.webHost(), r.VM.ToValue(name), orig)
	if err != nil {
		panic(err)
	}
	return v
}

// determinismViolation is the DeterminismViolationError for msg, which the
// TypeScript SDK's sandbox throws for the APIs that observe garbage
// collection (WeakRef, FinalizationRegistry): the workflow module's class
// when the run provides one (Env.NewError), else an Error named
// DeterminismViolationError.
func (r *Runtime) determinismViolation(msg string) goja.Value {
	if r.newError != nil {
		if v := r.newError("DeterminismViolationError", msg); v != nil {
			return v
		}
	}
	e := r.VM.NewGoError(fmt.Errorf("%s", msg))
	_ = e.Set("name", "DeterminismViolationError")
	return e
}

// wellKnownSymbol returns the builder of a symbol goja lacks. It is the
// registered symbol esbuild's lowering of `using` falls back to
// (Symbol.for("Symbol.dispose")), so that both agree.
func wellKnownSymbol(key string) func(r *Runtime, g *lazyGlobals) goja.Value {
	return func(r *Runtime, g *lazyGlobals) goja.Value {
		sym := r.VM.Get("Symbol").ToObject(r.VM)
		forFn, _ := goja.AssertFunction(sym.Get("for"))
		v, err := forFn(sym, r.VM.ToValue(key))
		if err != nil {
			panic(err)
		}
		return v
	}
}
