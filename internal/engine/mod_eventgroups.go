package engine

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"
)

// eventGroupsModule: createEventGroup (experimental in the TypeScript SDK
// 1.24). A marker has the TypeScript SDK's shape and ID (the given one, or
// the SHA-1 of the original run ID and the label), and withScope runs its
// function with the marker active in the async context, nested markers
// adding up, as in the TypeScript SDK. The Go SDK (1.50) writes its
// commands without event_group_markers and gives a worker no way to add
// them, so neither scoped markers nor the eventGroups option of activities,
// timers and children (accepted, and ignored) reach the history.
var eventGroupsModule = module{name: "eventGroups", exports: exports{
	"createEventGroup": func(r *run) any { return r.createEventGroup },
}}

// eventGroupScope is the set of markers active in an async context, by ID,
// in the order they were first entered. Nothing reads it yet: it is what
// commands would carry once the Go SDK can attach markers.
type eventGroupScope struct {
	ids     []string
	markers []*goja.Object
}

// createEventGroup backs createEventGroup(label, { id }).
func (r *run) createEventGroup(c goja.FunctionCall) goja.Value {
	label := c.Argument(0)
	var id string
	if o, ok := c.Argument(1).(*goja.Object); ok {
		if v := o.Get("id"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
			id = v.String()
		}
	}
	if id == "" {
		runID := ""
		if r.ctx != nil {
			info := workflow.GetInfo(r.ctx)
			if runID = info.OriginalRunID; runID == "" {
				runID = info.WorkflowExecution.RunID
			}
		}
		sum := sha1.Sum([]byte(runID + label.String()))
		id = hex.EncodeToString(sum[:])
	}
	m := r.vm.CreateObject(r.eventGroupProto())
	l := r.vm.NewObject()
	_ = l.Set("id", id)
	_ = l.Set("label", label)
	inner := r.vm.NewObject()
	_ = inner.Set("label", l)
	_ = m.Set("marker", inner)
	return m
}

// eventGroupProto returns the prototype of markers, with withScope.
func (r *run) eventGroupProto() *goja.Object {
	if r.mods.egProto != nil {
		return r.mods.egProto
	}
	p := r.vm.NewObject()
	_ = p.DefineDataProperty("withScope", r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
		r.requireContext("EventGroupMarker.withScope")
		m, ok := c.This.(*goja.Object)
		if !ok {
			panic(r.vm.NewTypeError("withScope: not an event group marker"))
		}
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			panic(r.vm.NewTypeError("withScope: the argument must be a function"))
		}
		id := m.Get("marker").ToObject(r.vm).Get("label").ToObject(r.vm).Get("id").String()
		// As the TypeScript SDK's object of markers by ID: a marker
		// entered again replaces itself in place.
		next := &eventGroupScope{}
		if v, ok := r.cur.vals.get(asyncKeyEventGroups); ok {
			prev := v.(*eventGroupScope)
			next.ids = slices.Clone(prev.ids)
			next.markers = slices.Clone(prev.markers)
		}
		if i := slices.Index(next.ids, id); i >= 0 {
			next.markers[i] = m
		} else {
			next.ids = append(next.ids, id)
			next.markers = append(next.markers, m)
		}
		return r.runWith(r.cur.withVal(asyncKeyEventGroups, next), fn)
	}), goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	r.mods.egProto = p
	return p
}
