package engine

import (
	"fmt"
	"sort"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/internal/wfmodule"
)

// The built-in @temporalio/workflow module (internal/wfmodule/workflow.js) is
// JS over Go host functions: `h.fn('sleep')` asks the run for the value
// exported under "sleep". Each feature of the module is a Go module with an
// export table, as k6's modules expose Exports{Named}: the table is static,
// and each entry makes its value for one run when the JS asks for it, so a
// run only pays for the functions its workflow code uses (esbuild drops the
// module's unused exports). A module's per-run state is made on first use,
// too (see the mods field of run).

// exports is a module's export table: for each name the JS module asks for,
// what makes the run's value (a host function, which the engine passes to
// goja as is, or an object such as log).
type exports map[string]func(r *run) any

// module is one feature of the workflow API backed by Go.
type module struct {
	name    string
	exports exports
}

// modules lists every feature module. The JS module's names and these
// tables are checked against each other by a test.
var modules = []module{
	activitiesModule,
	timersModule,
	scopesModule,
	messagesModule,
	childrenModule,
	continueAsNewModule,
	patchesModule,
	attributesModule,
	infoModule,
	logModule,
	sinksModule,
	nexusModule,
	alsModule,
	randomModule,
	metricMeterModule,
	eventGroupsModule,
}

// hostExports indexes every module's exports by name. It is built once and
// only read afterwards.
var hostExports = indexExports(modules)

func indexExports(ms []module) map[string]func(*run) any {
	out := map[string]func(*run) any{}
	for _, m := range ms {
		for name, mk := range m.exports {
			if _, dup := out[name]; dup {
				panic(fmt.Sprintf("engine: host function %q exported twice (module %s)", name, m.name))
			}
			out[name] = mk
		}
	}
	return out
}

// hostNames returns every exported name, sorted.
func hostNames() []string {
	out := make([]string, 0, len(hostExports))
	for k := range hostExports {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// installHost defines the per-run __tsw object the built-in
// @temporalio/workflow module is made of. It holds two functions: fn(name)
// returns the value exported under name, cls(name) returns a class of the
// module's classes program (run on first use). Everything is made on
// demand, because every function object costs memory in every cached run.
func (r *run) installHost() {
	h := r.vm.NewObject()
	_ = h.Set("fn", r.hostFn)
	_ = h.Set("cls", func(c goja.FunctionCall) goja.Value {
		return r.ensureClasses().obj.Get(c.Argument(0).String())
	})
	_ = r.vm.GlobalObject().DefineDataProperty(wfmodule.HostGlobal, h, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

func (r *run) hostFn(c goja.FunctionCall) goja.Value {
	name := c.Argument(0).String()
	mk, ok := hostExports[name]
	if !ok {
		panic(r.vm.NewTypeError("tsworker has no host function %q", name))
	}
	if r.w.icptProg != nil {
		return r.vm.ToValue(r.interceptHost(name, mk(r)))
	}
	return r.vm.ToValue(mk(r))
}

// mods holds the per-run state of the feature modules that have some, each
// made on first use.
type mods struct {
	timers   *timers
	scopes   *scopes
	messages *messages
	patches  *patches
	typedSA  *goja.Object // the TypedSearchAttributes class
	als      *goja.Object // the AsyncLocalStorage class
	random   *randomState
	egProto  *goja.Object // prototype of event group markers
}

func (r *run) timers() *timers {
	if r.mods.timers == nil {
		r.mods.timers = &timers{run: r}
	}
	return r.mods.timers
}

func (r *run) scopes() *scopes {
	if r.mods.scopes == nil {
		r.mods.scopes = &scopes{run: r}
	}
	return r.mods.scopes
}

func (r *run) messages() *messages {
	if r.mods.messages == nil {
		r.mods.messages = &messages{run: r}
	}
	return r.mods.messages
}

func (r *run) patches() *patches {
	if r.mods.patches == nil {
		r.mods.patches = &patches{run: r}
	}
	return r.mods.patches
}
