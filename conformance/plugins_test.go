package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/worker"
)

// The plugins pair: a tsworker worker and a TypeScript SDK worker on their
// own queues, configured alike with the worker options that plug code into
// workflows: a payload converter module, sinks and workflow interceptor
// modules. Cases run on it with runPluginCases; their workflows are those
// of pluginsWorkflowsFile.
var (
	rtTSPlugins = runtime{name: rtTS.name, token: rtTS.token, queue: "conformance-plugins" + rtTS.token}
	rtJSPlugins = runtime{name: rtJS.name, token: rtJS.token, queue: "conformance-plugins" + rtJS.token}
)

const (
	pluginsWorkflowsFile = "testdata/plugins/workflows.ts"
	// pluginsConverterFile is the payloadConverterPath of both workers: an
	// EJSON converter (the npm package ejson) that encodes every value as
	// json/plain with the metadata format "extended".
	pluginsConverterFile = "testdata/plugins/payload-converter.ts"
)

// pluginsInterceptorModules are the workflow interceptor modules of the
// plugins pair (the TypeScript SDK's interceptors.workflowModules), paths
// relative to this directory, given to both workers
// (worker.Options.WorkflowInterceptorModules on tsworker's).
var pluginsInterceptorModules = []string{"testdata/plugins/interceptors.ts", "testdata/plugins/subscriptions.ts"}

// pluginSinks are the sinks of the plugins pair, on both workers: by
// interface and function, whether the sink is called during replay. Every
// call is recorded in sinkLog.
var pluginSinks = map[string]map[string]bool{
	"alerter": {"alert": false, "alertDuringReplay": true},
	// The logger sink of log (the TypeScript SDK's __temporal_logger).
	worker.LoggerSink: {"trace": false, "debug": false, "info": false, "warn": false, "error": false},
}

// runPluginCases runs cases on the plugins pair.
func runPluginCases(t *testing.T, cases []tcase) {
	t.Helper()
	runCasesOn(t, rtTSPlugins, rtJSPlugins, cases)
}

// startPluginWorkers starts the plugins pair: for both runtimes the Go
// activity worker of its queue, the tsworker worker and the TypeScript SDK
// worker. stop stops whatever was started, also after an error.
func startPluginWorkers(ctx context.Context, c client.Client, node, modules, addr string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	for _, rt := range []runtime{rtTSPlugins, rtJSPlugins} {
		aw := sdkworker.New(c, rt.queue, sdkworker.Options{DisableWorkflowWorker: true})
		registerActivities(aw)
		registerPluginActivities(aw)
		if err := aw.Start(); err != nil {
			return stop, fmt.Errorf("start the plugins activity worker of %s: %w", rt.name, err)
		}
		stops = append(stops, aw.Stop)
	}

	// The workflows import npm packages (ejson) from the TypeScript SDK's
	// installation, as the TypeScript SDK worker's bundle does.
	nodeModules := filepath.Join(modules, "node_modules")
	tw, err := worker.New(c, rtTSPlugins.queue, worker.Options{Workflows: pluginsWorkflowsFile,
		PayloadConverterPath: pluginsConverterFile, Sinks: goSinks(), NodePaths: []string{nodeModules},
		WorkflowInterceptorModules: pluginsInterceptorModules,
		Worker:                     sdkworker.Options{LocalActivityWorkerOnly: true}})
	if err != nil {
		return stop, fmt.Errorf("tsworker plugins worker: %w", err)
	}
	for name, fn := range localActivities {
		tw.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := tw.Start(); err != nil {
		return stop, fmt.Errorf("start the tsworker plugins worker: %w", err)
	}
	stops = append(stops, tw.Stop)

	spec, err := json.Marshal(pluginSinks)
	if err != nil {
		return stop, fmt.Errorf("conformance: %w", err)
	}
	flags := []string{"--payload-converter", pluginsConverterFile, "--sinks", string(spec)}
	for _, m := range pluginsInterceptorModules {
		flags = append(flags, "--interceptors", m)
	}
	nw, err := startNodeWorker(ctx, node, modules, addr, nodeWorker{queue: rtJSPlugins.queue,
		workflows: pluginsWorkflowsFile, flags: flags, sink: sinkLog.addJSON})
	if err != nil {
		return stop, fmt.Errorf("plugins: %w", err)
	}
	stops = append(stops, nw)
	return stop, nil
}

// registerPluginActivities registers the Go activities of the plugins
// cases on w, beside the suite's (registerActivities).
func registerPluginActivities(w sdkworker.Worker) {
	// echoJSON returns the JSON it was given: what a Go activity sees of
	// the payload converter's payloads, and gives back.
	w.RegisterActivityWithOptions(func(_ context.Context, v json.RawMessage) (json.RawMessage, error) { return v, nil },
		activity.RegisterOptions{Name: "echoJSON"})
}

// goSinks are pluginSinks for the tsworker worker.
func goSinks() worker.Sinks {
	sinks := worker.Sinks{}
	for iface, fns := range pluginSinks {
		sinks[iface] = map[string]worker.Sink{}
		for fn, duringReplay := range fns {
			sinks[iface][fn] = worker.Sink{CallDuringReplay: duringReplay, Fn: sinkLog.addCall}
		}
	}
	return sinks
}

// A sinkRecord is one call of a sink of the plugins pair, as both workers
// record it: the TypeScript SDK worker writes it as JSON (worker.mjs).
type sinkRecord struct {
	Iface       string `json:"iface"`
	Fn          string `json:"fn"`
	Args        []any  `json:"args"`
	WorkflowID  string `json:"workflowId"`
	IsReplaying bool   `json:"isReplaying"`
}

// sinkRecords holds the sink calls of both workers of the plugins pair, in
// the order each made them.
type sinkRecords struct {
	mu      sync.Mutex
	records []sinkRecord
	bad     []string // lines of the TypeScript SDK worker that did not parse
}

// sinkLog is where the plugins pair's sinks record their calls.
var sinkLog = &sinkRecords{}

func (s *sinkRecords) add(r sinkRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, r)
}

