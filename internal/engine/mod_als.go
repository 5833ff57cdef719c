package engine

import (
	"fmt"

	"github.com/dop251/goja"
)

// alsModule: AsyncLocalStorage, which the TypeScript SDK takes from Node
// (node:async_hooks) into its sandbox. Its stores live in the run's async
// context (asyncCtx.vals), which goja's AsyncContextTracker hands to every
// promise reaction: a store set by run() follows await, then/catch
// callbacks and timers started inside, and nothing else, as in Node.
var alsModule = module{name: "als", exports: exports{
	"AsyncLocalStorage": func(r *run) any { return r.alsClass() },
}}

// ctxVals is an immutable list of the values an async context carries, by
// key: the stores of AsyncLocalStorage instances (keyed by the instance)
// and the engine's own context values (the current random stream, the
// active event groups). A context that sets a value gets a new list, so the
// contexts captured earlier keep theirs. Lists stay as short as the number
// of keys set, which is small; a run that sets none pays nothing.
type ctxVals struct {
	key  any
	val  any
	next *ctxVals
}

// get returns the value of key, if set.
func (v *ctxVals) get(key any) (any, bool) {
	for ; v != nil; v = v.next {
		if v.key == key {
			return v.val, true
		}
	}
	return nil, false
}

// with returns the list with key set to val (or, with del, without key),
// sharing the tail after key's old entry.
func (v *ctxVals) with(key, val any, del bool) *ctxVals {
	rest := v
	var prefix []*ctxVals
	if _, found := v.get(key); found {
		for ; rest.key != key; rest = rest.next {
			prefix = append(prefix, rest)
		}
		rest = rest.next
	}
	out := rest
	for i := len(prefix) - 1; i >= 0; i-- {
		out = &ctxVals{key: prefix[i].key, val: prefix[i].val, next: out}
	}
	if del {
		return out
	}
	return &ctxVals{key: key, val: val, next: out}
}

// withVal returns a copy of the context with key set to val.
func (c *asyncCtx) withVal(key, val any) *asyncCtx {
	n := *c
	n.vals = c.vals.with(key, val, false)
	return &n
}

// withoutVal returns a copy of the context without key.
func (c *asyncCtx) withoutVal(key any) *asyncCtx {
	n := *c
	n.vals = c.vals.with(key, nil, true)
	return &n
}

// runWith calls fn with args in ctx (and every continuation it makes), and
// restores the current context afterwards.
func (r *run) runWith(ctx *asyncCtx, fn goja.Callable, args ...goja.Value) goja.Value {
	prev := r.cur
	r.cur = ctx
	defer func() { r.cur = prev }()
	v, err := fn(goja.Undefined(), args...)
	if err != nil {
		panic(err)
	}
	return v
}

// alsSource is the AsyncLocalStorage class over the host functions below:
// the class the TypeScript SDK's sandbox defines (Node's, plus a name).
// Own properties and their order are Node 20's (kResourceStore, enabled,
// then the SDK's name); enabled is Node's flag: getStore answers only while
// it is set, run and enterWith set it, disable clears it.
const alsSource = `(function (get, run, enter, exit, snapshot) {
  class AsyncLocalStorage {
    constructor(name = 'anonymous') {
      this.kResourceStore = Symbol('kResourceStore');
      this.enabled = false;
      this.name = name;
    }
    disable() { this.enabled = false; }
    enterWith(store) { this.enabled = true; enter(this, store); }
    run(store, callback, ...args) {
      if (Object.is(store, this.getStore())) return callback(...args);
      this.enabled = true;
      return run(this, store, callback, args);
    }
    exit(callback, ...args) {
      if (!this.enabled) return callback(...args);
      this.enabled = false;
      try { return exit(this, callback, args); } finally { this.enabled = true; }
    }
    getStore() { if (this.enabled) return get(this); }
    static bind(fn) { return snapshot().bind(undefined, fn); }
    static snapshot() { return snapshot(); }
  }
  return AsyncLocalStorage;
})`

var alsProg = goja.MustCompile("AsyncLocalStorage", alsSource, true)

// alsClass returns the run's AsyncLocalStorage class, defining it on first
// use.
func (r *run) alsClass() *goja.Object {
	if r.mods.als != nil {
		return r.mods.als
	}
	v, err := r.vm.RunProgram(alsProg)
	if err != nil {
		panic(fmt.Errorf("tsworker: define AsyncLocalStorage: %w", err))
	}
	mk, _ := goja.AssertFunction(v)
	key := func(v goja.Value) *goja.Object {
		o, ok := v.(*goja.Object)
		if !ok {
			panic(r.vm.NewTypeError("AsyncLocalStorage: not an AsyncLocalStorage"))
		}
		return o
	}
	get := func(c goja.FunctionCall) goja.Value {
		if v, ok := r.cur.vals.get(key(c.Argument(0))); ok {
			return v.(goja.Value)
		}
		return goja.Undefined()
	}
	runFn := func(c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(2))
		if !ok {
			panic(r.vm.NewTypeError("The \"callback\" argument must be of type function"))
		}
		return r.runWith(r.cur.withVal(key(c.Argument(0)), c.Argument(1)), fn, r.jsArgs(c.Argument(3))...)
	}
	enter := func(c goja.FunctionCall) goja.Value {
		// As Node's enterWith: the store holds for the rest of the
		// current synchronous execution and what it starts.
		r.cur = r.cur.withVal(key(c.Argument(0)), c.Argument(1))
		return goja.Undefined()
	}
	exit := func(c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(1))
		if !ok {
			panic(r.vm.NewTypeError("The \"callback\" argument must be of type function"))
		}
		return r.runWith(r.cur.withoutVal(key(c.Argument(0))), fn, r.jsArgs(c.Argument(2))...)
	}
	snapshot := func(goja.FunctionCall) goja.Value {
		captured := r.cur
		return r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			fn, ok := goja.AssertFunction(c.Argument(0))
			if !ok {
				panic(r.vm.NewTypeError("The \"fn\" argument must be of type function"))
			}
			var args []goja.Value
			if len(c.Arguments) > 1 {
				args = c.Arguments[1:]
			}
			// The whole captured context: in the TypeScript SDK the
			// cancellation scope is an AsyncLocalStorage store, too.
			return r.runWith(captured, fn, args...)
		})
	}
	cls, err := mk(goja.Undefined(), r.vm.ToValue(get), r.vm.ToValue(runFn), r.vm.ToValue(enter), r.vm.ToValue(exit), r.vm.ToValue(snapshot))
	if err != nil {
		panic(fmt.Errorf("tsworker: define AsyncLocalStorage: %w", err))
	}
	r.mods.als = cls.ToObject(r.vm)
	return r.mods.als
}
