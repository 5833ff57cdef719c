package jsruntime

import (
	"fmt"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
)

// PayloadObject returns p as the TypeScript SDK shows a payload to workflow
// code, in headers for instance: { metadata: { [key]: Uint8Array }, data:
// Uint8Array }. The bytes are copied.
func (r *Runtime) PayloadObject(p *commonpb.Payload) (goja.Value, error) {
	vm := r.VM
	meta := vm.NewObject()
	for k, b := range p.GetMetadata() {
		u, err := r.uint8Array(vm.ToValue(vm.NewArrayBuffer(append([]byte(nil), b...))))
		if err != nil {
			return nil, err
		}
		_ = meta.Set(k, u)
	}
	o := vm.NewObject()
	_ = o.Set("metadata", meta)
	if p.GetData() != nil {
		u, err := r.uint8Array(vm.ToValue(vm.NewArrayBuffer(append([]byte(nil), p.GetData()...))))
		if err != nil {
			return nil, err
		}
		_ = o.Set("data", u)
	}
	return o, nil
}

// PayloadFromObject reads a payload object (see PayloadObject) made by
// workflow code, such as defaultPayloadConverter.toPayload(value) returns.
func (r *Runtime) PayloadFromObject(v goja.Value) (*commonpb.Payload, error) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, fmt.Errorf("%s is not a payload: expected { metadata, data }", describe(v))
	}
	p := &commonpb.Payload{Metadata: map[string][]byte{}}
	if m, ok := o.Get("metadata").(*goja.Object); ok {
		for _, k := range m.Keys() {
			b, err := objectBytes(m.Get(k))
			if err != nil {
				return nil, fmt.Errorf("metadata %q: %w", k, err)
			}
			p.Metadata[k] = b
		}
	}
	if d := o.Get("data"); d != nil && !goja.IsUndefined(d) && !goja.IsNull(d) {
		b, err := objectBytes(d)
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		p.Data = b
	}
	return p, nil
}

// objectBytes copies a Uint8Array's bytes.
func objectBytes(v goja.Value) ([]byte, error) {
	if o, ok := v.(*goja.Object); ok && o.ExportType() == bytesType {
		b, _ := o.Export().([]byte)
		return append([]byte(nil), b...), nil
	}
	return nil, fmt.Errorf("%s is not a Uint8Array", describe(v))
}

func describe(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	return v.String()
}
