package engine

import (
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

// infoModule: what the run knows about itself.
var infoModule = module{name: "info", exports: exports{
	"workflowInfo":      func(r *run) any { return infoAPI{r}.workflowInfo },
	"uuid4":             func(r *run) any { return infoAPI{r}.uuid4 },
	"inWorkflowContext": func(r *run) any { return infoAPI{r}.inWorkflowContext },
	"setCurrentDetails": func(r *run) any { return infoAPI{r}.setCurrentDetails },
	"getCurrentDetails": func(r *run) any { return infoAPI{r}.getCurrentDetails },
}}

// infoAPI answers workflowInfo() and friends; it has no state of its own.
type infoAPI struct{ *run }

func (r infoAPI) workflowInfo(goja.FunctionCall) goja.Value {
	r.requireContext("workflowInfo")
	info := workflow.GetInfo(r.ctx)
	o := r.vm.NewObject()
	set := func(k string, v any) { _ = o.Set(k, v) }
	set("workflowId", info.WorkflowExecution.ID)
	set("runId", info.WorkflowExecution.RunID)
	set("workflowType", info.WorkflowType.Name)
	set("taskQueue", info.TaskQueueName)
	set("namespace", info.Namespace)
	set("firstExecutionRunId", info.FirstRunID)
	if id := info.OriginalRunID; id != "" {
		set("originalExecutionRunId", id)
	} else {
		set("originalExecutionRunId", info.WorkflowExecution.RunID)
	}
	if info.ContinuedExecutionRunID != "" {
		set("continuedFromExecutionRunId", info.ContinuedExecutionRunID)
	}
	set("startTime", r.date(info.WorkflowStartTime))
	set("runStartTime", r.date(info.WorkflowStartTime))
	set("attempt", info.Attempt)
	if info.CronSchedule != "" {
		set("cronSchedule", info.CronSchedule)
	}
	if info.WorkflowExecutionTimeout > 0 {
		set("executionTimeoutMs", info.WorkflowExecutionTimeout.Milliseconds())
	}
	if info.WorkflowRunTimeout > 0 {
		set("runTimeoutMs", info.WorkflowRunTimeout.Milliseconds())
	}
	set("taskTimeoutMs", info.WorkflowTaskTimeout.Milliseconds())
	set("historyLength", info.GetCurrentHistoryLength())
	set("historySize", info.GetCurrentHistorySize())
	set("continueAsNewSuggested", info.GetContinueAsNewSuggested())
	set("searchAttributes", r.searchAttributesJS(info.SearchAttributes))
	// Made when read: the class costs memory in every run that has it.
	sa := info.SearchAttributes
	_ = o.DefineAccessorProperty("typedSearchAttributes", r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		return r.typedSearchAttributes(sa)
	}), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
	{
		memo := r.vm.NewObject()
		for k, p := range info.Memo.GetFields() {
			if dc := r.w.opts.DataConverter; dc != nil {
				var raw converter.RawValue
				if err := dc.FromPayload(p, &raw); err == nil {
					p = raw.Payload()
				}
			}
			_ = memo.Set(k, r.payloadToJS(p))
		}
		set("memo", memo)
	}
	if info.RootWorkflowExecution != nil {
		p := r.vm.NewObject()
		_ = p.Set("workflowId", info.RootWorkflowExecution.ID)
		_ = p.Set("runId", info.RootWorkflowExecution.RunID)
		set("root", p)
	}
	if workflow.HasLastCompletionResult(r.ctx) {
		var raw converter.RawValue
		if err := workflow.GetLastCompletionResult(r.ctx, &raw); err == nil {
			set("lastResult", r.payloadToJS(raw.Payload()))
		}
	}
	if err := workflow.GetLastError(r.ctx); err != nil {
		set("lastFailure", r.toJSError(err))
	}
	if info.RetryPolicy != nil {
		rp := r.vm.NewObject()
		_ = rp.Set("initialInterval", info.RetryPolicy.InitialInterval.Milliseconds())
		_ = rp.Set("backoffCoefficient", info.RetryPolicy.BackoffCoefficient)
		_ = rp.Set("maximumInterval", info.RetryPolicy.MaximumInterval.Milliseconds())
		_ = rp.Set("maximumAttempts", info.RetryPolicy.MaximumAttempts)
		_ = rp.Set("nonRetryableErrorTypes", info.RetryPolicy.NonRetryableErrorTypes)
		set("retryPolicy", rp)
	}
	set("currentDetails", workflow.GetCurrentDetails(r.ctx))
	if info.ParentWorkflowExecution != nil {
		p := r.vm.NewObject()
		_ = p.Set("workflowId", info.ParentWorkflowExecution.ID)
		_ = p.Set("runId", info.ParentWorkflowExecution.RunID)
		_ = p.Set("namespace", info.ParentWorkflowNamespace)
		set("parent", p)
	}
	unsafe := r.vm.NewObject()
	_ = unsafe.Set("isReplaying", workflow.IsReplaying(r.ctx))
	_ = unsafe.Set("now", func(goja.FunctionCall) goja.Value { return r.vm.ToValue(time.Now().UnixMilli()) })
	set("unsafe", unsafe)
	return o
}

func (r *run) date(t time.Time) goja.Value {
	d, err := r.vm.New(r.vm.Get("Date"), r.vm.ToValue(t.UnixMilli()))
	if err != nil {
		return goja.Undefined()
	}
	return d
}

// searchAttributesJS renders search attributes as the TypeScript SDK's
// untyped SearchAttributes: every value an array.
func (r *run) searchAttributesJS(sa *commonpb.SearchAttributes) *goja.Object {
	o := r.vm.NewObject()
	for k, p := range sa.GetIndexedFields() {
		v, err := r.rt.FromPayloadDefault(p) // search attributes are JSON, whatever the payload converter
		if err != nil {
			v = goja.Undefined()
		}
		if obj, ok := v.(*goja.Object); !ok || obj.ClassName() != "Array" {
			v = r.vm.NewArray(v)
		}
		_ = o.Set(k, v)
	}
	return o
}

func (r infoAPI) uuid4(goja.FunctionCall) goja.Value { return r.vm.ToValue(r.run.uuid4()) }

func (r infoAPI) inWorkflowContext(goja.FunctionCall) goja.Value { return r.vm.ToValue(r.ctx != nil) }

func (r infoAPI) setCurrentDetails(c goja.FunctionCall) goja.Value {
	r.requireContext("setCurrentDetails")
	workflow.SetCurrentDetails(r.ctx, c.Argument(0).String())
	return goja.Undefined()
}

func (r infoAPI) getCurrentDetails(goja.FunctionCall) goja.Value {
	r.requireContext("getCurrentDetails")
	return r.vm.ToValue(workflow.GetCurrentDetails(r.ctx))
}
