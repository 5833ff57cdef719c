package engine

import (
	"fmt"
	"time"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// attributesModule: search attributes and memo.
var attributesModule = module{name: "attributes", exports: exports{
	"upsertSearchAttributes": func(r *run) any { return attributes{r}.upsertSearchAttributes },
	"upsertMemo":             func(r *run) any { return attributes{r}.upsertMemo },
}}

// attributes upserts search attributes and memo; it has no state of its own.
type attributes struct{ *run }

func (r attributes) upsertSearchAttributes(c goja.FunctionCall) goja.Value {
	r.requireContext("upsertSearchAttributes")
	r.requireWritable("upsertSearchAttributes")
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("upsertSearchAttributes: expected an object of attribute name to values, or an array of { key, value } updates"))
	}
	if o.ClassName() == "Array" {
		r.upsertTypedSearchAttributes(o)
		return goja.Undefined()
	}
	if err := workflow.UpsertSearchAttributes(r.ctx, r.searchAttributeMap(o)); err != nil {
		panic(r.vm.NewTypeError("upsertSearchAttributes: %v", err))
	}
	return goja.Undefined()
}

// upsertTypedSearchAttributes takes the TypeScript SDK's typed form: an array
// of { key: defineSearchAttributeKey(name, type), value } (value null or
// undefined unsets the attribute).
func (r attributes) upsertTypedSearchAttributes(list *goja.Object) {
	n := int(list.Get("length").ToInteger())
	updates := make([]temporal.SearchAttributeUpdate, 0, n)
	for i := 0; i < n; i++ {
		pair, ok := list.Get(fmt.Sprint(i)).(*goja.Object)
		if !ok {
			panic(r.vm.NewTypeError("upsertSearchAttributes: update %d is not a { key, value } object", i))
		}
		key, _ := pair.Get("key").(*goja.Object)
		if key == nil {
			panic(r.vm.NewTypeError("upsertSearchAttributes: update %d has no key; make one with defineSearchAttributeKey", i))
		}
		name, typ := str2(key.Get("name")), str2(key.Get("type"))
		v := pair.Get("value")
		unset := v == nil || goja.IsUndefined(v) || goja.IsNull(v)
		u, err := typedUpdate(name, typ, v, unset)
		if err != nil {
			panic(r.vm.NewTypeError("upsertSearchAttributes: %s: %v", name, err))
		}
		updates = append(updates, u)
	}
	if err := workflow.UpsertTypedSearchAttributes(r.ctx, updates...); err != nil {
		panic(r.vm.NewTypeError("upsertSearchAttributes: %v", err))
	}
}

func typedUpdate(name, typ string, v goja.Value, unset bool) (temporal.SearchAttributeUpdate, error) {
	switch typ {
	case "TEXT":
		k := temporal.NewSearchAttributeKeyString(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.String()), nil
	case "KEYWORD":
		k := temporal.NewSearchAttributeKeyKeyword(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.String()), nil
	case "INT":
		k := temporal.NewSearchAttributeKeyInt64(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToInteger()), nil
	case "DOUBLE":
		k := temporal.NewSearchAttributeKeyFloat64(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToFloat()), nil
	case "BOOL":
		k := temporal.NewSearchAttributeKeyBool(name)
		if unset {
			return k.ValueUnset(), nil
		}
		return k.ValueSet(v.ToBoolean()), nil
	case "DATETIME":
		k := temporal.NewSearchAttributeKeyTime(name)
		if unset {
			return k.ValueUnset(), nil
		}
		t, ok := v.Export().(time.Time)
		if !ok {
			return nil, fmt.Errorf("a DATETIME value must be a Date")
		}
		return k.ValueSet(t), nil
	case "KEYWORD_LIST":
		k := temporal.NewSearchAttributeKeyKeywordList(name)
		if unset {
			return k.ValueUnset(), nil
		}
		var list []string
		for _, x := range v.Export().([]any) {
			list = append(list, fmt.Sprint(x))
		}
		return k.ValueSet(list), nil
	default:
		return nil, fmt.Errorf("unknown search attribute type %q", typ)
	}
}

func (r attributes) upsertMemo(c goja.FunctionCall) goja.Value {
	r.requireContext("upsertMemo")
	r.requireWritable("upsertMemo")
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		panic(r.vm.NewTypeError("upsertMemo: expected an object"))
	}
	m, err := r.rawMap(o)
	if err != nil {
		panic(r.vm.NewTypeError("upsertMemo: %v", err))
	}
	if err := workflow.UpsertMemo(r.ctx, m); err != nil {
		panic(r.vm.NewTypeError("upsertMemo: %v", err))
	}
	return goja.Undefined()
}

// rawMap encodes a JS object's values as payloads, keeping them as JS wrote
// them.
func (r *run) rawMap(o *goja.Object) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range o.Keys() {
		p, err := r.rt.ToPayload(o.Get(k))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = converter.NewRawValue(p)
	}
	return out, nil
}

// searchAttributeMap reads the TypeScript SDK's (untyped) search attributes,
// Record<string, value[]>, as the Go SDK's map; single-valued attributes are
// unwrapped from their array.
func (r *run) searchAttributeMap(o *goja.Object) map[string]any {
	out := map[string]any{}
	for _, k := range o.Keys() {
		v := o.Get(k).Export()
		if arr, ok := v.([]any); ok && len(arr) == 1 {
			v = arr[0]
		}
		if t, ok := o.Get(k).Export().(time.Time); ok {
			v = t
		}
		out[k] = v
	}
	return out
}
