package jsruntime

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// The payload encodings shared with the other Temporal SDKs are the Go
// SDK's (converter.MetadataEncoding*), defined once there.
const (
	encodingNull   = converter.MetadataEncodingNil
	encodingBinary = converter.MetadataEncodingBinary
	encodingJSON   = converter.MetadataEncodingJSON
	encodingProto  = converter.MetadataEncodingProtoJSON
	metadataKey    = converter.MetadataEncoding
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
		return &commonpb.Payload{Metadata: map[string][]byte{metadataKey: []byte(encodingNull)}}, nil
	}
	if o, ok := v.(*goja.Object); ok && o.ExportType() == bytesType {
		b, _ := o.Export().([]byte)
		return &commonpb.Payload{
			Metadata: map[string][]byte{metadataKey: []byte(encodingBinary)},
			Data:     append([]byte(nil), b...),
		}, nil
	}
	if data, ok := jsonFast(v); ok {
		return &commonpb.Payload{
			Metadata: map[string][]byte{metadataKey: []byte(encodingJSON)},
			Data:     data,
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
		Metadata: map[string][]byte{metadataKey: []byte(encodingJSON)},
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
	case encodingNull:
		return goja.Undefined(), nil
	case encodingBinary:
		buf := r.VM.NewArrayBuffer(append([]byte(nil), p.GetData()...))
		return r.uint8Array(r.VM.ToValue(buf))
	case encodingJSON, encodingProto:
		if v, ok := r.parseFast(p.GetData()); ok {
			return v, nil
		}
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
	text := r.VM.ToValue(s)
	v, err := r.parse(goja.Undefined(), text)
	if err != nil {
		// Worded as the wrapper of JSON.parse (jsonerr.go) words it.
		return nil, r.VM.Try(func() { panic(r.v8JSONException(err, text)) })
	}
	return v, nil
}

// The fast paths below encode and decode the simplest values (strings of
// printable ASCII that need no escape, integers, booleans, null) without
// going through JSON.stringify and JSON.parse, which build a JSON encoder
// or decoder for every value; they give the same bytes and values. Anything
// else takes the slow path.

// maxFastInt bounds the integers of the fast paths: all of them are exact
// in a float64 (2^53 - 1).
const maxFastInt = 1<<53 - 1

// jsonFast encodes v as JSON.stringify would, if v is simple enough.
func jsonFast(v goja.Value) ([]byte, bool) {
	switch {
	case goja.IsNull(v):
		return []byte("null"), true
	case goja.IsString(v):
		s := v.String()
		if !plainASCII(s) {
			return nil, false
		}
		b := make([]byte, 0, len(s)+2)
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), true
	}
	switch x := v.Export().(type) {
	case bool:
		return strconv.AppendBool(nil, x), true
	case int64:
		if x >= -maxFastInt && x <= maxFastInt {
			return strconv.AppendInt(nil, x, 10), true
		}
	}
	return nil, false
}

// parseFast decodes data as JSON.parse would, if it is simple enough.
func (r *Runtime) parseFast(data []byte) (goja.Value, bool) {
	switch string(data) {
	case "null":
		return goja.Null(), true
	case "true":
		return r.VM.ToValue(true), true
	case "false":
		return r.VM.ToValue(false), true
	}
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' {
		s := data[1 : n-1]
		if !plainASCII(string(s)) {
			return nil, false
		}
		return r.VM.ToValue(string(s)), true
	}
	if i, ok := fastInt(data); ok {
		return r.VM.ToValue(i), true
	}
	return nil, false
}

// plainASCII reports whether s holds only printable ASCII that JSON
// writes as is (no quote, no backslash).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// fastInt reads a JSON integer without fraction or exponent: an optional
// minus and digits without a leading zero, at most 15 of them, not -0.
func fastInt(data []byte) (int64, bool) {
	d := data
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 || (d[0] == '0' && (len(d) > 1 || len(data) > 1)) {
		return 0, false
	}
	var n int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(d) < len(data) {
		n = -n
	}
	return n, true
}
