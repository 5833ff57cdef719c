package client

import (
	"go.temporal.io/sdk/converter"

	"github.com/tsworker/tsworker/internal/jsstack"
)

// StackTraceConverter returns dc (nil: the Go SDK's default) wrapped so that
// a worker's answer to the built-in __stack_trace query for a JS workflow
// run holds only the JS stacks of what the workflow waits on, as the
// TypeScript SDK's does: the Web UI's Call Stack tab shows no Go frames and
// no build paths. The Go SDK answers that query itself, with the status and
// Go stack of each coroutine, and encodes the answer with the client's data
// converter; the wrapper rewrites that one string and hands everything,
// the rewritten answer included, to dc, so a payload codec in dc still
// encodes it. It follows dc's serialization and workflow contexts.
//
// SDKOptions (and so Dial) installs it outermost, around Options.SDK's data
// converter. Workers whose client was made without these options answer
// with the Go SDK's text: the JS stacks, then the Go stacks.
func StackTraceConverter(dc converter.DataConverter) converter.DataConverter {
	return jsstack.Converter(dc)
}
