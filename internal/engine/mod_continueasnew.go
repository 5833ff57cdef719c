package engine

import (
	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

// continueAsNewModule: the command behind continueAsNew and
// makeContinueAsNewFunc.
var continueAsNewModule = module{name: "continueAsNew", exports: exports{
	"continueAsNew": func(r *run) any { return continuation{r}.continueAsNew },
	// continueAsNewIntercepted is undefined but in a run with continueAsNew
	// interceptors, where it goes through them (see interceptHost).
	"continueAsNewIntercepted": func(r *run) any {
		return func(goja.FunctionCall) goja.Value { return goja.Undefined() }
	},
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
	can := &canCommand{err: workflow.NewContinueAsNewError(r.withOutHeaders(ctx), wfType, args...)}
	if m, ok := o.Get("memo").(*goja.Object); ok {
		can.memo = &commonpb.Memo{Fields: map[string]*commonpb.Payload{}}
		for _, k := range m.Keys() {
			p, err := r.rt.ToPayload(m.Get(k))
			if err == nil && r.w.opts.DataConverter != nil {
				p, err = r.w.opts.DataConverter.ToPayload(converter.NewRawValue(p))
			}
			if err != nil {
				panic(r.vm.NewTypeError("continueAsNew: memo %s: %v", k, err))
			}
			can.memo.Fields[k] = p
		}
	}
	if sa, ok := o.Get("searchAttributes").(*goja.Object); ok {
		can.sa = &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{}}
		for k, v := range r.searchAttributeMap(sa) {
			switch p := v.(type) {
			case *commonpb.Payload:
				can.sa.IndexedFields[k] = p
			case converter.RawValue:
				can.sa.IndexedFields[k] = p.Payload()
			}
		}
	}
	cmd := r.vm.NewObject()
	_ = cmd.Set("workflowType", wfType)
	r.keepGoError(cmd, can)
	return cmd
}

// canCommand is a continue-as-new command: the Go SDK's error, and the memo
// and search attributes of the next run, if given.
type canCommand struct {
	err  error
	memo *commonpb.Memo
	sa   *commonpb.SearchAttributes
}

func (c *canCommand) Error() string { return c.err.Error() }
func (c *canCommand) Unwrap() error { return c.err }

// end returns the error that ends the run with the command. The Go SDK's
// continue-as-new command carries the memo and search attributes of the
// run's info and has no options for them, so they are set there, as the
// run ends.
func (c *canCommand) end(ctx workflow.Context) error {
	info := workflow.GetInfo(ctx)
	if c.memo != nil {
		info.Memo = c.memo
	}
	if c.sa != nil {
		info.SearchAttributes = c.sa
	}
	return c.err
}
