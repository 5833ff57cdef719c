package jsstack

import (
	"context"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// The Go SDK answers the built-in __stack_trace query itself, before any
// handler, with the status and Go stack of each of the run's coroutines:
//
//	coroutine root [blocked on <selector name>.Select]:
//	<Go stack>
//
// with a blank line between coroutines. The engine names the selector its
// loop blocks on after the JS stacks of what the workflow waits on, between
// SelectorNamePrefix and SelectorNameSuffix, so that its coroutine reads
//
//	coroutine root [blocked on JavaScript promises]
//	    at nap (workflows.ts:9:9)
//
//	    at waiting (workflows.ts:18:9)
//
//	[Go selector.Select]:
//	<Go stack>
//
// (IdleSelectorName when it waits on no operation). Answer finds those
// stacks again; the engine's sdktext_test.go pins the Go SDK texts it
// relies on.
const (
	SelectorNamePrefix = "JavaScript promises]\n"
	SelectorNameSuffix = "\n\n[Go selector"
	// IdleSelectorName is the selector's name when the run waits on no
	// operation with a stack (a promise nothing will resolve, a signal).
	IdleSelectorName = SelectorNamePrefix + SelectorNameSuffix

	jsOpen  = "[blocked on " + SelectorNamePrefix
	jsClose = SelectorNameSuffix + ".Select]:"
)

// Answer returns the JS stacks in a Go SDK __stack_trace answer for a run of
// JS workflow code, as the TypeScript SDK answers it: the stacks of what
// the workflow waits on, a blank line between them, and nothing of the Go
// coroutines. ok is false when s is not such an answer.
func Answer(s string) (stacks string, ok bool) {
	if !strings.HasPrefix(s, "coroutine ") {
		return "", false
	}
	var out []string
	for rest := s; ; {
		i := strings.Index(rest, jsOpen)
		if i < 0 {
			break
		}
		// The marker is the status of a coroutine's header line.
		line := rest[strings.LastIndexByte(rest[:i], '\n')+1 : i]
		if !strings.HasPrefix(line, "coroutine ") || strings.ContainsAny(line, "[]") {
			return "", false
		}
		rest = rest[i+len(jsOpen):]
		j := strings.Index(rest, jsClose)
		if j < 0 {
			return "", false
		}
		if st := rest[:j]; st != "" {
			out = append(out, st)
		}
		rest = rest[j+len(jsClose):]
		ok = true
	}
	if !ok {
		return "", false
	}
	return strings.Join(out, "\n\n"), true
}

// Converter returns dc (nil: the Go SDK's default) wrapped so that the
// answer the Go SDK gives to __stack_trace for a JS workflow run, which it
// encodes with the client's data converter as a single string, holds only
// the JS stacks (Answer): the Web UI's Call Stack tab and `workflow query
// --name __stack_trace` then show no Go frames and no build paths. Every
// other value goes to dc unchanged, and dc encodes the rewritten answer
// too, so a payload codec inside it still applies. It follows dc's
// serialization and workflow/activity contexts.
func Converter(dc converter.DataConverter) converter.DataConverter {
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	if _, ok := dc.(stackTraceConverter); ok {
		return dc
	}
	return stackTraceConverter{dc}
}

type stackTraceConverter struct {
	converter.DataConverter
}

var (
	_ converter.ContextAware                          = stackTraceConverter{}
	_ converter.DataConverterWithSerializationContext = stackTraceConverter{}
)

// ToPayloads rewrites a __stack_trace answer, the Go SDK's only use of it
// with one string.
func (c stackTraceConverter) ToPayloads(values ...any) (*commonpb.Payloads, error) {
	if len(values) == 1 {
		if s, ok := values[0].(string); ok {
			if js, ok := Answer(s); ok {
				values = []any{js}
			}
		}
	}
	return c.DataConverter.ToPayloads(values...)
}

// WithWorkflowContext is the wrapped converter's, wrapped.
func (c stackTraceConverter) WithWorkflowContext(ctx converter.WorkflowContext) converter.DataConverter {
	if d, ok := c.DataConverter.(converter.ContextAware); ok {
		return stackTraceConverter{d.WithWorkflowContext(ctx)}
	}
	return c
}

// WithContext is the wrapped converter's, wrapped.
func (c stackTraceConverter) WithContext(ctx context.Context) converter.DataConverter {
	if d, ok := c.DataConverter.(converter.ContextAware); ok {
		return stackTraceConverter{d.WithContext(ctx)}
	}
	return c
}

// WithSerializationContext is the wrapped converter's, wrapped.
func (c stackTraceConverter) WithSerializationContext(ctx converter.SerializationContext) converter.DataConverter {
	if d, ok := c.DataConverter.(converter.DataConverterWithSerializationContext); ok {
		return stackTraceConverter{d.WithSerializationContext(ctx)}
	}
	return c
}
