package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tsworker/tsworker/internal/tstypes"
)

// modulePath is tsworker's Go module.
const modulePath = "github.com/tsworker/tsworker"

type initFlags struct {
	module, tsworkerDir, tsworkerVersion string
	noTidy                               bool
}

func newInitCommand() *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Create a project: a workflow, a Go activity, a main.go, types and a test",
		Long: `Create a Go module in DIR (a new or empty folder) with everything a tsworker
project has: workflows.ts (a workflow calling a Go activity), activities.go (the
activity), main.go (the tsworker command line with that activity and the dev
command), workflows_test.go (a test of the workflow on the in-memory test suite),
the TypeScript declarations for editors (tsworker types) and go.mod. Then it runs
'go mod tidy' in DIR.

go.mod requires the tsworker version of this program, or, with --tsworker-dir,
a local clone of tsworker (a replace directive). Run from inside a clone, the clone
is used.`,
		Example: `  tsworker init hello
  cd hello
  go run . dev --run greeting --input '"Temporal"'   # prints "Hello, Temporal!"
  go run . dev                                       # server + Web UI + worker, reload on save
  go test ./...

  # From a clone of tsworker
  go run ./cmd/tsworker init ../hello --module example.com/hello`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.module, "module", "", "Go module `PATH` of the project (default: the name of DIR)")
	fs.StringVar(&f.tsworkerDir, "tsworker-dir", "", "use the tsworker clone in `DIR` (a replace directive in go.mod)")
	fs.StringVar(&f.tsworkerVersion, "tsworker-version", "", "require this tsworker `VERSION` (default: the version of this program)")
	fs.BoolVar(&f.noTidy, "no-tidy", false, "do not run 'go mod tidy' (run it yourself before building)")
	return cmd
}

func runInit(ctx context.Context, stdout, stderr io.Writer, dir string, f initFlags) error {
	if err := checkEmptyDir(dir); err != nil {
		return err
	}
	module := f.module
	if module == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		module = filepath.Base(abs)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9._~/-]+$`).MatchString(module) || strings.HasPrefix(module, "/") {
		return fmt.Errorf("--module %q is not a Go module path; pass one such as example.com/hello", module)
	}
	require, replace, err := tsworkerSource(f)
	if err != nil {
		return err
	}
	files := initFiles(module, require, replace)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	if err := tstypes.Write(dir); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if err := tstypes.WriteActivities(filepath.Join(dir, tstypes.ActivitiesFile), []tstypes.Activity{
		{Name: "greet", Fn: initGreet, GoName: "main.Greet"},
	}); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintf(stdout, "Created %s (module %s)\n", dir, module)
	if replace != "" {
		fmt.Fprintf(stdout, "  tsworker: the clone in %s\n", replace)
	} else {
		fmt.Fprintf(stdout, "  tsworker: %s\n", require)
	}
	if !f.noTidy {
		fmt.Fprintln(stdout, "Running go mod tidy...")
		tidy := exec.CommandContext(ctx, "go", "mod", "tidy")
		tidy.Dir = dir
		var out bytes.Buffer
		tidy.Stdout, tidy.Stderr = &out, &out
		if err := tidy.Run(); err != nil {
			_, _ = stderr.Write(out.Bytes())
			return fmt.Errorf("go mod tidy in %s: %w; fix the cause and run it again", dir, err)
		}
	}
	fmt.Fprintf(stdout, `Next:
  cd %s
  go run . dev --run greeting --input '"Temporal"'   # prints "Hello, Temporal!"
  go run . dev                                       # server + Web UI + worker, reload on save
  go test ./...                                      # the workflow's test
  go run . types                                     # after changing activities.go
