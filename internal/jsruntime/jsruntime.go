// Package jsruntime builds the JavaScript sandboxes workflow code runs in: a
// bundle compiled once, and a fresh goja runtime per workflow run whose clock,
// randomness and timers are deterministic, plus the conversion of JS values to
// and from Temporal payloads.
package jsruntime

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// Program is a compiled bundle. It is immutable and shared by every runtime
// of a worker.
type Program struct {
	Name string
	prog *goja.Program
	// locale is set when the code calls a locale-sensitive method of a
	// built-in (toLocaleString and its kin, localeCompare): Run replaces
	// goja's, which ignore locales and options, with ones on Intl. Other
	// runs do not pay for the built-ins' prototypes that replacing
	// materializes.
	locale bool
}

// Compile compiles a bundle's code. name is used in stack traces when the
// code carries no source map.
func Compile(name string, code []byte) (*Program, error) {
	p, err := goja.Compile(name, string(code), false)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", name, err)
	}
	locale := bytes.Contains(code, []byte("toLocale")) || bytes.Contains(code, []byte("localeCompare"))
	return &Program{Name: name, prog: p, locale: locale}, nil
}

// Timers backs setTimeout and clearTimeout.
type Timers interface {
	SetTimeout(fn goja.Callable, ms int64, args []goja.Value) int64
	ClearTimeout(id int64)
}

// Env is what a runtime needs from the workflow run it belongs to.
type Env struct {
	// Now returns the workflow's current time; Date reads it.
	Now func() time.Time
	// Random backs Math.random: the run's deterministic sequence, which the
	// engine draws as the TypeScript SDK does. Optional; without it
	// Math.random throws, so that nothing draws from a source the run does
	// not control.
	Random func() float64
	// Log receives console output ("debug", "info", "warn", "error").
	Log func(level, msg string)
	// Timers backs setTimeout/clearTimeout. Optional.
	Timers Timers
	// NewError makes an instance of one of the workflow module's error
	// classes (class is its name, e.g. "DeterminismViolationError"), so
	// that errors the sandbox throws pass instanceof checks. Optional; nil,
	// or a nil result, gives an Error whose name is class.
	NewError func(class, message string) goja.Value
}

// Runtime is one workflow run's JavaScript sandbox. It is not safe for
// concurrent use: only the goroutine driving the run may touch it.
type Runtime struct {
	VM *goja.Runtime

	stringify goja.Callable
	parse     goja.Callable
	uint8     *goja.Object

	newError   func(class, message string) goja.Value
	fnToString goja.Callable
	web        goja.Callable // web.js's builder, once a web global is touched
	host       goja.Value    // web.js's host functions
	conv       *jsConverter  // the bundle's payload converter, if it has one
}

// New creates a runtime with deterministic globals. The program is not run
// yet; see Run.
func New(env Env) *Runtime {
	vm := goja.New()
	r := &Runtime{VM: vm, newError: env.NewError}
	vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	if env.Now != nil {
		vm.SetTimeSource(env.Now)
	} else {
		vm.SetTimeSource(func() time.Time { return time.Unix(0, 0) })
	}
	if env.Random != nil {
		vm.SetRandSource(env.Random)
	} else {
		vm.SetRandSource(func() float64 {
			panic(vm.NewTypeError("Math.random: this runtime has no deterministic random source"))
		})
	}
	g := vm.GlobalObject()
	if env.Log != nil {
		// console is made on first use: most runs never log.
		var console goja.Value
		getter := vm.ToValue(func(goja.FunctionCall) goja.Value {
			if console == nil {
				console = r.newConsole(env.Log)
			}
			return console
		})
		_ = g.DefineAccessorProperty("console", getter, nil, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	if env.Timers != nil {
		t := env.Timers
		_ = g.Set("setTimeout", func(c goja.FunctionCall) goja.Value {
			fn, ok := goja.AssertFunction(c.Argument(0))
			if !ok {
				panic(vm.NewTypeError("setTimeout: callback must be a function"))
			}
			ms := c.Argument(1).ToFloat()
			if math.IsNaN(ms) || ms < 0 {
				ms = 0
			}
			var args []goja.Value
			if len(c.Arguments) > 2 {
				args = append(args, c.Arguments[2:]...)
			}
			return vm.ToValue(t.SetTimeout(fn, int64(ms), args))
		})
		_ = g.Set("clearTimeout", func(c goja.FunctionCall) goja.Value {
			if id := c.Argument(0); !goja.IsUndefined(id) && !goja.IsNull(id) {
				t.ClearTimeout(id.ToInteger())
			}
			return goja.Undefined()
		})
	}
	r.installLazyGlobals()
	return r
}

func (r *Runtime) newConsole(log func(level, msg string)) goja.Value {
	console := r.VM.NewObject()
	for _, lv := range []struct{ name, level string }{
		{"log", "info"}, {"info", "info"}, {"warn", "warn"}, {"error", "error"}, {"debug", "debug"}, {"trace", "debug"},
	} {
		level := lv.level
		_ = console.Set(lv.name, func(c goja.FunctionCall) goja.Value {
			log(level, r.Format(c.Arguments))
			return goja.Undefined()
		})
	}
	return console
}

// Run runs the program and returns the value of the global exportsName, the
// object holding the entry's exports.
func (r *Runtime) Run(p *Program, exportsName string) (*goja.Object, error) {
	if p.locale {
		if err := r.VM.Try(func() { r.webBuild("localeMethods", nil) }); err != nil {
			return nil, fmt.Errorf("%s: install the locale methods: %w", p.Name, err)
		}
	}
	if _, err := r.VM.RunProgram(p.prog); err != nil {
		return nil, err
	}
	if err := r.installConverter(); err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	v := r.VM.Get(exportsName)
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, fmt.Errorf("%s: the bundle defines no exports", p.Name)
	}
	return v.ToObject(r.VM), nil
}

// Format renders console arguments as Node's console does, roughly: strings
// as they are, other values as JSON when possible.
func (r *Runtime) Format(args []goja.Value) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, r.Inspect(a))
	}
	return strings.Join(parts, " ")
}

// Inspect renders one value for a log line.
func (r *Runtime) Inspect(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if s, ok := v.Export().(string); ok {
		return s
	}
	if o, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(o); !isFn {
			if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) {
				return st.String()
			}
			if s, err := r.stringifyValue(v); err == nil && s != "" {
				return s
			}
		}
	}
	return v.String()
}

// WorkflowNames lists the exports of a bundle that are workflow types:
// every exported function except classes, a default export and the
// `interceptors` factory (which the TypeScript SDK reads from interceptor
// modules, not as a workflow). The order is the exports' order.
func (r *Runtime) WorkflowNames(exports *goja.Object) []string {
	var names []string
	for _, k := range exports.Keys() {
		if k == "default" || k == "interceptors" {
			continue
		}
		v := exports.Get(k)
		if _, ok := goja.AssertFunction(v); !ok || r.isClass(v) {
			continue
		}
		names = append(names, k)
	}
	return names
}

// isClass reports whether fn is a class constructor. goja keeps a
// function's source, so Function.prototype.toString tells a class from a
// function.
func (r *Runtime) isClass(fn goja.Value) bool {
	if r.fnToString == nil {
		proto := r.VM.Get("Function").ToObject(r.VM).Get("prototype").ToObject(r.VM)
		r.fnToString, _ = goja.AssertFunction(proto.Get("toString"))
	}
	s, err := r.fnToString(fn)
	return err == nil && strings.HasPrefix(s.String(), "class")
}
