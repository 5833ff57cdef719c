package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/dev"
	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
)

const workflows = "testdata/workflows.ts"

// Greet is the activity the test workflows call.
func Greet(_ context.Context, name string) (string, error) {
	if name == "" {
		return "", temporal.NewApplicationError("name is empty", "EmptyName")
	}
	return "Hello, " + name + "!", nil
}

var activities = cli.Activities{"greet": Greet}

// The `run` tests share one embedded server; `dev` starts its own.
var (
	server     *devserver.Server
	testClient sdkclient.Client
	queueSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	srv, err := devserver.Start(ctx, devserver.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := client.Dial(ctx, client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server, testClient = srv, c
	code := m.Run()
	c.Close()
	srv.Stop()
	os.Exit(code)
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

// syncBuffer is a bytes.Buffer that a running command and the test can
// use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tsworker runs the command line in-process and returns what it printed.
func tsworker(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	err = command(&out, &errOut, args).ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func command(out, errOut *syncBuffer, args []string) interface {
	ExecuteContext(context.Context) error
} {
	root := cli.NewRootCommand(activities, dev.Command())
	root.SetOut(out)
	root.SetErr(errOut)
	root.SetArgs(args)
	return root
}

// background runs a long-lived command (dev, run) until stop is called;
// stop cancels its context, as Ctrl-C does, and returns its error.
type background struct {
	out, err syncBuffer
	cancel   context.CancelFunc
	done     chan error
}

func startBackground(t *testing.T, args ...string) *background {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := &background{cancel: cancel, done: make(chan error, 1)}
	go func() { b.done <- command(&b.out, &b.err, args).ExecuteContext(ctx) }()
	t.Cleanup(func() { _ = b.stop(t) })
	return b
}

func (b *background) stop(t *testing.T) error {
	t.Helper()
	b.cancel()
	select {
	case err := <-b.done:
		b.done <- err // stop may be called again
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("command did not stop\nstdout:\n%s\nstderr:\n%s", b.out.String(), b.err.String())
		return nil
	}
}

// waitFor waits until buf contains want, failing if the command ends first.
func (b *background) waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(buf.String(), want) {
		select {
		case err := <-b.done:
			b.done <- err
			t.Fatalf("command ended (%v) before printing %q\nstdout:\n%s\nstderr:\n%s", err, want, b.out.String(), b.err.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 30s\nstdout:\n%s\nstderr:\n%s", want, b.out.String(), b.err.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	p, err := devserver.FreePort("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDevRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantOut    string
		wantErr    string   // in the returned error
		wantStderr []string // lines of progress and failure
	}{
		{
			name:       "activity",
			args:       []string{"--run", "hello", "--input", `"Temporal"`},
			wantOut:    `"Hello, Temporal!"` + "\n",
			wantStderr: []string{"  WorkflowExecutionStarted hello\n", "  TimerStarted 10ms\n", "  ActivityTaskScheduled greet\n", "  ActivityTaskCompleted greet\n", "  WorkflowExecutionCompleted\n"},
		},
		{
			name:       "arguments array, key order kept",
			args:       []string{"--run", "pair", "--input", `["x", 2]`, "--workflow-id", "my-pair"},
			wantOut:    `{"b":2,"a":"x"}` + "\n",
			wantStderr: []string{"Started pair (workflow id my-pair)"},
		},
		{
			name:    "undefined is null",
			args:    []string{"--run", "nothing"},
			wantOut: "null\n",
		},
		{
			name:       "workflow failure",
			args:       []string{"--run", "fails"},
			wantErr:    "workflow fails failed: bad input (type ValidationError)",
			wantStderr: []string{"  WorkflowExecutionFailed\n", "ApplicationFailure: bad input [type ValidationError, non-retryable]"},
		},
		{
			name:    "activity failure with its cause",
			args:    []string{"--run", "activityFails"},
			wantErr: "workflow activityFails failed: Activity task failed: name is empty (type EmptyName)",
			wantStderr: []string{
				"  ActivityTaskFailed greet: name is empty (type EmptyName)",
				"ActivityFailure: Activity task failed [activity greet",
				"caused by ApplicationFailure: name is empty [type EmptyName]",
			},
		},
		{
			name:       "workflow task failure ends the run",
			args:       []string{"--run", "buggy"},
			wantErr:    "workflow buggy: workflow task failed at testdata/workflows.ts:30:21: TypeError: ",
			wantStderr: []string{"WorkflowTaskFailed", "\n    TypeError: ", "\n        at buggy (testdata/workflows.ts:30:21)\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each starts its own server
			args := append([]string{"dev", workflows, "--headless", "--port", "0", "--log-level", "warn"}, tt.args...)
			out, errOut, err := tsworker(t, args...)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error: %v\nstderr:\n%s", err, errOut)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q\nstderr:\n%s", err, tt.wantErr, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr has no %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestDevErrors(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad input", []string{"dev", workflows, "--run", "hello", "--input", `{"a":`},
			"--input is not valid JSON (unexpected end of JSON input); pass a JSON array of arguments"},
		{"unquoted string", []string{"dev", workflows, "--run", "hello", "--input", "Temporal"},
			`strings are quoted in JSON: --input '"Temporal"'`},
		{"input without run", []string{"dev", workflows, "--input", "1"}, "--input needs --run WORKFLOW"},
		{"missing file", []string{"dev", "testdata/nope.ts"}, "testdata/nope.ts: no such file or directory; pass a .ts or .js file"},
		{"no workflows", []string{"dev", "testdata/noexports.ts"}, "no workflows: the file exports no functions"},
		{"unknown workflow", []string{"dev", workflows, "--run", "nope"},
			`workflow "nope" is not exported by testdata/workflows.ts; its workflows are: activityFails, buggy, fails, hello, nothing, pair`},
		{"port in use", []string{"dev", workflows, "--port", busyPort},
			"port " + busyPort + " on 127.0.0.1 is in use (is another `tsworker dev` or Temporal server running?); stop it, or pass --port with another port"},
		{"bad port", []string{"dev", workflows, "--port", "99999"}, "--port 99999: want a TCP port"},
		{"bad log level", []string{"dev", workflows, "--log-level", "loud"}, `--log-level "loud": want debug, info, warn, error or off`},
		{"unknown flag", []string{"dev", "--nope"}, "unknown flag: --nope (see 'tsworker dev --help')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := tsworker(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if strings.Contains(out+errOut, "Usage:") {
				t.Errorf("usage printed on error:\n%s%s", out, errOut)
			}
		})
	}
}

func TestDevReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "workflows.ts")
	write := func(src string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	version := func(v string) string {
		return "import { sleep } from '@temporalio/workflow';\n" +
			"export async function version(): Promise<string> { return '" + v + "'; }\n" +
			"export async function slow(): Promise<string> { await sleep('2s'); return '" + v + "'; }\n"
	}
	write(version("v1"))
	port := freePort(t)
	dev := startBackground(t, "dev", dir, "--headless", "--port", strconv.Itoa(port), "--task-queue", "reload", "--log-level", "warn")
	dev.waitFor(t, &dev.out, "Watching for changes")
	for _, want := range []string{"Temporal server: 127.0.0.1:" + strconv.Itoa(port), "Task queue:      reload", "Workflows:       slow, version (from " + file + ")"} {
		if !strings.Contains(dev.out.String(), want) {
			t.Errorf("banner has no %q:\n%s", want, dev.out.String())
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(port), Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run := func(want string) {
		t.Helper()
		out, err := client.ExecuteJSON(ctx, c, sdkclient.StartWorkflowOptions{TaskQueue: "reload"}, "version", "")
		if err != nil || out != want {
			t.Fatalf("version() = %s, %v; want %s\nstdout:\n%s\nstderr:\n%s", out, err, want, dev.out.String(), dev.err.String())
		}
	}
	run(`"v1"`)
	// A workflow started from outside gets a line when it ends.
	dev.waitFor(t, &dev.out, `) completed in `)
	if out := dev.out.String(); !strings.Contains(out, "  workflow version (id ") || !strings.Contains(out, `: "v1"`) {
		t.Errorf("no line for the completed run:\n%s", out)
	}
	// A run in flight when the code changes goes on with the new code.
	slow, err := client.StartJSON(ctx, c, sdkclient.StartWorkflowOptions{TaskQueue: "reload"}, "slow", "")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, c, slow.GetID(), "TimerStarted")

	write(version("v2"))
	dev.waitFor(t, &dev.out, "reloaded: slow, version")
	run(`"v2"`)
	start := time.Now()
	if out, err := client.ResultJSON(ctx, slow); err != nil || out != `"v2"` {
		t.Fatalf("slow() = %s, %v; want \"v2\"", out, err)
	}
	t.Logf("the run in flight finished %v after the reload", time.Since(start))

	broken := "export async function version() { return 'v2' +; }"
	write(broken + "\n")
	dev.waitFor(t, &dev.err, "reload failed, the previous code keeps running: bundle ")
	// The error's code frame: the line and a caret under the column.
	dev.waitFor(t, &dev.err, "    1 | "+broken+"\n      | "+strings.Repeat(" ", strings.Index(broken, ";"))+"^\n")
	run(`"v2"`)
	// Back to the code that runs: said so.
	write(version("v2"))
	dev.waitFor(t, &dev.out, "fixed: back to the running code: slow, version")

	write(version("v3") + "export async function extra() {}\n")
	dev.waitFor(t, &dev.out, "reloaded: extra, slow, version")
	run(`"v3"`)

	if err := dev.stop(t); err != nil {
		t.Fatalf("dev returned %v after Ctrl-C", err)
	}
	if !strings.Contains(dev.out.String(), "Stopping.") {
		t.Errorf("no goodbye:\n%s", dev.out.String())
	}
}

// A reload with a change that is not replay-safe fails the next workflow
// task of a run in flight with tsworker's account of what changed, not only
// the Go SDK's message.
func TestDevReloadNondeterminism(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "workflows.ts")
	write := func(first string) {
		t.Helper()
		src := "import { proxyActivities, sleep } from '@temporalio/workflow';\n" +
			"const { greet } = proxyActivities<{ greet(n: string): Promise<string> }>({ startToCloseTimeout: '10s' });\n" +
			"export async function steps(): Promise<string> {\n" +
			"  " + first + "\n" +
			"  await sleep('1s');\n" +
			"  return await greet('done');\n" +
			"}\n"
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("await greet('first');")
	port := freePort(t)
	dev := startBackground(t, "dev", dir, "--headless", "--port", strconv.Itoa(port), "--task-queue", "nondet", "--log-level", "off")
	dev.waitFor(t, &dev.out, "Watching for changes")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(port), Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run, err := client.StartJSON(ctx, c, sdkclient.StartWorkflowOptions{TaskQueue: "nondet"}, "steps", "")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, c, run.GetID(), "TimerStarted")

	write("await sleep('2s');") // a timer where the history has the activity
	dev.waitFor(t, &dev.out, "reloaded: steps")
	waitEvent(t, c, run.GetID(), "WorkflowTaskFailed")
	it := c.GetWorkflowHistory(ctx, run.GetID(), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var msg string
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetWorkflowTaskFailedEventAttributes(); a != nil {
			msg = a.GetFailure().GetMessage()
		}
	}
	want := "[TMPRL1100] nondeterministic: history event 5 is ActivityTaskScheduled greet, where the code now starts a timer of 2s (at "
	if !strings.Contains(msg, want) || !strings.Contains(msg, "workflows.ts:4:14) (Go SDK: [TMPRL1100]") {
		t.Errorf("workflow task failure:\n%s\nwant it to contain %q and the JS line", msg, want)
	}
	_ = c.TerminateWorkflow(ctx, run.GetID(), "", "test over")
	if err := dev.stop(t); err != nil {
		t.Fatalf("dev returned %v after Ctrl-C", err)
	}
}

// waitEvent waits until the workflow's history has an event of the type.
func waitEvent(t *testing.T, c sdkclient.Client, id, eventType string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				break
			}
			if ev.GetEventType().String() == eventType {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("workflow %s: no %s event", id, eventType)
}

func TestBundleThenRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bundle := filepath.Join(dir, "dist", "workflows.js")
	out, errOut, err := tsworker(t, "bundle", workflows, "-o", bundle)
	if err != nil {
		t.Fatalf("bundle: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Wrote "+bundle) || !strings.Contains(out, "Workflows: activityFails, buggy, fails, hello, nothing, pair") {
		t.Errorf("bundle printed:\n%s", out)
	}
	code, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(code, []byte(bundler.BundleBanner)) || !bytes.Contains(code, []byte("sourceMappingURL=data:application/json")) {
		t.Errorf("bundle does not look like one:\n%.200s", code)
	}
	var sm struct {
		Version int      `json:"version"`
		Sources []string `json:"sources"`
	}
	b, err := os.ReadFile(bundle + ".map")
	if err != nil || json.Unmarshal(b, &sm) != nil || sm.Version != 3 || len(sm.Sources) == 0 {
		t.Fatalf("source map: %v %+v", err, sm)
	}

	for _, how := range [][]string{{"--bundle", bundle}, {bundle}} {
		t.Run(strings.Join(how, " "), func(t *testing.T) {
			tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
			args := append([]string{"run", "--address", server.FrontendHostPort(), "--task-queue", tq, "--log-level", "warn"}, how...)
			w := startBackground(t, args...)
			w.waitFor(t, &w.out, "Worker for task queue "+tq+" on "+server.FrontendHostPort()+" (namespace default)")
			if !strings.Contains(w.out.String(), "(from "+bundle+")") || !strings.Contains(w.out.String(), "Activities: greet") {
				t.Errorf("banner:\n%s", w.out.String())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "hello", `["bundle"]`)
			if err != nil || res != `"Hello, bundle!"` {
				t.Fatalf("hello = %s, %v\nstderr:\n%s", res, err, w.err.String())
			}
			_, err = client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "fails", "")
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Type() != "ValidationError" {
				t.Fatalf("fails: %v", err)
			}
			if err := w.stop(t); err != nil {
				t.Fatalf("run returned %v after Ctrl-C\nstderr:\n%s", err, w.err.String())
			}
			if !strings.Contains(w.err.String(), "Stopping: finishing running tasks") {
				t.Errorf("stderr:\n%s", w.err.String())
			}
		})
	}
}

func TestRunFromSource(t *testing.T) {
	tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
	t.Setenv("TEMPORAL_ADDRESS", server.FrontendHostPort())
	t.Setenv("TEMPORAL_NAMESPACE", "default")
	w := startBackground(t, "run", workflows, "-q", tq, "--log-level", "off")
	w.waitFor(t, &w.out, "Worker for task queue "+tq)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "pair", `["env", 1]`)
	if err != nil || res != `{"b":1,"a":"env"}` {
		t.Fatalf("pair = %s, %v", res, err)
	}
	if err := w.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestRunWithProfile(t *testing.T) {
	t.Parallel()
	tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
	file := filepath.Join(t.TempDir(), "temporal.toml")
	conf := fmt.Sprintf("[profile.default]\naddress = \"127.0.0.1:1\"\n\n[profile.local]\naddress = %q\nnamespace = \"default\"\n", server.FrontendHostPort())
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startBackground(t, "run", workflows, "-q", tq, "--log-level", "off", "--config-file", file, "--profile", "local")
	w.waitFor(t, &w.out, "Worker for task queue "+tq+" on "+server.FrontendHostPort())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "hello", `["profile"]`)
	if err != nil || res != `"Hello, profile!"` {
		t.Fatalf("hello = %s, %v", res, err)
	}
	if err := w.stop(t); err != nil {
		t.Fatal(err)
	}
	_, _, err = tsworker(t, "run", workflows, "-q", tq, "--config-file", file, "--profile", "staging")
	if err == nil || !strings.Contains(err.Error(), "staging") || !strings.Contains(err.Error(), file) {
		t.Fatalf("missing profile: error %v, want one naming the profile and the file", err)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	_ = l.Close()
	notBundle := filepath.Join(t.TempDir(), "plain.js")
	if err := os.WriteFile(notBundle, []byte("export async function x() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no task queue", []string{"run", workflows}, "--task-queue is required"},
		{"server down", []string{"run", workflows, "-q", "x", "--address", down},
			"cannot reach Temporal at " + down + ": connection refused (is the server running? start one with `tsworker dev`)"},
		{"unknown namespace", []string{"run", workflows, "-q", "x", "--address", server.FrontendHostPort(), "--namespace", "nope"},
			`namespace "nope" does not exist on the Temporal server at ` + server.FrontendHostPort()},
		{"missing file", []string{"run", "nope.ts", "-q", "x"}, "nope.ts: no such file or directory"},
		{"not a bundle", []string{"run", "--bundle", notBundle, "-q", "x"}, "is not a bundle written by `tsworker bundle`"},
		{"path and bundle", []string{"run", workflows, "--bundle", notBundle, "-q", "x"}, "pass either PATH"},
		{"missing TLS file", []string{"run", workflows, "-q", "x", "--tls-ca-path", "nope.pem"}, "TLS CA file nope.pem does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tsworker(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBundleErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ts")
	if err := os.WriteFile(bad, []byte("import * as fs from 'fs';\nexport async function x() { return fs; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"node import", []string{"bundle", bad, "-o", filepath.Join(dir, "out.js")}, `Node.js built-in module "fs" cannot be used in workflow code`},
		{"no workflows", []string{"bundle", "testdata/noexports.ts", "-o", filepath.Join(dir, "out.js")}, "no workflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tsworker(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out.js")); err == nil {
		t.Error("a failed bundle wrote its output")
	}
}

func TestBundleToStdout(t *testing.T) {
	t.Parallel()
	out, errOut, err := tsworker(t, "bundle", workflows)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, bundler.BundleBanner) || !strings.Contains(errOut, "Workflows: activityFails") {
		t.Fatalf("stdout %.80q\nstderr %q", out, errOut)
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"dev", "run", "bundle", "version"} {
		out, _, err := tsworker(t, cmd, "--help")
		if err != nil || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: %v\n%s", cmd, err, out)
		}
	}
	out, _, err := tsworker(t, "version")
	if err != nil || !strings.HasPrefix(out, "tsworker ") || !strings.Contains(out, "go:") {
		t.Errorf("version: %v\n%s", err, out)
	}
}

// TestWithoutDev checks the command line of a production binary, built
// without package cli/dev: no dev command in its help, and an answer that
// says how to get one.
func TestWithoutDev(t *testing.T) {
	t.Parallel()
	var out, errOut syncBuffer
	root := cli.NewRootCommand(activities)
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs([]string{"--help"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if help := out.String(); strings.Contains(help, "\n  dev ") || !strings.Contains(help, "\n  run ") {
		t.Errorf("help lists dev, or not run:\n%s", help)
	}
	root = cli.NewRootCommand(activities)
	root.SetArgs([]string{"dev", "workflows.ts", "--run", "greeting"})
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no dev command") || !strings.Contains(err.Error(), "cli/dev") {
		t.Fatalf("dev without cli/dev: got %v", err)
	}
}

func TestBadActivity(t *testing.T) {
	t.Parallel()
	root := cli.NewRootCommand(cli.Activities{"bad": 42})
	var out, errOut syncBuffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs([]string{"run", workflows, "-q", "x", "--address", server.FrontendHostPort(), "--log-level", "off"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := root.ExecuteContext(ctx)
	if err == nil || !strings.Contains(err.Error(), `register activity "bad": want a function or a pointer to a struct, got int`) {
		t.Fatalf("got %v", err)
	}
}

func TestTypesCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, _, err := tsworker(t, "types", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tsconfig.json", ".tsworker/types", "activities.d.ts"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v (output %q)", f, err, out)
		}
	}
	// The Go activity, declared under the name workflows call it by.
	decls, _ := os.ReadFile(filepath.Join(dir, "activities.d.ts"))
	if want := "export declare function greet(arg0: string): Promise<string>;"; !strings.Contains(string(decls), want) {
		t.Errorf("activities.d.ts has no %q:\n%s", want, decls)
	}
	if _, _, err := tsworker(t, "types", filepath.Join(dir, "missing")); err == nil {
		t.Fatal("types on a missing folder: want an error")
	}
}

// TestInit creates a project with init, then runs it as its README says:
// `go run . dev --run` and `go test ./...`. It builds the project, server
// included, so it is slow; -short skips it.
func TestInit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the embedded server; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	t.Parallel()
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "hello")
	out, errOut, err := tsworker(t, "init", dir, "--tsworker-dir", repo, "--module", "example.com/hello")
	if err != nil {
		t.Fatalf("init: %v\n%s%s", err, out, errOut)
	}
	for _, f := range []string{"go.mod", "go.sum", "main.go", "activities.go", "workflows.ts", "workflows_test.go", "activities.d.ts", "tsconfig.json", ".tsworker/types"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("init wrote no %s: %v", f, err)
		}
	}
	if _, _, err := tsworker(t, "init", dir); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("init into a project: %v, want an error", err)
	}
	goCmd := func(args ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	if out, errOut := goCmd("run", ".", "dev", "--headless", "--port", "0", "--log-level", "warn", "--run", "greeting", "--input", `"Temporal"`); out != `"Hello, Temporal!"`+"\n" {
		t.Errorf("go run . dev --run greeting: stdout %q\nstderr:\n%s", out, errOut)
	}
	goCmd("test", "./...")
	// The declarations init wrote are those `types` writes for the project.
	before, _ := os.ReadFile(filepath.Join(dir, "activities.d.ts"))
	goCmd("run", ".", "types")
	after, _ := os.ReadFile(filepath.Join(dir, "activities.d.ts"))
	if !bytes.Equal(before, after) {
		t.Errorf("activities.d.ts of init:\n%s\nof types:\n%s", before, after)
	}
}

// A workflow that takes arguments, run without --input, is warned about:
// its parameters would be undefined.
func TestDevRunMissingInput(t *testing.T) {
	t.Parallel()
	_, errOut, err := tsworker(t, "dev", workflows, "--headless", "--port", "0", "--log-level", "off", "--run", "pair")
	if err != nil {
		t.Fatal(err)
	}
	if want := "warning: workflow pair takes 2 arguments and --input is missing, so they get undefined; pass --input JSON"; !strings.Contains(errOut, want) {
		t.Errorf("stderr has no %q:\n%s", want, errOut)
	}
	_, errOut, _ = tsworker(t, "dev", workflows, "--headless", "--port", "0", "--log-level", "off", "--run", "nothing")
	if strings.Contains(errOut, "warning: workflow") {
		t.Errorf("warning for a workflow without parameters:\n%s", errOut)
	}
}
