package engine

import "github.com/tsworker/tsworker/internal/jsstack"

// Texts of the Go SDK the engine depends on. The SDK does not promise them;
// sdktext_test.go pins each, so an upgrade that changes one fails there, in
// one place, rather than as an odd answer somewhere else.

const (
	// The Go SDK answers __stack_trace with each coroutine's status, and a
	// coroutine blocked in a selector reads "[blocked on <name>.Select]".
	// The loop names its selector so that this reads
	// "[blocked on JavaScript promises]", then the JS stacks, then
	// "[Go selector.Select]" before the Go stack (see nameSelector), and
	// the client's data converter (jsstack.Converter) keeps only the JS
	// stacks of the answer.
	selectorNamePrefix = jsstack.SelectorNamePrefix
	selectorNameSuffix = jsstack.SelectorNameSuffix

	// sdkCanceledMessage is the message of the failure the Go SDK makes of
	// a bare cancellation (temporal.NewCanceledError()); the TypeScript SDK
	// gives such a CancelledFailure no message.
	sdkCanceledMessage = "canceled"
)
