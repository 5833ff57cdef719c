package jsruntime

import (
	"fmt"
	"reflect"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
)

// Payload encodings shared with the other Temporal SDKs.
const (
	EncodingNull   = "binary/null"
	EncodingBinary = "binary/plain"
	EncodingJSON   = "json/plain"
	encodingProto  = "json/protobuf"
	metadataKey    = "encoding"
)

var bytesType = reflect.TypeOf([]byte(nil))

// ToPayload encodes a JS value with the bundle's payload converter (see
// PayloadConverterGlobal) if it has one, else as ToPayloadDefault.
func (r *Runtime) ToPayload(v goja.Value) (*commonpb.Payload, error) {
	if r.conv != nil {
		return r.conv.toPayload(v)
	}
	return r.ToPayloadDefault(v)
}

// FromPayload decodes a payload with the bundle's payload converter if it
// has one, else as FromPayloadDefault.
func (r *Runtime) FromPayload(p *commonpb.Payload) (goja.Value, error) {
	if r.conv != nil {
		return r.conv.fromPayload(p)
	}
	return r.FromPayloadDefault(p)
}

// ToPayloadDefault encodes a JS value as the TypeScript SDK's default payload
// converter does: undefined as binary/null, a Uint8Array as binary/plain,
// anything else as JSON. Search attributes are always encoded so.
func (r *Runtime) ToPayloadDefault(v goja.Value) (*commonpb.Payload, error) {
	if v == nil || goja.IsUndefined(v) {
		return &commonpb.Payload{Metadata: map[string][]byte{metadataKey: []byte(EncodingNull)}}, nil
	}
	if o, ok := v.(*goja.Object); ok && o.ExportType() == bytesType {
		b, _ := o.Export().([]byte)
		return &commonpb.Payload{
			Metadata: map[string][]byte{metadataKey: []byte(EncodingBinary)},
			Data:     append([]byte(nil), b...),
		}, nil
	}
	s, err := r.stringifyValue(v)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, fmt.Errorf("unable to convert %s to payload: not JSON-serializable", v.String())
	}
	return &commonpb.Payload{
		Metadata: map[string][]byte{metadataKey: []byte(EncodingJSON)},
		Data:     []byte(s),
	}, nil
}

// FromPayloadDefault decodes a payload into a JS value as the TypeScript
// SDK's default payload converter does: binary/null (and a missing payload)
// as undefined, binary/plain as a Uint8Array, JSON as JSON.parse would.
func (r *Runtime) FromPayloadDefault(p *commonpb.Payload) (goja.Value, error) {
	if p == nil {
		return goja.Undefined(), nil
	}
	enc := string(p.GetMetadata()[metadataKey])
	switch enc {
	case EncodingNull:
		return goja.Undefined(), nil
	case EncodingBinary:
		buf := r.VM.NewArrayBuffer(append([]byte(nil), p.GetData()...))
		return r.uint8Array(r.VM.ToValue(buf))
	case EncodingJSON, encodingProto:
		return r.parseJSON(string(p.GetData()))
	default:
		return nil, fmt.Errorf("unable to decode payload with encoding %q: tsworker understands binary/null, binary/plain, json/plain and json/protobuf", enc)
	}
}

func (r *Runtime) uint8Array(buf goja.Value) (goja.Value, error) {
	if r.uint8 == nil {
		r.uint8 = r.VM.Get("Uint8Array").ToObject(r.VM)
	}
	o, err := r.VM.New(r.uint8, buf)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (r *Runtime) stringifyValue(v goja.Value) (string, error) {
	if r.stringify == nil {
		j := r.VM.Get("JSON").ToObject(r.VM)
		r.stringify, _ = goja.AssertFunction(j.Get("stringify"))
		r.parse, _ = goja.AssertFunction(j.Get("parse"))
	}
	out, err := r.stringify(goja.Undefined(), v)
	if err != nil {
		return "", err
	}
	if goja.IsUndefined(out) {
		return "", nil
	}
	return out.String(), nil
}

func (r *Runtime) parseJSON(s string) (goja.Value, error) {
	if r.parse == nil {
		j := r.VM.Get("JSON").ToObject(r.VM)
		r.stringify, _ = goja.AssertFunction(j.Get("stringify"))
		r.parse, _ = goja.AssertFunction(j.Get("parse"))
	}
	return r.parse(goja.Undefined(), r.VM.ToValue(s))
}
