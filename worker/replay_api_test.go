package worker_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/worker"
)

// The histories in testdata/histories were recorded from
// testdata/histories/workflows.ts on the embedded server by
// TestRecordHistories; set TSWORKER_RECORD_HISTORIES=1 to record them
// again (after changing workflows.ts, say).
const historiesDir = "testdata/histories"

func TestRecordHistories(t *testing.T) {
	if os.Getenv("TSWORKER_RECORD_HISTORIES") == "" {
		t.Skip("set TSWORKER_RECORD_HISTORIES=1 to record testdata/histories again")
	}
	// Histories name the worker and client that made them: not this
	// machine.
	c, err := client.NewClientFromExisting(testClient, client.Options{Identity: "history-recorder", Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tq := "histories"
	w, err := worker.New(c, tq, worker.Options{Workflows: filepath.Join(historiesDir, "workflows.ts")})
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterActivity(Greet)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	save := func(name string, run client.WorkflowRun) {
		t.Helper()
		h := fetchOne(t, run.GetID(), run.GetRunID())
		data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h.Events)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(historiesDir, name), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := func(id, wf string, args ...any) client.WorkflowRun {
		t.Helper()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, wf, args...)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}

	run := start("order-1", "order", "o-1")
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	save("order.json", run)

	run = start("approval-1", "approval")
	waitForEvent(t, run.GetID(), enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	save("approval-running.json", run)
	if err := c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "approve", "ada"); err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	save("approval.json", run)
}

// fetchOne fetches a workflow's history as worker.FetchHistories does.
func fetchOne(t *testing.T, id, run string) worker.History {
	t.Helper()
	hs, err := worker.FetchHistories(context.Background(), testClient, "WorkflowId='"+id+"' AND RunId='"+run+"'")
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 {
		t.Fatalf("fetched %d histories for %s, want 1", len(hs), id)
	}
	return hs[0]
}

func loadWorkflows(t *testing.T, path string) *worker.Workflows {
	t.Helper()
	wfs, err := worker.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return wfs
}

func TestReplayRecordedHistories(t *testing.T) {
	t.Parallel()
	histories, err := worker.ReadHistoryFiles(historiesDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range histories {
		names = append(names, filepath.Base(h.Name)+":"+h.WorkflowType())
	}
	if got, want := strings.Join(names, " "), "approval-running.json:approval approval.json:approval order.json:order"; got != want {
		t.Fatalf("histories: got %s, want %s", got, want)
	}
	tests := []struct {
		workflows string
		// want maps history files to "" (replays) or a regexp its failure
		// matches.
		want map[string]string
	}{
		{"workflows.ts", map[string]string{"order.json": "", "approval.json": "", "approval-running.json": ""}},
		// A changed log line, a step behind patched() and a changed signal
		// handler body replay fine.
		{"compatible.ts", map[string]string{"order.json": "", "approval.json": "", "approval-running.json": ""}},
		// The timer moved before the activity: the history scheduled an
		// activity where the code now starts a timer. The running
		// approval has not reached the changed code yet.
		{"incompatible.ts", map[string]string{
			"order.json":            `^nondeterministic: history event 5 is ActivityTaskScheduled greet, where the code now starts a timer of 50ms \(at \S*incompatible\.ts:\d+:\d+\) \(Go SDK: \[TMPRL1100\] `,
			"approval.json":         `^nondeterministic: history event 9 is ActivityTaskScheduled greet, where the code now starts a timer of 1m0s \(at \S*incompatible\.ts:\d+:\d+\) \(Go SDK: `,
			"approval-running.json": "",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.workflows, func(t *testing.T) {
			wfs := loadWorkflows(t, filepath.Join(historiesDir, tt.workflows))
			results := worker.ReplayHistories(context.Background(), wfs, histories...)
			if len(results) != len(histories) {
				t.Fatalf("%d results for %d histories", len(results), len(histories))
			}
			for _, r := range results {
				want := tt.want[filepath.Base(r.Name)]
				switch {
				case want == "" && !r.OK():
					t.Errorf("%s: %v", r.Name, r.Err)
				case want != "" && r.OK():
					t.Errorf("%s replayed, want a failure matching %s", r.Name, want)
				case want != "":
					var re *worker.ReplayError
					if !errors.As(r.Err, &re) || !re.Nondeterministic {
						t.Errorf("%s: want a non-determinism ReplayError, got %#v", r.Name, r.Err)
						continue
					}
					if !regexp.MustCompile(want).MatchString(re.Reason) {
						t.Errorf("%s: reason %q does not match %s", r.Name, re.Reason, want)
					}
					if strings.Contains(re.Reason, "\n") || strings.Contains(re.Reason, ".go:") || strings.Contains(re.Reason, "goroutine ") {
						t.Errorf("%s: reason carries a Go stack: %q", r.Name, re.Reason)
					}
					t.Logf("%s: %v", r.Name, r.Err)
				}
			}
			wantErr := tt.workflows == "incompatible.ts"
			err := worker.ReplayErr(results)
			if (err != nil) != wantErr || (err != nil && !errors.Is(err, worker.ErrReplayFailed)) {
				t.Errorf("ReplayErr: %v", err)
			}
			if wantErr && !regexp.MustCompile(`^replay failed: 2 of 3 histories do not replay with this code:\n  replay \S+approval.json: nondeterministic: .*\n  replay \S+order.json: nondeterministic: `).MatchString(err.Error()) {
				t.Errorf("ReplayErr: %v", err)
			}
		})
	}
}

func TestReadHistoryFormats(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(historiesDir, "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Older exports spell enums as "WorkflowExecutionStarted" rather than
	// "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED".
	old := regexp.MustCompile(`"EVENT_TYPE_([A-Z_]+)"`).ReplaceAllStringFunc(string(data), func(s string) string {
		var b strings.Builder
		for _, w := range strings.Split(strings.ToLower(strings.Trim(strings.TrimPrefix(s, `"EVENT_TYPE_`), `"`)), "_") {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
		return `"` + b.String() + `"`
	})
	if old == string(data) {
		t.Fatal("no enums rewritten")
	}
	tests := []struct {
		name, json, wantErr string
	}{
		{"current", string(data), ""},
		{"older enums", old, ""},
		{"not json", "nope", "read history bad.json: "},
		{"no events", `{"events": []}`, "read history bad.json: no events"},
		{"not a history", `{"events": [{"eventId": "3", "eventType": "EVENT_TYPE_TIMER_FIRED"}]}`, "the first event is TimerFired, not WorkflowExecutionStarted"},
	}
	wfs := loadWorkflows(t, filepath.Join(historiesDir, "workflows.ts"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := worker.ReadHistory("bad.json", strings.NewReader(tt.json))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r := worker.ReplayHistories(context.Background(), wfs, h); !r[0].OK() {
				t.Fatal(r[0].Err)
			}
		})
	}
}

func TestFetchHistoriesAndReplay(t *testing.T) {
	t.Parallel()
	_, tq := startWorker(t, filepath.Join(historiesDir, "workflows.ts"), Greet)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ids []string
	for _, id := range []string{"o-1", "o-2", "o-3"} {
		run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "order", id)
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.GetID())
	}
	query := "TaskQueue='" + tq + "' AND WorkflowType='order'"
	// Visibility lags behind completion a little.
	var hs []worker.History
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if hs, err = worker.FetchHistories(ctx, testClient, query); err != nil {
			t.Fatal(err)
		}
		if len(hs) == 3 {
			break
		}
	}
	if len(hs) != 3 {
		t.Fatalf("fetched %d histories, want 3", len(hs))
	}
	for _, h := range hs {
		if h.WorkflowID == "" || h.RunID == "" || !strings.HasPrefix(h.Name, h.WorkflowID+" (run ") || h.WorkflowType() != "order" {
			t.Errorf("history %+v", h)
		}
	}
	limited, err := worker.FetchHistories(ctx, testClient, query, worker.FetchOptions{Limit: 2})
	if err != nil || len(limited) != 2 {
		t.Fatalf("limit 2: %d histories, %v", len(limited), err)
	}

	ok := worker.ReplayHistories(ctx, loadWorkflows(t, filepath.Join(historiesDir, "workflows.ts")), hs...)
	bad := worker.ReplayHistories(ctx, loadWorkflows(t, filepath.Join(historiesDir, "incompatible.ts")), hs...)
	for i := range hs {
		if !ok[i].OK() {
			t.Errorf("%s: %v", ok[i].Name, ok[i].Err)
		}
		if bad[i].OK() {
			t.Errorf("%s replayed against the incompatible change", bad[i].Name)
		}
	}

	canceled, stop := context.WithCancel(ctx)
	stop()
	for _, r := range worker.ReplayHistories(canceled, loadWorkflows(t, filepath.Join(historiesDir, "workflows.ts")), hs...) {
		if r.OK() || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s after cancel: %v", r.Name, r.Err)
		}
	}

	if _, err := worker.FetchHistories(ctx, testClient, "NoSuchField='x'"); err == nil || !strings.Contains(err.Error(), "fetch histories: list workflows") {
		t.Errorf("bad query: %v", err)
	}
}