`, dir)
	return nil
}

// initGreet has the signature of the Greet activity init writes, for its
// declaration.
func initGreet(context.Context, string) (string, error) { return "", nil }

// checkEmptyDir accepts a folder that does not exist or is empty.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("init: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("init: %s is not empty; pass a new folder", dir)
	}
	return nil
}

// tsworkerSource says where the project gets tsworker: a version to
// require, and a local clone to replace it with, if any.
func tsworkerSource(f initFlags) (require, replace string, err error) {
	if f.tsworkerDir != "" {
		abs, err := filepath.Abs(f.tsworkerDir)
		if err != nil {
			return "", "", fmt.Errorf("--tsworker-dir: %w", err)
		}
		if !isTSWorkerModule(abs) {
			return "", "", fmt.Errorf("--tsworker-dir %s: no go.mod of module %s there; pass the folder of your tsworker clone", f.tsworkerDir, modulePath)
		}
		return "v0.0.0", abs, nil
	}
	if f.tsworkerVersion != "" {
		return f.tsworkerVersion, "", nil
	}
	if v := buildVersion(); v != "" {
		return v, "", nil
	}
	// Built from a clone: if we run inside it, use it.
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if isTSWorkerModule(d) {
				return "v0.0.0", d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", "", errors.New("init: this program does not know its tsworker version (it was built from a local clone); " +
		"pass --tsworker-dir with the folder of the clone, or --tsworker-version")
}

// buildVersion is the released tsworker version this program was built
// with, or "".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	released := func(m *debug.Module) string {
		if m == nil || m.Replace != nil || m.Version == "" || m.Version == "(devel)" {
			return ""
		}
		return m.Version
	}
	if bi.Main.Path == modulePath {
		return released(&bi.Main)
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			return released(d)
		}
	}
	return ""
}

func isTSWorkerModule(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}

// goVersion is the go directive of the new module: that of the toolchain
// this program was built with.
func goVersion() string {
	v := strings.TrimPrefix(strings.Fields(runtime.Version())[0], "go")
	if !regexp.MustCompile(`^\d+\.\d+(\.\d+)?$`).MatchString(v) {
		return "1.26.8"
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// initFiles are the files of a new project.
func initFiles(module, require, replace string) map[string]string {
	gomod := "module " + module + "\n\ngo " + goVersion() + "\n\nrequire " + modulePath + " " + require + "\n"
	if replace != "" {
		gomod += "\nreplace " + modulePath + " => " + replace + "\n"
	}
	name := filepath.Base(module)
	return map[string]string{
		"go.mod": gomod,
		"main.go": `// Command ` + name + ` runs the workflows of workflows.ts with the Go activities
// of activities.go: ` + "`go run . dev`" + ` starts a local Temporal server with its Web UI
// and a worker that reloads on save; ` + "`go run . run --task-queue Q`" + ` is the worker
// for a real server. See ` + "`go run . --help`" + `.
package main

import (
	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/dev"
)

func main() {
	// The names workflows call the activities by. Run ` + "`go run . types`" + ` after
	// changing them, to update activities.d.ts.
	cli.Main(cli.Activities{"greet": Greet}, dev.Command())
}
`,
		"activities.go": `package main

import (
	"context"

	"go.temporal.io/sdk/temporal"
)

// Greet is an activity: workflows call it as greet(name). An empty name
// is a mistake that retrying cannot fix, so it fails without retries.
func Greet(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", temporal.NewNonRetryableApplicationError("greet: name is empty", "InvalidArgument", nil)
	}
	return "Hello, " + name + "!", nil
}
`,
		"workflows.ts": `import { log, proxyActivities, sleep } from '@temporalio/workflow';
// The Go activities' declarations, written by ` + "`go run . types`" + `.
import type * as activities from './activities';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

// greeting is a workflow: each exported function is one, named after it.
export async function greeting(name: string): Promise<string> {
  log.info('greeting', { name });
  await sleep('1 second');
  return await greet(name);
}
`,
		"workflows_test.go": `package main

import (
	"testing"

	"github.com/tsworker/tsworker/testsuite"
)

// The workflow runs on the in-memory test suite: no server, and its
// sleep is skipped.
func TestGreeting(t *testing.T) {
	env := testsuite.NewEnv(t, "workflows.ts")
	env.RegisterActivity(Greet)
	env.ExecuteWorkflow("greeting", "Temporal")
	var out string
	if err := env.Result(&out); err != nil {
		t.Fatal(err)
	}
	if out != "Hello, Temporal!" {
		t.Fatalf("greeting returned %q", out)
	}
}
`,
	}
}
