// Package harness holds what the in-memory and the server test
// environments share (activity naming is internal/actreg's): the data
// converter that sends several signal arguments, the test logger and update
// outcomes.
package harness

import (
	"context"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// Args is a list of arguments that travels as one value through Go SDK
// calls taking a single argument (SignalWorkflow), and is encoded by
// DataConverter as one payload per element.
type Args []any

// DataConverter is the default data converter, except that an Args value
// becomes one payload per element: JS signal handlers take any number of
// arguments, while the Go SDK's SignalWorkflow takes one.
type DataConverter struct{ converter.DataConverter }

// NewDataConverter wraps the default data converter.
func NewDataConverter() DataConverter {
	return DataConverter{converter.GetDefaultDataConverter()}
}

// ToPayloads implements converter.DataConverter.
func (d DataConverter) ToPayloads(values ...any) (*commonpb.Payloads, error) {
	if len(values) == 1 {
		if a, ok := values[0].(Args); ok {
			if len(a) == 0 {
				return &commonpb.Payloads{}, nil
			}
			return d.DataConverter.ToPayloads(a...)
		}
	}
	return d.DataConverter.ToPayloads(values...)
}

// ValueFunc returns an activity function that returns what returns says:
// a result, an error, or (result, error). It takes any arguments, as raw
// values, and its result type is the result's own, so the Go SDK's mocks
// accept it. mockReturns is what a Go SDK mock standing in front of it
// returns.
func ValueFunc(returns []any) (fn any, mockReturns []any, err error) {
	var result any
	var resErr error
	switch len(returns) {
	case 0:
	case 1:
		if e, ok := returns[0].(error); ok {
			resErr = e
		} else {
			result = returns[0]
		}
	case 2:
		result = returns[0]
		if returns[1] != nil {
			e, ok := returns[1].(error)
			if !ok {
				return nil, nil, fmt.Errorf("the second value must be an error, got %T", returns[1])
			}
			resErr = e
		}
	default:
		return nil, nil, fmt.Errorf("want a result, an error, (result, error) or a function; got %d values", len(returns))
	}
	out := reflect.TypeFor[any]()
	if result != nil {
		out = reflect.TypeOf(result)
		if k := out.Kind(); k == reflect.Func || k == reflect.Chan || k == reflect.UnsafePointer {
			return nil, nil, fmt.Errorf("a %T result cannot be encoded", result)
		}
	}
	in := []reflect.Type{reflect.TypeFor[context.Context]()}
	for range ValueFuncArity {
		in = append(in, reflect.TypeFor[converter.RawValue]())
	}
	ft := reflect.FuncOf(in, []reflect.Type{out, reflect.TypeFor[error]()}, false)
	resV, errV := reflect.Zero(out), reflect.Zero(reflect.TypeFor[error]())
	if result != nil {
		resV = reflect.ValueOf(result)
	}
	if resErr != nil {
		errV = reflect.ValueOf(&resErr).Elem()
	}
	f := reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value { return []reflect.Value{resV, errV} })
	return f.Interface(), []any{result, resErr}, nil
}

// ValueFuncArity is how many arguments a ValueFunc declares; JS may call
// an activity with any number, and payloads beyond the parameters are
// ignored by the data converter.
const ValueFuncArity = 16
