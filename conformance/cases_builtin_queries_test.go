package conformance

import (
	"context"
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// TestBuiltinQueries queries the TypeScript SDK's built-in queries
// (stackTraceQuery, enhancedStackTraceQuery, workflowMetadataQuery) of a
// run waiting on a timer and a condition, through tsworker's client and
// through a plain Go SDK client: the worker's answers to __stack_trace and
// __temporal_workflow_metadata do not depend on the client that asks;
// __enhanced_stack_trace is answered by tsworker's client alone.
func TestBuiltinQueries(t *testing.T) {
	both := func(q func(d *driver)) func(d *driver) {
		return func(d *driver) {
			d.startIdle("builtinQueries")
			q(d)
			plainClient(d, q)
			d.signal("bqDone")
			d.result()
		}
	}
	runCases(t, []tcase{
		{"builtinStackTrace", both(func(d *driver) { d.stackTrace("napFor", "waitUntilDone") })},
		{"builtinEnhancedStackTrace", both(func(d *driver) { d.enhancedStackTrace("napFor", "waitUntilDone") })},
		{"builtinMetadata", both(func(d *driver) {
			d.query("__temporal_workflow_metadata")
			d.metadataHandlers()
		})},
	})
}

// plainClient runs f with d's client replaced by a Go SDK client made
// without tsworker's options, on the same connection, recording its steps
// with a "plain " prefix.
func plainClient(d *driver, f func(d *driver)) {
	c, err := client.NewClientFromExisting(d.c, client.Options{})
	if err != nil {
		d.obs.add("plain client", describeError(err))
		return
	}
	defer c.Close()
	pd := *d
	pd.c = c
	pd.obs = &observation{}
	f(&pd)
	for _, s := range pd.obs.steps {
		d.obs.add("plain "+s.Name, s.Value)
	}
}

// stackFrame is a frame line of a __stack_trace answer, as V8 writes it.
var stackFrame = regexp.MustCompile(`^    at (\S+) \(([^()]+)\)$`)

// stackTrace queries __stack_trace and records the answer's shape: its
// lines and file positions cannot be equal, since the TypeScript SDK maps
// V8 positions of its webpack bundle through a source map (which also
// renames some frames after identifiers near them, such as "ms"), tsworker
// goja positions of its esbuild bundle, and V8 gives one stack per pending
// promise of the async call chain, goja one per pending operation. What
// must hold on both: the answer is stacks of well-formed frames separated
// by blank lines, the frames with a file position name the workflow's
// source file, and each of fns (functions the run waits in) names a frame.
// Frames without a file position (tsworker's "at sleep
// (@temporalio/workflow)", the API function called) are not compared.
func (d *driver) stackTrace(fns ...string) {
	ctx, cancel := ctxWait()
	defer cancel()
	v, err := d.c.QueryWorkflow(ctx, d.id, "", "__stack_trace")
	var s string
	if err == nil {
		err = v.Get(&s)
	}
	if err != nil {
		d.obs.add("query __stack_trace", describeError(err))
		return
	}
	wellFormed := s != ""
	files := map[string]bool{}
	named := map[string]bool{}
	for _, st := range strings.Split(s, "\n\n") {
		for _, line := range strings.Split(st, "\n") {
			m := stackFrame.FindStringSubmatch(line)
			if m == nil {
				wellFormed = false
				continue
			}
			file, _, hasPos := strings.Cut(m[2], ":")
			if !hasPos {
				continue
			}
			files[path.Base(file)] = true
			named[m[1]] = true
		}
	}
	waits := map[string]any{}
	for _, fn := range fns {
		waits[fn] = named[fn]
	}
	d.obs.add("query __stack_trace", map[string]any{"wellFormed": wellFormed, "files": sortedKeys(files), "waitsIn": waits})
}

// metadataHandlers queries __temporal_workflow_metadata and records the
// workflow's own handlers it lists (names not starting with "__"), sorted
// by name, with their descriptions, and the current details: what must be
// equal even where the answer's order and built-in queries are the Go
// SDK's (see accepted.go).
func (d *driver) metadataHandlers() {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	v, err := d.c.QueryWorkflow(ctx, d.id, "", "__temporal_workflow_metadata")
	var md struct {
		Definition struct {
			Type                                                   string
			QueryDefinitions, SignalDefinitions, UpdateDefinitions []struct{ Name, Description string }
		}
		CurrentDetails string
	}
	// Both answers are JSON (json/protobuf from the Go SDK, json/plain
	// from the TypeScript SDK), with the same field names.
	var raw converter.RawValue
	if err == nil {
		err = v.Get(&raw)
	}
	if err == nil {
		err = json.Unmarshal(raw.Payload().GetData(), &md)
	}
	if err != nil {
		d.obs.add("metadata handlers", describeError(err))
		return
	}
	own := func(defs []struct{ Name, Description string }) []any {
		var out []string
		desc := map[string]string{}
		for _, def := range defs {
			if !strings.HasPrefix(def.Name, "__") {
				out = append(out, def.Name)
				desc[def.Name] = def.Description
			}
		}
		slices.Sort(out)
		res := []any{}
		for _, n := range out {
			res = append(res, map[string]any{"name": n, "description": desc[n]})
		}
		return res
	}
	d.obs.add("metadata handlers", map[string]any{
		"type": md.Definition.Type, "currentDetails": md.CurrentDetails,
		"queries": own(md.Definition.QueryDefinitions), "signals": own(md.Definition.SignalDefinitions),
		"updates": own(md.Definition.UpdateDefinitions),
	})
}

// enhancedStackTrace queries __enhanced_stack_trace and records the
// answer's encoding and shape: its sdk, its keys, the keys of its
// locations, its sources, and, as for stackTrace, the source files of the
// locations with a line and whether each of fns names one. Positions and
// the number of stacks differ for the reasons stackTrace gives.
func (d *driver) enhancedStackTrace(fns ...string) {
	ctx, cancel := ctxWait()
	defer cancel()
	v, err := d.c.QueryWorkflow(ctx, d.id, "", "__enhanced_stack_trace")
	var raw converter.RawValue
	if err == nil {
		err = v.Get(&raw)
	}
	var st map[string]any
	if err == nil {
		err = json.Unmarshal(raw.Payload().GetData(), &st)
	}
	if err != nil {
		d.obs.add("query __enhanced_stack_trace", describeError(err))
		return
	}
	keys := map[string]bool{}
	for k := range st {
		keys[k] = true
	}
	locKeys, files, named := map[string]bool{}, map[string]bool{}, map[string]bool{}
	stacks, _ := st["stacks"].([]any)
	for _, s := range stacks {
		locs, _ := s.(map[string]any)["locations"].([]any)
		for _, l := range locs {
			loc, _ := l.(map[string]any)
			for k := range loc {
				if k != "line" && k != "column" || loc["line"] != nil {
					locKeys[k] = true
				}
			}
			if loc["line"] == nil || loc["internal_code"] == true {
				continue
			}
			if f, ok := loc["file_path"].(string); ok {
				files[path.Base(f)] = true
			}
			if fn, ok := loc["function_name"].(string); ok {
				named[fn] = true
			}
		}
	}
	waits := map[string]any{}
	for _, fn := range fns {
		waits[fn] = named[fn]
	}
	d.obs.add("query __enhanced_stack_trace", map[string]any{
		"encoding": string(raw.Payload().GetMetadata()["encoding"]),
		"keys":     sortedKeys(keys), "sdk": st["sdk"], "sources": st["sources"], "someStacks": len(stacks) > 0,
		"locationKeys": sortedKeys(locKeys), "files": sortedKeys(files), "waitsIn": waits,
	})
}
