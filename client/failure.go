package client

import (
	"reflect"
	"unsafe"

	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// FailureConverter returns fc wrapped so that the failure of a workflow task
// failed by a JS exception is written as the TypeScript SDK writes it: the
// thrown error's own message, its JS stack (source-mapped), its cause chain
// (an unhandled rejection's UnhandledRejectionError has the rejected error
// as its cause), source TypeScriptSDK and no application failure info for
// an error that is not a Temporal failure. Everything else goes to fc
// unchanged. A nil fc stands for the Go SDK's default failure converter.
//
// SDKOptions (and so Dial) installs it around the failure converter of
// Options.SDK. A worker writes task failures with the failure converter of
// its client: a Go SDK client made without these options shows a JS task
// failure as the Go SDK shows any workflow panic, an ApplicationFailure of
// type PanicError, non-retryable, source GoSDK, with the stack of the
// workflow's goroutine and no cause (the JS stack is in the worker's log).
//
// When the worker's data converter has a payload codec, the engine encodes
// the failure's payloads, message and stack with it, as it does for the
// workflow failures it writes.
func FailureConverter(fc converter.FailureConverter) converter.FailureConverter {
	if fc == nil {
		fc = temporal.GetDefaultFailureConverter()
	}
	if _, ok := fc.(jsFailureConverter); ok {
		return fc
	}
	return jsFailureConverter{fc}
}

// jsFailureConverter is the failure converter FailureConverter returns.
type jsFailureConverter struct {
	converter.FailureConverter
}

var _ converter.FailureConverterWithSerializationContext = jsFailureConverter{}

// ErrorToFailure writes a JS task failure as the TypeScript SDK does, and
// any other error as the wrapped converter does.
func (c jsFailureConverter) ErrorToFailure(err error) *failurepb.Failure {
	if jf, ok := panicValue(err).(jsTaskFailure); ok {
		if f := jf.Failure(); f != nil {
			return f
		}
	}
	return c.FailureConverter.ErrorToFailure(err)
}

// WithSerializationContext passes the context on to the wrapped converter.
func (c jsFailureConverter) WithSerializationContext(ctx converter.SerializationContext) converter.FailureConverter {
	return jsFailureConverter{converter.WithFailureConverterSerializationContext(c.FailureConverter, ctx)}
}

// jsTaskFailure is the engine's error for a workflow task failed by JS
// code: it carries the failure the TypeScript SDK writes for it.
type jsTaskFailure interface {
	error
	Failure() *failurepb.Failure
}

// panicValue returns the value a workflow panicked with, when err is the
// Go SDK's workflow panic error, and nil otherwise.
//
// That error type (go.temporal.io/sdk/internal.workflowPanicError) is
// unexported and keeps the value in an unexported field, with no Unwrap: it
// is what the Go SDK hands the failure converter for a workflow task failed
// by a panic, and nothing else it hands over identifies the run's error
// (the message is the value's text, the stack the goroutine's). The field is
// read through reflection; a Go SDK that changes the type makes this return
// nil, and the failure is then the wrapped converter's (the tests of this
// package check the shape on the pinned Go SDK).
func panicValue(err error) any {
	v := reflect.ValueOf(err)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	s := v.Elem()
	if s.Kind() != reflect.Struct || s.Type().Name() != "workflowPanicError" || s.Type().PkgPath() != "go.temporal.io/sdk/internal" {
		return nil
	}
	f := s.FieldByName("value")
	if !f.IsValid() || f.Kind() != reflect.Interface || !f.CanAddr() {
		return nil
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}
