// Package harness holds what the in-memory and the server test
// environments share: activity naming as the worker does it, the data
// converter that sends several signal arguments, the test logger and update
// outcomes.
package harness

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
)

// Args is a list of arguments that travels as one value through Go SDK
// calls taking a single argument (SignalWorkflow), and is encoded by
// DataConverter as one payload per element.
type Args []any

// DataConverter is the default data converter, except that an Args value
// becomes one payload per element: JS signal handlers take any number of
// arguments, while the Go SDK's SignalWorkflow takes one.
type DataConverter struct{ converter.DataConverter }

// NewDataConverter wraps the default data converter.
func NewDataConverter() DataConverter {
	return DataConverter{converter.GetDefaultDataConverter()}
}

// ToPayloads implements converter.DataConverter.
func (d DataConverter) ToPayloads(values ...any) (*commonpb.Payloads, error) {
	if len(values) == 1 {
		if a, ok := values[0].(Args); ok {
			if len(a) == 0 {
				return &commonpb.Payloads{}, nil
			}
			return d.DataConverter.ToPayloads(a...)
		}
	}
	return d.DataConverter.ToPayloads(values...)
}

// Registration is one activity to register under Name.
type Registration struct {
	Fn   any
	Opts activity.RegisterOptions
}

// Registrations returns what RegisterActivity(a) registers, as the worker
// does: a function under its Go name and that name with a lower-case first
// letter; a struct pointer's exported methods likewise. taken reports
// names already registered, which an alias does not replace.
func Registrations(a any, opts activity.RegisterOptions, taken func(string) bool) ([]Registration, error) {
	v := reflect.ValueOf(a)
	if opts.Name == "" && v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		var out []Registration
		t := v.Type()
		for i := 0; i < t.NumMethod(); i++ {
			o := opts
			o.Name = t.Method(i).Name
			out = append(out, withAlias(v.Method(i).Interface(), o, taken)...)
		}
		return out, nil
	}
	if v.Kind() != reflect.Func {
		return nil, fmt.Errorf("register activity: want a function or a pointer to a struct, got %T", a)
	}
	if opts.Name == "" {
		opts.Name = FunctionName(a)
	}
	return withAlias(a, opts, taken), nil
}

func withAlias(fn any, opts activity.RegisterOptions, taken func(string) bool) []Registration {
	out := []Registration{{Fn: fn, Opts: opts}}
	if alias := lowerFirst(opts.Name); alias != opts.Name && !taken(alias) {
		o := opts
		o.Name = alias
		out = append(out, Registration{Fn: fn, Opts: o})
	}
	return out
}

// FunctionName is the Go name of a function, without its package.
func FunctionName(fn any) string {
	full := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	name := full[strings.LastIndex(full, ".")+1:]
	return strings.TrimSuffix(name, "-fm")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// Activities is a set of registered activity functions by name, safe for
// concurrent use (local activities look names up from workflow code).
type Activities struct {
	mu sync.Mutex
	m  map[string]any
}

// Set records fn under name.
func (a *Activities) Set(name string, fn any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string]any{}
	}
	a.m[name] = fn
}

// Lookup returns the function registered under name.
func (a *Activities) Lookup(name string) (any, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fn, ok := a.m[name]
	return fn, ok
}

// Has reports whether name is registered.
func (a *Activities) Has(name string) bool {
	_, ok := a.Lookup(name)
	return ok
}

// Names returns the registered names, sorted.
func (a *Activities) Names() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.m))
	for k := range a.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ValueFunc returns an activity function that returns what returns says:
// a result, an error, or (result, error). It takes any arguments, as raw
// values, and its result type is the result's own, so the Go SDK's mocks
// accept it. mockReturns is what a Go SDK mock standing in front of it
// returns.
func ValueFunc(returns []any) (fn any, mockReturns []any, err error) {
	var result any
	var resErr error
	switch len(returns) {
	case 0:
	case 1:
		if e, ok := returns[0].(error); ok {
			resErr = e
		} else {
			result = returns[0]
		}
	case 2:
		result = returns[0]
		if returns[1] != nil {
			e, ok := returns[1].(error)
			if !ok {
				return nil, nil, fmt.Errorf("the second value must be an error, got %T", returns[1])
			}
			resErr = e
		}
	default:
		return nil, nil, fmt.Errorf("want a result, an error, (result, error) or a function; got %d values", len(returns))
	}
	out := reflect.TypeFor[any]()
	if result != nil {
		out = reflect.TypeOf(result)
		if k := out.Kind(); k == reflect.Func || k == reflect.Chan || k == reflect.UnsafePointer {
			return nil, nil, fmt.Errorf("a %T result cannot be encoded", result)
		}
	}
	in := []reflect.Type{reflect.TypeFor[context.Context]()}
	for range ValueFuncArity {
		in = append(in, reflect.TypeFor[converter.RawValue]())
	}
	ft := reflect.FuncOf(in, []reflect.Type{out, reflect.TypeFor[error]()}, false)
	resV, errV := reflect.Zero(out), reflect.Zero(reflect.TypeFor[error]())
	if result != nil {
		resV = reflect.ValueOf(result)
	}
	if resErr != nil {
		errV = reflect.ValueOf(&resErr).Elem()
	}
	f := reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value { return []reflect.Value{resV, errV} })
	return f.Interface(), []any{result, resErr}, nil
}

// ValueFuncArity is how many arguments a ValueFunc declares; JS may call
// an activity with any number, and payloads beyond the parameters are
// ignored by the data converter.
const ValueFuncArity = 16
