package engine

import (
	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// continueAsNewModule: the command behind continueAsNew and
// makeContinueAsNewFunc.
var continueAsNewModule = module{name: "continueAsNew", exports: exports{
	"continueAsNew": func(r *run) any { return continuation{r}.continueAsNew },
}}

// continuation builds continue-as-new commands; it has no state of its own.
type continuation struct{ *run }

// continueAsNew builds the Go SDK's continue-as-new error for
// makeContinueAsNewFunc(options)(...args); the JS side throws it wrapped in
// a ContinueAsNew error.
func (r continuation) continueAsNew(c goja.FunctionCall) goja.Value {
	r.requireContext("continueAsNew")
	r.requireWritable("continueAsNew")
	o, _ := c.Argument(0).(*goja.Object)
	if o == nil {
		o = r.vm.NewObject()
	}
	args, err := r.payloadArgs(c.Argument(1))
	if err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	}
	ctx := r.ctx
	wfType := str2(o.Get("workflowType"))
	if wfType == "" {
		wfType = workflow.GetInfo(ctx).WorkflowType.Name
	}
	if tq := str2(o.Get("taskQueue")); tq != "" {
		ctx = workflow.WithTaskQueue(ctx, tq)
	}
	if d, err := optDuration(o, "workflowRunTimeout"); err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	} else if d > 0 {
		ctx = workflow.WithWorkflowRunTimeout(ctx, d)
	}
	if d, err := optDuration(o, "workflowTaskTimeout"); err != nil {
		panic(r.vm.NewTypeError("continueAsNew: %v", err))
	} else if d > 0 {
		ctx = workflow.WithWorkflowTaskTimeout(ctx, d)
	}
	canErr := workflow.NewContinueAsNewError(ctx, wfType, args...)
	cmd := r.vm.NewObject()
	_ = cmd.Set("workflowType", wfType)
	r.keepGoError(cmd, canErr)
	return cmd
}
