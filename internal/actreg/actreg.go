// Package actreg names Go activities as tsworker registers them: under the
// Go name, as the Go SDK does, and that name with a lower-case first letter,
// the usual JS spelling. The worker and the test environments share it.
package actreg

import (
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.temporal.io/sdk/activity"
)

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
