package engine

import (
	"fmt"
	"math"
	"reflect"

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
//
// Reset. A run made by a workflow reset carries, at the reset point, a
// workflow task failed event with cause RESET_WORKFLOW and the new run's ID.
// sdk-core turns that event into an UpdateRandomSeed job (the SipHash 1-3 of
// that ID), sorted before the signals, updates and resolutions of its
// activation, and the TypeScript SDK then reseeds the workflow's sequence
// and restarts every named stream from the new seed. The Go SDK records the
// same ID when it processes the event, before the run's coroutines run for
// that workflow task (see resetRunID); the run compares it with the ID it
// was seeded from at each draw and reseeds the same way, except while the
// run initializes (see initialized).
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
	seedID string                    // the run ID seed was made from
	jobs   bool                      // the run's initialization is over (see initialized)
	info   *workflow.Info            // the run's, which the Go SDK updates in place
	seed   []byte                    // the seed's bytes, as the TypeScript SDK has them
	main   *wfrandom.Alea            // the workflow's sequence
	named  map[string]*wfrandom.Alea // getRandomStream's sequences, by name
	proto  *goja.Object              // prototype of stream objects
	slot   *goja.Symbol              // the property of a stream object holding its *randomStream
	def    *goja.Object              // workflowRandom
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
		r.mods.random = &randomState{run: r}
	}
	return r.mods.random
}

// refresh seeds the run's randomness on first use, and again after the Go
// SDK has met a reset (see randomModule). It runs at every draw, so it
// keeps the run's Info (the Go SDK has one per run and writes the reset's
// run ID into it) rather than asking workflow.GetInfo each time: a check
// costs a field read.
func (rs *randomState) refresh() {
	id := ""
	if rs.ctx != nil {
		if rs.info == nil {
			rs.info = workflow.GetInfo(rs.ctx)
		}
		id = seedRunID(rs.info, rs.jobs)
	}
	if rs.main == nil || id != rs.seedID {
		rs.reseed(id)
	}
}

// initialized marks the end of the run's initialization: the workflows
// file's top level and the interceptor factories draw from the seed of the
// original run ID, as in the TypeScript SDK, which runs them with the seed
// of the InitializeWorkflow job and applies an UpdateRandomSeed job of the
// same activation after, before the workflow function starts.
func (rs *randomState) initialized() { rs.jobs = true }

// reseed seeds the run's randomness from run ID id, as the TypeScript SDK
// does at the start and on UpdateRandomSeed: the workflow's sequence starts
// over from the new seed and named streams are derived from it afresh when
// next drawn from (stream objects look their sequence up by name).
func (rs *randomState) reseed(id string) {
	rs.seedID = id
	rs.seed = wfrandom.RunSeed(id)
	rs.main = wfrandom.NewAlea(rs.seed)
	clear(rs.named)
}

// seedRunID returns the run ID the run's randomness is seeded from now: the
// new run ID of the last reset the Go SDK has processed (resetRunID; not
// during the run's initialization), else the original execution run ID,
// else (in the Go SDK's test environment, which has neither) the run's own.
func seedRunID(info *workflow.Info, initialized bool) string {
	if id := resetRunID(info); id != "" && initialized {
		return id
	}
	if info.OriginalRunID != "" {
		return info.OriginalRunID
	}
	return info.WorkflowExecution.RunID
}

// currentRunIDField locates the Go SDK's unexported WorkflowInfo field
// currentRunID: the original execution run ID, replaced by the new run ID
// when the SDK processes a workflow task failed event with cause
// RESET_WORKFLOW (internal_event_handlers.go), where the Go SDK reseeds its
// own GetRandomStream streams. No exported field or call gives it. nil if
// the SDK has no such field (TestResetRunID fails then).
var currentRunIDField = func() []int {
	f, ok := reflect.TypeFor[workflow.Info]().FieldByName("currentRunID")
	if !ok || f.Type.Kind() != reflect.String {
		return nil
	}
	return f.Index
}()

// resetRunID returns the Go SDK's current run ID of the run (see
// currentRunIDField); "" where the SDK does not set it (its test
// environment).
func resetRunID(info *workflow.Info) string {
	if currentRunIDField == nil {
		return ""
	}
	// Reading (not setting) an unexported string field is allowed.
	return reflect.ValueOf(info).Elem().FieldByIndex(currentRunIDField).String()
}

// currentRandom is Math.random: a draw from the current stream.
func (r *run) currentRandom() float64 {
	if v, ok := r.cur.vals.get(asyncKeyRandom); ok {
		return r.random().draw(v.(*randomStream))
	}
	return r.random().draw(mainStream)
}

// draw returns the next value of s.
func (rs *randomState) draw(s *randomStream) float64 {
	rs.refresh()
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
