package engine

import (
	"fmt"
	"math"

	"github.com/dop251/goja"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/internal/wfrandom"
)

// randomModule: the workflow's deterministic randomness as the TypeScript
// SDK draws it, value for value (see wfrandom), seeded by the run's
// original execution run ID (the started event's attribute, which the Go
// SDK gives as Info.OriginalRunID). Math.random, uuid4() and workflowRandom
// draw from the run's sequence; getRandomStream(name) from one of its own.
// stream.with(fn) makes a stream the current one (what Math.random draws
// from) for fn and its continuations, through the async context.
var randomModule = module{name: "random", exports: exports{
	"getRandomStream": func(r *run) any { return r.random().getStream },
	"workflowRandom":  func(r *run) any { return r.random().defaultStream() },
}}

// asyncKey names the engine's own values in the async context (ctxVals).
type asyncKey int

const (
	asyncKeyRandom      asyncKey = iota + 1 // the current random stream: a *randomStream
	asyncKeyEventGroups                     // the active event groups: an *eventGroupScope
)

// randomState is the run's randomness, made on first use.
type randomState struct {
	*run
	seed  []byte                    // the seed's bytes, as the TypeScript SDK has them
	main  *wfrandom.Alea            // the workflow's sequence
	named map[string]*wfrandom.Alea // getRandomStream's sequences, by name
	proto *goja.Object              // prototype of stream objects
	slot  *goja.Symbol              // the property of a stream object holding its *randomStream
	def   *goja.Object              // workflowRandom
}

// randomStream is what a stream object stands for: a named sequence, or
// (name "" and main) the workflow's own.
type randomStream struct {
	name string
	main bool
}

var mainStream = &randomStream{main: true}

func (r *run) random() *randomState {
	if r.mods.random == nil {
		rs := &randomState{run: r}
		id := ""
		if r.ctx != nil {
			info := workflow.GetInfo(r.ctx)
			id = info.OriginalRunID
			if id == "" {
				id = info.WorkflowExecution.RunID
			}
		}
		rs.seed = wfrandom.RunSeed(id)
		rs.main = wfrandom.NewAlea(rs.seed)
		r.mods.random = rs
	}
	return r.mods.random
}

// currentRandom is Math.random: a draw from the current stream.
func (r *run) currentRandom() float64 {
	rs := r.random()
	if v, ok := r.cur.vals.get(asyncKeyRandom); ok {
		return rs.draw(v.(*randomStream))
	}
	return rs.main.Next()
}

// draw returns the next value of s.
func (rs *randomState) draw(s *randomStream) float64 {
	if s.main {
		return rs.main.Next()
	}
	a, ok := rs.named[s.name]
	if !ok {
		a = wfrandom.NewAlea(wfrandom.StreamSeed(rs.seed, s.name))
		if rs.named == nil {
			rs.named = map[string]*wfrandom.Alea{}
		}
		rs.named[s.name] = a
	}
	return a.Next()
}

// uuid4 is uuid4(): a version 4 UUID from four draws of the current stream,
// as the TypeScript SDK makes it.
func (r *run) uuid4() string { return wfrandom.UUID4(r.currentRandom) }

// getStream backs getRandomStream(name). Like the TypeScript SDK's, it
// works at the top level of the workflows file too (which tsworker also
// evaluates once when it loads the bundle, where nothing is drawn for a
// run).
func (rs *randomState) getStream(c goja.FunctionCall) goja.Value {
	o := rs.vm.CreateObject(rs.streamProto())
	name := c.Argument(0).String()
	_ = o.Set("name", name)
	_ = o.DefineDataPropertySymbol(rs.slot, rs.vm.ToValue(&randomStream{name: name}), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	return o
}

// defaultStream returns workflowRandom, the stream of the workflow's own
// sequence.
func (rs *randomState) defaultStream() *goja.Object {
	if rs.def == nil {
		rs.def = rs.vm.CreateObject(rs.streamProto())
		_ = rs.def.DefineDataPropertySymbol(rs.slot, rs.vm.ToValue(mainStream), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	return rs.def
}

// streamOf returns the stream behind a stream object (this of its methods).
func (rs *randomState) streamOf(v goja.Value) *randomStream {
	if o, ok := v.(*goja.Object); ok {
		if s, ok := o.GetSymbol(rs.slot).Export().(*randomStream); ok {
			return s
		}
	}
	panic(rs.vm.NewTypeError("not a workflow random stream"))
}

// streamProto makes the methods of stream objects: random, uuid4, fill and
// with, as the TypeScript SDK's streams have them.
func (rs *randomState) streamProto() *goja.Object {
	if rs.proto != nil {
		return rs.proto
	}
	p := rs.vm.NewObject()
	rs.slot = goja.NewSymbol("stream")
	method := func(name string, fn func(s *randomStream, c goja.FunctionCall) goja.Value) {
		_ = p.DefineDataProperty(name, rs.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			return fn(rs.streamOf(c.This), c)
		}), goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	}
	method("random", func(s *randomStream, _ goja.FunctionCall) goja.Value {
		return rs.vm.ToValue(rs.draw(s))
	})
	method("uuid4", func(s *randomStream, _ goja.FunctionCall) goja.Value {
		return rs.vm.ToValue(rs.withStream(s, rs.uuid4))
	})
	method("fill", func(s *randomStream, c goja.FunctionCall) goja.Value {
		bytes := c.Argument(0).ToObject(rs.vm)
		n := int(bytes.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			_ = bytes.Set(fmt.Sprint(i), math.Floor(rs.draw(s)*0x100))
		}
		return bytes
	})
	method("with", func(s *randomStream, c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			panic(rs.vm.NewTypeError("with: the argument must be a function"))
		}
		return rs.runWith(rs.cur.withVal(asyncKeyRandom, s), fn)
	})
	rs.proto = p
	return p
}

// withStream calls fn with s as the current stream.
func (rs *randomState) withStream(s *randomStream, fn func() string) string {
	prev := rs.cur
	rs.cur = rs.cur.withVal(asyncKeyRandom, s)
	defer func() { rs.cur = prev }()
	return fn()
}
