package cli_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/worker"
)

// The histories recorded for the worker package's replay tests, with the
// workflows they were recorded from and a compatible and an incompatible
// change of them.
const histories = "../worker/testdata/histories"

func TestReplayHistoryFiles(t *testing.T) {
	t.Parallel()
	order, approval, running := filepath.Join(histories, "order.json"), filepath.Join(histories, "approval.json"), filepath.Join(histories, "approval-running.json")
	tests := []struct {
		name      string
		args      []string
		wantOut   []string // lines, in order
		wantErr   string
		wantNotes string // in stderr
	}{
		{
			name:      "original code",
			args:      []string{"replay", filepath.Join(histories, "workflows.ts"), "--history", histories},
			wantOut:   []string{"OK   " + running, "OK   " + approval, "OK   " + order},
			wantNotes: "3 histories replayed with " + filepath.Join(histories, "workflows.ts"),
		},
		{
			name:    "compatible change",
			args:    []string{"replay", filepath.Join(histories, "compatible.ts"), "--history", order, "--history", approval},
			wantOut: []string{"OK   " + order, "OK   " + approval},
		},
		{
			name: "incompatible change",
			args: []string{"replay", filepath.Join(histories, "incompatible.ts"), "--history", histories},
			wantOut: []string{
				"OK   " + running,
				"FAIL " + approval + ": nondeterministic: history event 9 is ActivityTaskScheduled greet, where the code now starts a timer of 1m0s (at ../worker/testdata/histories/incompatible.ts:19:14) (Go SDK: ",
				"FAIL " + order + ": nondeterministic: history event 5 is ActivityTaskScheduled greet, where the code now starts a timer of 50ms (at ../worker/testdata/histories/incompatible.ts:10:14) (Go SDK: ",
			},
			wantErr: "2 of 3 histories do not replay with " + filepath.Join(histories, "incompatible.ts"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := tsworker(t, tt.args...)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("error: got %v, want %q\nstdout:\n%s\nstderr:\n%s", err, tt.wantErr, stdout, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != len(tt.wantOut) {
				t.Fatalf("stdout:\n%s\nwant %d lines", stdout, len(tt.wantOut))
			}
			for i, want := range tt.wantOut {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("line %d: got %q, want it to start with %q", i+1, lines[i], want)
				}
				if strings.Contains(lines[i], ".go:") {
					t.Errorf("line %d carries a Go stack: %q", i+1, lines[i])
				}
			}
			if !strings.Contains(stderr, tt.wantNotes) {
				t.Errorf("stderr: %q, want %q", stderr, tt.wantNotes)
			}
		})
	}
}

func TestReplayErrors(t *testing.T) {
	t.Parallel()
	wfs := filepath.Join(histories, "workflows.ts")
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"nothing to replay", []string{"replay", wfs}, "nothing to replay: pass --history FILE"},
		{"both sources", []string{"replay", wfs, "--history", histories, "--query", "WorkflowType='order'"}, "pass either --history or --query, not both"},
		{"limit without query", []string{"replay", wfs, "--history", histories, "--limit", "3"}, "--limit goes with --query"},
		{"missing history", []string{"replay", wfs, "--history", "nope.json"}, "read history: stat nope.json: no such file or directory"},
		{"empty directory", []string{"replay", wfs, "--history", t.TempDir()}, "read histories: no .json files in "},
		{"not a history", []string{"replay", wfs, "--history", wfs}, "read history " + wfs + ": "},
		{"missing workflows", []string{"replay", "nope.ts", "--history", histories}, "nope.ts: no such file or directory"},
		{"unreachable server", []string{"replay", wfs, "--query", "WorkflowType='order'", "--address", "127.0.0.1:1"}, "127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tsworker(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestReplayQuery(t *testing.T) {
	t.Parallel()
	tq := "replay-query"
	w, err := worker.New(testClient, tq, worker.Options{Workflows: filepath.Join(histories, "workflows.ts")})
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
	for _, id := range []string{"replay-o-1", "replay-o-2"} {
		run, err := testClient.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: id, TaskQueue: tq}, "order", id)
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	query := "TaskQueue='" + tq + "'"
	addr := server.FrontendHostPort()
	// Visibility lags a little behind the runs.
	var stdout string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		stdout, _, err = tsworker(t, "replay", filepath.Join(histories, "workflows.ts"), "--query", query, "--address", addr)
		if err == nil && strings.Count(stdout, "\n") == 2 || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if ok := regexp.MustCompile(`(?m)^OK   replay-o-2 \(run [0-9a-f-]+\)\nOK   replay-o-1 \(run [0-9a-f-]+\)\n$`); !ok.MatchString(stdout) {
		t.Fatalf("stdout:\n%s", stdout)
	}

	stdout, _, err = tsworker(t, "replay", filepath.Join(histories, "incompatible.ts"), "--query", query, "--limit", "1", "--address", addr)
	if err == nil || err.Error() != "1 of 1 histories do not replay with "+filepath.Join(histories, "incompatible.ts") {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(stdout, "FAIL replay-o-2 (run ") || !strings.Contains(stdout, "nondeterministic: history event 5 is ActivityTaskScheduled greet") {
		t.Fatalf("stdout:\n%s", stdout)
	}

	_, _, err = tsworker(t, "replay", filepath.Join(histories, "workflows.ts"), "--query", "WorkflowType='noSuchType'", "--address", addr)
	if err == nil || !strings.Contains(err.Error(), `no workflow executions match --query "WorkflowType='noSuchType'" on `+addr+" (namespace default): nothing was replayed") {
		t.Fatalf("got %v", err)
	}
}

// TestReplayExitStatus runs the command line as a program, as CI does,
// and checks its exit status.
func TestReplayExitStatus(t *testing.T) {
	t.Parallel()
	if os.Getenv("TSWORKER_CLI_MAIN") != "" {
		return // in the child: TestMainProcess does the work
	}
	tests := []struct {
		workflows string
		want      int
	}{
		{"workflows.ts", 0},
		{"compatible.ts", 0},
		{"incompatible.ts", 1},
	}
	for _, tt := range tests {
		t.Run(tt.workflows, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$", "--",
				"replay", filepath.Join(histories, tt.workflows), "--history", histories)
			cmd.Env = append(os.Environ(), "TSWORKER_CLI_MAIN=1")
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.want {
				t.Fatalf("exit status %d, want %d\n%s", code, tt.want, out)
			}
			if tt.want != 0 && !strings.Contains(string(out), "tsworker: 2 of 3 histories do not replay") {
				t.Fatalf("output:\n%s", out)
			}
		})
	}
}

// TestMainProcess is the program TestReplayExitStatus runs: cli.Main with
// the arguments after the test binary's "--".
func TestMainProcess(t *testing.T) {
	if os.Getenv("TSWORKER_CLI_MAIN") == "" {
		t.Skip("run by TestReplayExitStatus")
	}
	os.Args = append([]string{"tsworker"}, flag.Args()...)
	cli.Main(activities)
}