func TestReplayUnknownWorkflowType(t *testing.T) {
	t.Parallel()
	h, err := worker.ReadHistoryFile(filepath.Join(historiesDir, "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := worker.ReplayHistories(context.Background(), loadWorkflows(t, basic), h)[0]
	var re *worker.ReplayError
	if !errors.As(r.Err, &re) || re.Nondeterministic || !strings.Contains(re.Reason, "order") {
		t.Fatalf("got %#v", r.Err)
	}
	t.Log(r.Err)
}

func TestReplayReasons(t *testing.T) {
	t.Parallel()
	h, err := worker.ReadHistoryFile(filepath.Join(historiesDir, "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	const head = `import { proxyActivities, sleep } from '@temporalio/workflow';
const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });
`
	tests := []struct {
		name, body string
		nondet     bool
		want       string // regexp; "" when the history replays
	}{
		{"extra activity at the end", `export async function order(id: string) {
  const first = await greet(id);
  await sleep(50);
  const second = await greet('again');
  await greet('extra');
  return first + ' ' + second;
}`, true, `^nondeterministic: history event \d+ is WorkflowExecutionCompleted, where the code now schedules activity greet \(at \S+workflows\.ts:7:\d+\) \(Go SDK: .*extra replay command for ScheduleActivityTask`},
		{"other activity type", `export async function order(id: string) {
  const { charge } = proxyActivities<{ charge(id: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });
  const first = await charge(id);
  await sleep(50);
  return first + ' ' + await greet('again');
}`, true, `^nondeterministic: history event 5 is ActivityTaskScheduled greet, where the code now schedules activity charge`},
		{"other timer duration", `export async function order(id: string) {
  const first = await greet(id);
  await sleep(60);
  return first + ' ' + await greet('again');
}`, false, ""}, // as in every Temporal SDK, durations are not checked
		{"timer instead of an activity", `export async function order(id: string) {
  const first = await greet(id);
  await sleep(50);
  await sleep(50);
  return first;
}`, true, `^nondeterministic: history event \d+ is ActivityTaskScheduled greet, where the code now starts a timer of 50ms`},
		{"ends early", `export async function order(id: string) {
  const first = await greet(id);
  await sleep(50);
  return first;
}`, true, `^nondeterministic: history event \d+ is ActivityTaskScheduled greet, where the code now completes the workflow`},
		{"fails instead", `import { ApplicationFailure } from '@temporalio/workflow';
export async function order(id: string) {
  const first = await greet(id);
  await sleep(50);
  const second = await greet('again');
  throw ApplicationFailure.nonRetryable('no longer');
}`, true, `^nondeterministic: history event \d+ is WorkflowExecutionCompleted, where the code now fails the workflow`},
		{"throws", `export async function order(id: string) {
  const first = await greet(id);
  throw new TypeError('boom in ' + id);
}`, false, `boom in o-1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "workflows.ts")
			if err := os.WriteFile(path, []byte(head+tt.body+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := worker.ReplayHistories(context.Background(), loadWorkflows(t, path), h)[0]
			if tt.want == "" {
				if !r.OK() {
					t.Fatalf("want a replay, got %v", r.Err)
				}
				return
			}
			var re *worker.ReplayError
			if !errors.As(r.Err, &re) {
				t.Fatalf("want a ReplayError, got %v", r.Err)
			}
			if re.Nondeterministic != tt.nondet || !regexp.MustCompile(tt.want).MatchString(re.Reason) {
				t.Errorf("got nondeterministic %v, reason %q; want %v, %s", re.Nondeterministic, re.Reason, tt.nondet, tt.want)
			}
			if strings.Contains(re.Reason, "\n") || strings.Contains(re.Reason, ".go:") || strings.Contains(re.Reason, "goroutine ") {
				t.Errorf("reason carries a Go stack: %q", re.Reason)
			}
		})
	}
}
