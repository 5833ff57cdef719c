package jsruntime

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
)

// PayloadConverterGlobal is the global a bundle built with a payload
// converter module (the TypeScript SDK's payloadConverterPath) assigns that
// module's payloadConverter to. A runtime whose bundle sets it converts every
// value into and out of the VM with it: workflow arguments and results,
// activity and child arguments and results, signals, queries, updates,
// memos, failure details; search attributes keep the default conversion, as
// in the TypeScript SDK.
const PayloadConverterGlobal = "__tsworker_payload_converter"

// jsConverter calls a JS PayloadConverter: toPayload(value) returns
// { metadata: { [key]: Uint8Array }, data?: Uint8Array }, fromPayload takes
// one.
type jsConverter struct {
	r        *Runtime
	obj      goja.Value
	to, from goja.Callable
}

// installConverter picks up the bundle's payload converter, if any.
func (r *Runtime) installConverter() error {
	v := r.VM.GlobalObject().Get(PayloadConverterGlobal)
	if v == nil || goja.IsUndefined(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return errors.New("the payload converter module's payloadConverter is not an object")
	}
	to, ok1 := goja.AssertFunction(o.Get("toPayload"))
	from, ok2 := goja.AssertFunction(o.Get("fromPayload"))
	if !ok1 || !ok2 {
		return errors.New("the payload converter module's payloadConverter needs toPayload and fromPayload methods")
	}
	r.conv = &jsConverter{r: r, obj: o, to: to, from: from}
	return nil
}

func (c *jsConverter) toPayload(v goja.Value) (*commonpb.Payload, error) {
	if v == nil {
		v = goja.Undefined()
	}
	out, err := c.to(c.obj, v)
	if err != nil {
		return nil, fmt.Errorf("payload converter: %w", err)
	}
	o, ok := out.(*goja.Object)
	if !ok {
		return nil, fmt.Errorf("payload converter: toPayload returned %s, not a payload", out.String())
	}
	p := &commonpb.Payload{Metadata: map[string][]byte{}}
	if m, ok := o.Get("metadata").(*goja.Object); ok {
		for _, k := range m.Keys() {
			b, err := c.bytes(m.Get(k))
			if err != nil {
				return nil, fmt.Errorf("payload converter: metadata %q: %w", k, err)
			}
			p.Metadata[k] = b
		}
	}
	if d := o.Get("data"); d != nil && !goja.IsUndefined(d) && !goja.IsNull(d) {
		b, err := c.bytes(d)
		if err != nil {
			return nil, fmt.Errorf("payload converter: data: %w", err)
		}
		p.Data = b
	}
	return p, nil
}

// bytes copies a Uint8Array's bytes.
func (c *jsConverter) bytes(v goja.Value) ([]byte, error) {
	if o, ok := v.(*goja.Object); ok && o.ExportType() == bytesType {
		b, _ := o.Export().([]byte)
		return append([]byte(nil), b...), nil
	}
	return nil, fmt.Errorf("%s is not a Uint8Array", v.String())
}

func (c *jsConverter) fromPayload(p *commonpb.Payload) (goja.Value, error) {
	if p == nil {
		return goja.Undefined(), nil
	}
	vm := c.r.VM
	meta := vm.NewObject()
	for k, b := range p.GetMetadata() {
		u, err := c.r.uint8Array(vm.ToValue(vm.NewArrayBuffer(append([]byte(nil), b...))))
		if err != nil {
			return nil, err
		}
		_ = meta.Set(k, u)
	}
	payload := vm.NewObject()
	_ = payload.Set("metadata", meta)
	if p.Data != nil {
		u, err := c.r.uint8Array(vm.ToValue(vm.NewArrayBuffer(append([]byte(nil), p.Data...))))
		if err != nil {
			return nil, err
		}
		_ = payload.Set("data", u)
	}
	v, err := c.from(c.obj, payload)
	if err != nil {
		return nil, fmt.Errorf("payload converter: %w", err)
	}
	return v, nil
}