// addJSON records a call the TypeScript SDK worker wrote.
func (s *sinkRecords) addJSON(b []byte) {
	var r sinkRecord
	if err := json.Unmarshal(b, &r); err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.bad = append(s.bad, fmt.Sprintf("%s: %v", b, err))
		return
	}
	s.add(r)
}

// addCall records a call of a tsworker sink. Its arguments become JSON
// values as the TypeScript SDK worker's JSON.stringify makes them: a JSON
// payload its value, undefined (binary/null) null.
func (s *sinkRecords) addCall(call worker.SinkCall) error {
	raws := make([]converter.RawValue, 32)
	ptrs := make([]any, len(raws))
	for i := range raws {
		ptrs[i] = &raws[i]
	}
	if call.Args.HasValues() {
		if err := call.Args.Get(ptrs...); err != nil {
			return fmt.Errorf("conformance sink %s.%s: %w", call.Interface, call.Function, err)
		}
	}
	args := []any{}
	for _, r := range raws {
		p := r.Payload()
		if p == nil {
			break
		}
		var v any
		switch enc := string(p.GetMetadata()[converter.MetadataEncoding]); {
		case strings.HasPrefix(enc, "json/"):
			if err := json.Unmarshal(p.GetData(), &v); err != nil {
				v = fmt.Sprintf("undecodable %s: %v", enc, err)
			}
		case enc == converter.MetadataEncodingNil:
		default:
			v = fmt.Sprintf("%s payload %q", enc, p.GetData())
		}
		args = append(args, v)
	}
	s.add(sinkRecord{Iface: call.Interface, Fn: call.Function, Args: args,
		WorkflowID: call.Info.WorkflowExecution.ID, IsReplaying: call.Replaying})
	return nil
}

// of returns the calls of the workflows of case cs on the runtime of token
// (workflow IDs d.ID makes), and the unparsed lines.
func (s *sinkRecords) of(cs, token string) ([]sinkRecord, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sinkRecord
	for _, r := range s.records {
		if strings.HasSuffix(r.WorkflowID, "-"+cs+token) {
			out = append(out, r)
		}
	}
	return out, append([]string(nil), s.bad...)
}

// sinkCalls waits until the sinks recorded at least n calls of the case's
// workflows (the TypeScript SDK worker reports its calls asynchronously,
// and a replay's after the query that caused it), or the wait passes, and
// records the calls in order.
func (d *driver) sinkCalls(n int) {
	deadline := time.Now().Add(wait)
	calls, bad := sinkLog.of(d.cs, d.rt.token)
	for len(calls) < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		calls, bad = sinkLog.of(d.cs, d.rt.token)
	}
	if len(bad) > 0 {
		d.obs.add("unparsed sink records", bad)
	}
	if noSticky() {
		// Without its sticky cache, tsworker replays each run at each
		// task (the TypeScript SDK keeps its cache): the calls made during
		// replay differ, the others do not.
		calls = slices.DeleteFunc(calls, func(r sinkRecord) bool { return r.IsReplaying })
	}
	d.obs.add("sink calls", calls)
}

// noSticky reports that tsworker runs without the Go SDK's sticky cache
// (TSWORKER_TEST_NO_STICKY, see runMain).
func noSticky() bool { return os.Getenv("TSWORKER_TEST_NO_STICKY") != "" }

// firstSinkCalls is sinkCalls that records the first n calls only.
func (d *driver) firstSinkCalls(n int) {
	deadline := time.Now().Add(wait)
	calls, _ := sinkLog.of(d.cs, d.rt.token)
	for len(calls) < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		calls, _ = sinkLog.of(d.cs, d.rt.token)
	}
	d.obs.add("sink calls", calls[:min(n, len(calls))])
}

// waitSignalTask waits until the workflow task after the main workflow's
// latest signal completed.
func (d *driver) waitSignalTask() {
	var signaled int64
	d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			signaled = e.GetEventId()
		}
		return signaled > 0 && e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && e.GetEventId() > signaled
	})
}

// firstTaskFailure records the main workflow's first failed workflow task
// and terminates the run. What follows depends on timing: whether a retry
// of the task fails before the termination or is cut by it.
func (d *driver) firstTaskFailure() {
	ev := d.waitEvent(d.id, func(e *historypb.HistoryEvent) bool {
		return e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED
	})
	if ev == nil {
		d.obs.add("task failure", "none within the wait")
	} else {
		d.obs.add("task failure", normalizeHistory([]*historypb.HistoryEvent{ev}))
	}
	d.terminate("")
}
