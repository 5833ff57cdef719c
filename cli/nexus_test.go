package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporalnexus"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/dev"
	"github.com/tsworker/tsworker/client"
)

// NexusGreeting is the Go workflow behind the "greet" operation.
func NexusGreeting(_ workflow.Context, name string) (string, error) {
	return "Go workflow greets " + name, nil
}

// nexusOptions registers the service testdata/nexus.ts calls, and the Go
// workflow one of its operations runs.
func nexusOptions(t *testing.T) []cli.Option {
	t.Helper()
	svc := nexus.NewService("cli-test")
	hello := nexus.NewSyncOperation("hello", func(_ context.Context, name string, _ nexus.StartOperationOptions) (string, error) {
		return "Hello from Nexus, " + name + "!", nil
	})
	greet := temporalnexus.NewWorkflowRunOperation("greet", NexusGreeting,
		func(_ context.Context, _ string, o nexus.StartOperationOptions) (sdkclient.StartWorkflowOptions, error) {
			return sdkclient.StartWorkflowOptions{ID: "greet-" + o.RequestID}, nil
		})
	if err := svc.Register(hello, greet); err != nil {
		t.Fatal(err)
	}
	return []cli.Option{dev.Command(), cli.WithNexusService(svc), cli.WithGoWorkflow(NexusGreeting, workflow.RegisterOptions{})}
}

// withOptions runs the command line built with opts until ctx is done or
// it returns.
func withOptions(ctx context.Context, opts []cli.Option, args ...string) (stdout, stderr *syncBuffer, done chan error) {
	stdout, stderr, done = &syncBuffer{}, &syncBuffer{}, make(chan error, 1)
	root := cli.NewRootCommand(activities, opts...)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	go func() { done <- root.ExecuteContext(ctx) }()
	return stdout, stderr, done
}

// TestDevNexusService runs a JS workflow that calls the Nexus operations of
// a service registered with cli.WithNexusService, through an endpoint dev
// creates on its server: one answered by a Go handler, one by a Go
// workflow registered with cli.WithGoWorkflow.
func TestDevNexusService(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, done := withOptions(ctx, nexusOptions(t), "dev", "testdata/nexus.ts", "--headless", "--port", "0", "--log-level", "warn",
		"--nexus-endpoint", "cli-ep="+cli.DefaultTaskQueue, "--run", "callNexus", "--input", `["cli-ep", "ada"]`)
	if err := <-done; err != nil {
		t.Fatalf("error: %v\nstderr:\n%s", err, errOut)
	}
	if want := `["Hello from Nexus, ada!","Go workflow greets ada"]` + "\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	for _, want := range []string{"  Workflows:       callNexus (from testdata/nexus.ts); Go: NexusGreeting\n", "  Nexus services:  cli-test\n", "NexusOperationCompleted"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr has no %q:\n%s", want, errOut)
		}
	}
}

// TestRunGoWorkflow runs a worker with a Go workflow registered with
// cli.WithGoWorkflow beside the JS ones, and refuses one that takes a JS
// workflow's name.
func TestRunGoWorkflow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tq := fmt.Sprintf("run-%d", queueSeq.Add(1))
	args := []string{"run", "testdata/nexus.ts", "-q", tq, "--address", server.FrontendHostPort(), "--log-level", "off"}

	clash := append(nexusOptions(t), cli.WithGoWorkflow(NexusGreeting, workflow.RegisterOptions{Name: "callNexus"}))
	_, _, done := withOptions(ctx, clash, args...)
	if err := <-done; err == nil || !strings.Contains(err.Error(), `register Go workflow "callNexus": the JS workflows export a workflow of that name`) {
		t.Fatalf("error %v", err)
	}

	wctx, stop := context.WithCancel(ctx)
	out, errOut, done := withOptions(wctx, nexusOptions(t), args...)
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v\nstderr:\n%s", err, errOut)
		}
	}()
	for !strings.Contains(out.String(), "Nexus:      cli-test\n") {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("run ended: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		case <-ctx.Done():
			t.Fatalf("no banner\nstdout:\n%s", out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if want := "  Workflows:  callNexus (from testdata/nexus.ts); Go: NexusGreeting\n"; !strings.Contains(out.String(), want) {
		t.Errorf("banner has no %q:\n%s", want, out)
	}
	res, err := client.ExecuteJSON(ctx, testClient, sdkclient.StartWorkflowOptions{TaskQueue: tq}, "NexusGreeting", `"bob"`)
	if err != nil || res != `"Go workflow greets bob"` {
		t.Fatalf("NexusGreeting = %s, %v", res, err)
	}
}
