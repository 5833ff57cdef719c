package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	tsclient "github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

// The two runtimes under comparison. Each has its own task queue; the token
// is part of every workflow ID and task queue name of its runs, and
// observations replace it by "~RT" so that the runtimes' values compare.
type runtime struct {
	name  string // "tsworker" or "typescript"
	token string // "~A" or "~B"
	queue string
}

var (
	rtTS = runtime{name: "tsworker", token: "~A", queue: "conformance~A"}
	rtJS = runtime{name: "typescript", token: "~B", queue: "conformance~B"}
)

// goParentQueue runs the Go SDK workflows of the suite (parents of JS
// children), to observe what a Go workflow sees of a JS workflow.
const goParentQueue = "conformance-go"

// env is what TestMain set up: the server's client, or why the suite skips.
type env struct {
	c       client.Client
	skip    string // set when node or npm are missing outside CI
	node    string // the node binary
	modules string // the TypeScript SDK's installation (installNode)
}

var suite env

const workflowsFile = "testdata/workflows.ts"

func TestMain(m *testing.M) {
	flag.Parse()
	// Cases mostly wait on the server; run many at once even on 2 cores.
	if f := flag.Lookup("test.parallel"); f != nil && !flagSet("test.parallel") {
		_ = f.Value.Set("12")
	}
	os.Exit(runMain(m))
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func runMain(m *testing.M) int {
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	node, npm := lookNode()
	if node == "" || npm == "" {
		msg := "conformance: node and npm are needed to run the TypeScript SDK worker; install Node.js 20 or later"
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, msg)
			return 1
		}
		suite.skip = msg
		return m.Run()
	}
	ctx := context.Background()
	modules, err := installNode(ctx, npm)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	suite.node, suite.modules = node, modules
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: map[string]enumspb.IndexedValueType{
		"CustomKeywordField": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"CustomIntField":     enumspb.INDEXED_VALUE_TYPE_INT,
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Stop()
	// tsworker's client options, as its users dial: they install the failure
	// converter that writes JS task failures as the TypeScript SDK does.
	c, err := tsclient.Dial(ctx, tsclient.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	suite.c = c

	stop, err := startWorkers(ctx, c, node, modules, srv.FrontendHostPort())
	defer stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// startWorkers starts, for both runtimes, the workflow worker and the Go
// activity worker of its queue, and the Go workflow worker of goParentQueue.
// stop stops whatever was started, also after an error.
func startWorkers(ctx context.Context, c client.Client, node, modules, addr string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	for _, rt := range []runtime{rtTS, rtJS} {
		aw := sdkworker.New(c, rt.queue, sdkworker.Options{DisableWorkflowWorker: true})
		registerActivities(aw)
		if err := aw.Start(); err != nil {
			return stop, fmt.Errorf("start the activity worker of %s: %w", rt.name, err)
		}
		stops = append(stops, aw.Stop)
	}
	gw := sdkworker.New(c, goParentQueue, sdkworker.Options{})
	gw.RegisterWorkflowWithOptions(GoParent, workflow.RegisterOptions{Name: "GoParent"})
	if err := gw.Start(); err != nil {
		return stop, fmt.Errorf("start the Go workflow worker: %w", err)
	}
	stops = append(stops, gw.Stop)
	nx, err := startNexusHandler(ctx, c)
	if err != nil {
		return stop, err
	}
	stops = append(stops, nx)

	tw, err := worker.New(c, rtTS.queue, worker.Options{Workflows: workflowsFile,
		Worker: sdkworker.Options{LocalActivityWorkerOnly: true}})
	if err != nil {
		return stop, fmt.Errorf("tsworker worker: %w", err)
	}
	for name, fn := range localActivities {
		tw.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := tw.Start(); err != nil {
		return stop, fmt.Errorf("start the tsworker worker: %w", err)
	}
	stops = append(stops, tw.Stop)

	nw, err := startNodeWorker(ctx, node, modules, addr, nodeWorker{queue: rtJS.queue, workflows: workflowsFile})
	if err != nil {
		return stop, err
	}
	stops = append(stops, nw)
	ps, err := startPluginWorkers(ctx, c, node, modules, addr)
	stops = append(stops, ps)
	return stop, err
}

// lookNode finds node and npm on PATH.
func lookNode() (node, npm string) {
	node, _ = exec.LookPath("node")
	npm, _ = exec.LookPath("npm")
	return node, npm
}

// nodeFiles are the files of node/ that make the installation: its key is
// their hash.
var nodeFiles = []string{"package.json", "package-lock.json", "worker.mjs", "activities.mjs"}

// installNode installs the TypeScript SDK (npm ci of node/package-lock.json)
// with the worker script into a cache directory keyed by the hash of those
// files, and returns the directory. An existing installation is reused. Two
// test processes may race: each installs into its own temporary directory
// and renames it into place; the loser uses the winner's.
func installNode(ctx context.Context, npm string) (string, error) {
	h := sha256.New()
	for _, f := range nodeFiles {
		b, err := os.ReadFile(filepath.Join("node", f))
		if err != nil {
			return "", fmt.Errorf("conformance: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("conformance: cache directory for the TypeScript SDK: %w", err)
	}
	parent := filepath.Join(cache, "tsworker", "conformance-node")
	dir := filepath.Join(parent, hex.EncodeToString(h.Sum(nil))[:16])
	const done = ".installed"
	if _, err := os.Stat(filepath.Join(dir, done)); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("conformance: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "install-")
	if err != nil {
		return "", fmt.Errorf("conformance: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range nodeFiles {
		b, err := os.ReadFile(filepath.Join("node", f))
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, f), b, 0o644)
		}
		if err != nil {
			return "", fmt.Errorf("conformance: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("conformance: npm ci of the TypeScript SDK: %w\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, done), nil, 0o644); err != nil {
		return "", fmt.Errorf("conformance: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process installed it first.
		if _, statErr := os.Stat(filepath.Join(dir, done)); statErr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("conformance: install the TypeScript SDK: %w", err)
	}
	return dir, nil
}

// nodeWorker is what a TypeScript SDK worker runs: its task queue, its
// workflows file and more flags of worker.mjs. sink receives the records
// its sinks write (the JSON after "sink " of its output lines).
type nodeWorker struct {
	queue, workflows string
	flags            []string
	sink             func(record []byte)
}

// startNodeWorker runs a TypeScript SDK worker (worker.mjs) and waits for its
// ready line. stop closes its stdin and waits for it to exit.
//
// The oracle keeps its workflow cache even when tsworker's sticky cache is
// off: with maxCachedWorkflows 0 (worker.mjs --no-cache) the TypeScript SDK
// times out the workflow task of a run that waits on a local activity, which
// would make the oracle, not tsworker, differ.
func startNodeWorker(ctx context.Context, node, modules, addr string, nw nodeWorker) (stop func(), err error) {
	entry, err := filepath.Abs(nw.workflows)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	args := []string{filepath.Join(modules, "worker.mjs"), "--address", addr, "--namespace", "default",
		"--task-queue", nw.queue, "--workflows", entry}
	args = append(args, nw.flags...)
	cmd := exec.Command(node, args...)
	// The TypeScript SDK's sandbox formats dates in the process's time zone;
	// tsworker's in UTC. Pin the oracle's, so the host's does not matter.
	cmd.Env = append(os.Environ(), "TZ=UTC")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	// The worker logs the workflow task failures the cases provoke: show
	// its output only when asked to.
	if os.Getenv("CONFORMANCE_VERBOSE") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("conformance: start the TypeScript SDK worker: %w", err)
	}
	exited := make(chan error, 1)
	stop = func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "ready" {
				close(ready)
				break
			}
		}
		for sc.Scan() {
			if rec, ok := bytes.CutPrefix(sc.Bytes(), []byte("sink ")); ok && nw.sink != nil {
				nw.sink(rec)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	select {
	case <-ready:
		return stop, nil
	case err := <-exited:
		exited <- err
		return func() {}, fmt.Errorf("conformance: the TypeScript SDK worker exited before it was ready (CONFORMANCE_VERBOSE=1 shows its output): %v", err)
	case <-time.After(2 * time.Minute):
		stop()
		return func() {}, errors.New("conformance: the TypeScript SDK worker was not ready after 2 minutes")
	case <-ctx.Done():
		stop()
		return func() {}, ctx.Err()
	}
}

// quietLogger drops the Go SDK's logs.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
