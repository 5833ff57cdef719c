package client

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// Names of the TypeScript SDK's built-in stack trace queries.
const (
	stackTraceQuery         = "__stack_trace"
	enhancedStackTraceQuery = "__enhanced_stack_trace"
)

// EnhancedStackTraceInterceptor returns the client interceptor that answers
// the TypeScript SDK's __enhanced_stack_trace query (enhancedStackTraceQuery)
// for runs of JS workflows on tsworker workers. SDKOptions (and so Dial)
// installs it.
//
// The Go SDK core of a worker answers a query name no handler is registered
// for itself, and refuses to register names starting with "__", so a
// tsworker worker cannot answer that query. When the worker answers it
// with the Go SDK's "unknown queryType" failure, the interceptor asks the
// run's __stack_trace instead and, when that answer holds JS stacks, returns
// them in the TypeScript SDK's JSON shape ({sdk, stacks: [{locations:
// [{file_path, line, column, function_name, internal_code}]}], sources}),
// as a json/plain payload. Sources are empty, as the TypeScript SDK's are
// unless its worker sets showStackTraceSources. Workers that answer the query
// (TypeScript SDK workers) and runs whose stacks are not JS (Go workflows)
// get the worker's own answer or failure. Only clients with this interceptor
// get the answer: the Web UI and other SDKs' clients get the Go SDK's
// failure.
func EnhancedStackTraceInterceptor() interceptor.ClientInterceptor {
	return &enhancedStackTraceInterceptor{}
}

type enhancedStackTraceInterceptor struct {
	interceptor.ClientInterceptorBase
}

func (*enhancedStackTraceInterceptor) InterceptClient(next interceptor.ClientOutboundInterceptor) interceptor.ClientOutboundInterceptor {
	return &enhancedStackTraceOutbound{interceptor.ClientOutboundInterceptorBase{Next: next}}
}

type enhancedStackTraceOutbound struct {
	interceptor.ClientOutboundInterceptorBase
}

// QueryWorkflow answers __enhanced_stack_trace from __stack_trace where the
// worker cannot answer it.
func (o *enhancedStackTraceOutbound) QueryWorkflow(ctx context.Context, in *interceptor.ClientQueryWorkflowInput) (converter.EncodedValue, error) {
	v, err := o.Next.QueryWorkflow(ctx, in)
	if in.QueryType != enhancedStackTraceQuery || !unknownQuery(err, enhancedStackTraceQuery) {
		return v, err
	}
	st := *in
	st.QueryType, st.Args = stackTraceQuery, nil
	sv, serr := o.Next.QueryWorkflow(ctx, &st)
	var stacks string
	if serr != nil || sv.Get(&stacks) != nil {
		return v, err
	}
	if strings.HasPrefix(stacks, "coroutine ") {
		// A worker whose client did not cut the Go SDK's answer.
		js, ok := jsstack.Answer(stacks)
		if !ok {
			return v, err // not a JS workflow run
		}
		stacks = js
	}
	enhanced, ok := jsstack.Enhanced(stacks)
	if !ok {
		return v, err
	}
	data, jerr := json.Marshal(enhanced)
	if jerr != nil {
		return v, err
	}
	return jsonValue{JSONValue(data)}, nil
}

// unknownQuery tells the Go SDK's failure of a query no handler is
// registered for (its text is pinned by the engine's sdktext_test.go).
func unknownQuery(err error, name string) bool {
	var qf *serviceerror.QueryFailed
	return errors.As(err, &qf) && strings.HasPrefix(qf.Message, "unknown queryType "+name+". ")
}

// jsonValue is a query answer made by the client: a json/plain payload,
// decoded with the default data converter (no codec encoded it).
type jsonValue struct {
	raw converter.RawValue
}

func (v jsonValue) HasValue() bool { return v.raw.Payload() != nil }

func (v jsonValue) Get(valuePtr any) error {
	if rv, ok := valuePtr.(*converter.RawValue); ok {
		*rv = v.raw
		return nil
	}
	return converter.GetDefaultDataConverter().FromPayload(v.raw.Payload(), valuePtr)
}
