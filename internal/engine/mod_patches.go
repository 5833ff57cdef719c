package engine

import (
	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// patchesModule: patched and deprecatePatch.
var patchesModule = module{name: "patches", exports: exports{
	"patched":        func(r *run) any { return r.patches().patched },
	"deprecatePatch": func(r *run) any { return r.patches().deprecatePatch },
}}

// patches remembers the run's patched() answers, for queries.
type patches struct {
	*run
	answers map[string]bool
}

func (r *patches) patched(c goja.FunctionCall) goja.Value {
	r.requireContext("patched")
	id := c.Argument(0).String()
	if r.readOnly != "" {
		// Queries may ask, as in the TypeScript SDK; they see the memoized answer.
		return r.vm.ToValue(r.answers[id])
	}
	v := workflow.GetVersion(r.ctx, id, workflow.DefaultVersion, 1) == 1
	if r.answers == nil {
		r.answers = map[string]bool{}
	}
	r.answers[id] = v
	return r.vm.ToValue(v)
}

func (r *patches) deprecatePatch(c goja.FunctionCall) goja.Value {
	r.requireContext("deprecatePatch")
	r.requireWritable("deprecatePatch")
	// Runs with or without the marker both take the new code path.
	_ = workflow.GetVersion(r.ctx, c.Argument(0).String(), workflow.DefaultVersion, 1)
	return goja.Undefined()
}
