package engine

import (
	"fmt"
	"sort"
	"time"

	"github.com/dop251/goja"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// attributesModule: search attributes and memo.
var attributesModule = module{name: "attributes", exports: exports{
	"upsertSearchAttributes": func(r *run) any { return attributes{r}.upsertSearchAttributes },
	"upsertMemo":             func(r *run) any { return attributes{r}.upsertMemo },
	"TypedSearchAttributes":  func(r *run) any { return r.typedSearchAttributesClass() },
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
// Record<string, value[]>, as the Go SDK's map of payloads: each value is
// encoded as given, as the TypeScript SDK does (a list stays a list; Dates
// become ISO strings).
func (r *run) searchAttributeMap(o *goja.Object) map[string]any {
	out := map[string]any{}
	for _, k := range o.Keys() {
		if v, ok := o.Get(k).(*goja.Object); !ok || v.ClassName() != "Array" {
			r.throwValueError("SearchAttribute value must be an array")
		}
		p, err := r.rt.ToPayloadDefault(o.Get(k))
		if err != nil {
			panic(r.vm.NewTypeError("search attribute %s: %v", k, err))
		}
		out[k] = p
	}
	return out
}

// throwValueError throws the TypeScript SDK's ValueError.
func (r *run) throwValueError(msg string) {
	e, err := r.vm.New(r.ensureClasses().obj.Get("ValueError"), r.vm.ToValue(msg))
	if err != nil {
		panic(r.vm.NewTypeError(msg))
	}
	panic(e)
}

// typedSearchAttributesSource defines the TypeScript SDK's
// TypedSearchAttributes class (same API and behaviour). It is compiled once
// and run in a run's VM the first time the run uses the class.
const typedSearchAttributesSource = `(function () {
  const valid = (type, v) => {
    switch (type) {
      case 'TEXT': case 'KEYWORD': return typeof v === 'string';
      case 'INT': return Number.isInteger(v);
      case 'DOUBLE': return typeof v === 'number';
      case 'BOOL': return typeof v === 'boolean';
      case 'DATETIME': return v instanceof Date;
      case 'KEYWORD_LIST': return Array.isArray(v) && v.every((x) => typeof x === 'string');
      default: return false;
    }
  };
  class TypedSearchAttributeValue {
    constructor(type, value) { this._type = type; this._value = value; }
    get type() { return this._type; }
    get value() { return this._value; }
  }
  class TypedSearchAttributes {
    constructor(initialAttributes) {
      this.searchAttributes = {};
      if (initialAttributes === undefined) return;
      for (const pair of initialAttributes) {
        if (pair.key.name in this.searchAttributes) throw new Error('Duplicate search attribute key: ' + pair.key.name);
        this.searchAttributes[pair.key.name] = new TypedSearchAttributeValue(pair.key.type, pair.value);
      }
    }
    get(key) {
      const attr = this.searchAttributes[key.name];
      if (attr === undefined || !valid(key.type, attr.value)) return undefined;
      return attr.value;
    }
    copy() {
      const state = {};
      for (const [key, attr] of Object.entries(this.searchAttributes)) {
        let value = attr.value;
        if (value instanceof Date) value = new Date(value);
        else if (Array.isArray(value)) value = [...value];
        state[key] = new TypedSearchAttributeValue(attr.type, value);
      }
      const res = new TypedSearchAttributes();
      res.searchAttributes = state;
      return res;
    }
    toJSON() { return this.getAll(); }
    updateCopy(updates) {
      const res = this.copy();
      res.update(updates);
      return res;
    }
    update(updates) {
      for (const pair of updates) {
        if (pair.value === null) {
          const attr = this.searchAttributes[pair.key.name];
          if (attr && attr.type === pair.key.type) delete this.searchAttributes[pair.key.name];
          continue;
        }
        this.searchAttributes[pair.key.name] = new TypedSearchAttributeValue(pair.key.type, pair.value);
      }
    }
    getAll() {
      const res = [];
      for (const [name, attr] of Object.entries(this.searchAttributes)) {
        if (valid(attr.type, attr.value)) res.push({ key: { name, type: attr.type }, value: attr.value });
      }
      return res;
    }
  }
  return TypedSearchAttributes;
})()`

var typedSearchAttributesProg = goja.MustCompile("TypedSearchAttributes", typedSearchAttributesSource, true)

// typedSearchAttributesClass returns the run's TypedSearchAttributes class,
// defining it on first use.
func (r *run) typedSearchAttributesClass() *goja.Object {
	if r.mods.typedSA == nil {
		v, err := r.vm.RunProgram(typedSearchAttributesProg)
		if err != nil {
			panic(fmt.Errorf("tsworker: define TypedSearchAttributes: %w", err))
		}
		r.mods.typedSA = v.ToObject(r.vm)
	}
	return r.mods.typedSA
}

// saTypes maps the "type" metadata of search attribute payloads to the
// TypeScript SDK's SearchAttributeType.
var saTypes = map[string]string{
	"Text": "TEXT", "Keyword": "KEYWORD", "Int": "INT", "Double": "DOUBLE", "Bool": "BOOL",
	"Datetime": "DATETIME", "KeywordList": "KEYWORD_LIST",
	"INDEXED_VALUE_TYPE_TEXT": "TEXT", "INDEXED_VALUE_TYPE_KEYWORD": "KEYWORD", "INDEXED_VALUE_TYPE_INT": "INT",
	"INDEXED_VALUE_TYPE_DOUBLE": "DOUBLE", "INDEXED_VALUE_TYPE_BOOL": "BOOL", "INDEXED_VALUE_TYPE_DATETIME": "DATETIME",
	"INDEXED_VALUE_TYPE_KEYWORD_LIST": "KEYWORD_LIST",
}

// typedSearchAttributes makes workflowInfo().typedSearchAttributes: a
// TypedSearchAttributes of the run's search attributes, read as the
// TypeScript SDK reads them (by the payload's type metadata; a payload
// without one, which an untyped upsert writes, by its value).
func (r *run) typedSearchAttributes(sa *commonpb.SearchAttributes) goja.Value {
	fields := sa.GetIndexedFields()
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	pairs := make([]any, 0, len(names))
	for _, name := range names {
		p := fields[name]
		v, err := r.rt.FromPayloadDefault(p)
		if err != nil {
			continue
		}
		typ, ok := saTypes[string(p.GetMetadata()["type"])]
		if !ok {
			typ = untypedSearchAttributeType(v)
		}
		if typ == "" {
			continue
		}
		if o, isObj := v.(*goja.Object); isObj && o.ClassName() == "Array" && typ != "KEYWORD_LIST" {
			if o.Get("length").ToInteger() != 1 {
				continue
			}
			v = o.Get("0")
		}
		if typ == "DATETIME" {
			d, err := r.vm.New(r.vm.Get("Date"), v)
			if err != nil {
				continue
			}
			v = d
		}
		key := r.vm.NewObject()
		_ = key.Set("name", name)
		_ = key.Set("type", typ)
		pair := r.vm.NewObject()
		_ = pair.Set("key", key)
		_ = pair.Set("value", v)
		pairs = append(pairs, pair)
	}
	// The class drops values that do not fit their type, as the
	// TypeScript SDK does.
	o, err := r.vm.New(r.typedSearchAttributesClass(), r.vm.NewArray(pairs...))
	if err != nil {
		panic(r.taskFailure("typedSearchAttributes", err))
	}
	return o
}

// untypedSearchAttributeType guesses the type of a search attribute value
// that carries none, as the TypeScript SDK's getKeyFromUntyped does.
func untypedSearchAttributeType(v goja.Value) string {
	x := v.Export()
	if arr, ok := x.([]any); ok {
		if len(arr) != 1 {
			for _, e := range arr {
				if _, ok := e.(string); !ok {
					return ""
				}
			}
			return "KEYWORD_LIST"
		}
		x = arr[0]
	}
	switch e := x.(type) {
	case string:
		if _, err := time.Parse(time.RFC3339Nano, e); err == nil {
			return "DATETIME"
		}
		return "TEXT"
	case int64:
		return "INT"
	case float64:
		if e == float64(int64(e)) {
			return "INT"
		}
		return "DOUBLE"
	case bool:
		return "BOOL"
	}
	return ""
}
