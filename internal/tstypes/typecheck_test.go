package tstypes_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tsworker/tsworker/internal/tstypes"
)

// typescriptVersion is the TypeScript the declarations are checked with.
const typescriptVersion = "5.9.3"

// project is a folder of .ts files, or a single file, to type-check.
type project struct {
	name string
	dir  string // copied with its .ts files
	file string // or a single file
}

// The type-checked projects, besides every example: testdata/api, which
// uses the whole declared API, and the worker's test workflows.
var projects = []project{
	{name: "api", dir: "testdata/api"},
	{name: "worker-basic", file: "../../worker/testdata/basic.ts"},
	{name: "worker-interceptors", dir: "../../worker/testdata/interceptors"},
}

func TestTypeCheck(t *testing.T) {
	tsc := installTSC(t)
	all := append([]project(nil), projects...)
	examples, err := filepath.Glob("../../examples-js/*/workflows.ts")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, e := range examples {
		dir := filepath.Dir(e)
		all = append(all, project{name: "examples-js/" + filepath.Base(dir), dir: dir})
	}
	for _, p := range all {
		t.Run(p.name, func(t *testing.T) {
			dst := t.TempDir()
			if p.dir != "" {
				copyTS(t, p.dir, dst)
			} else {
				copyFile(t, p.file, filepath.Join(dst, filepath.Base(p.file)))
			}
			if err := tstypes.Write(dst); err != nil {
				t.Fatal(err)
			}
			if out, err := tsc(dst); err != nil {
				t.Fatalf("tsc found errors in %s:\n%s", p.name, out)
			}
		})
	}
	// The tsconfig.json of examples-js lets editors check the examples in
	// place, against the declarations in this package.
	t.Run("examples-js/tsconfig.json", func(t *testing.T) {
		if out, err := tsc("../../examples-js"); err != nil {
			t.Fatalf("tsc -p examples-js:\n%s", out)
		}
	})
}

// TestTypeCheckRejects makes sure the check has teeth: mistakes against the
// declared API and the runtime's globals are errors. The files are checked
// in one tsc run; each must have an error.
func TestTypeCheckRejects(t *testing.T) {
	tsc := installTSC(t)
	bad := map[string]string{
		"bad_duration.ts":    "import { sleep } from '@temporalio/workflow';\nexport async function w() { await sleep('1 fortnight'); }\n",
		"unknown_export.ts":  "import { sleepy } from '@temporalio/workflow';\nexport const x = sleepy;\n",
		"misspelt_option.ts": "import { proxyActivities } from '@temporalio/workflow';\nexport const a = proxyActivities({ startToCloseTimout: '1m' });\n",
		"signal_args.ts":     "import { defineSignal, setHandler } from '@temporalio/workflow';\nconst s = defineSignal<[number]>('s');\nexport async function w() { setHandler(s, (x: string) => void x); }\n",
		"no_dom.ts":          "export async function w() { return document.title; }\n",
		"no_node.ts":         "export async function w() { return process.env.HOME; }\n",
		"no_crypto.ts":       "export async function w() { return crypto.randomUUID(); }\n",
	}
	dir := t.TempDir()
	for name, src := range bad {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := tstypes.Write(dir); err != nil {
		t.Fatal(err)
	}
	out, err := tsc(dir)
	if err == nil {
		t.Fatalf("tsc accepted every file:\n%s", out)
	}
	for name, src := range bad {
		if !strings.Contains(out, name+"(") {
			t.Errorf("tsc accepted %s:\n%s", name, src)
		}
	}
	if t.Failed() {
		t.Logf("tsc output:\n%s", out)
	}
}

func TestWriteKeepsExistingTSConfig(t *testing.T) {
	dir := t.TempDir()
	mine := []byte(`{"compilerOptions":{"strict":false}}`)
	cfg := filepath.Join(dir, "tsconfig.json")
	if err := os.WriteFile(cfg, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tstypes.Write(dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(cfg); !bytes.Equal(got, mine) {
		t.Fatalf("tsconfig.json was changed:\n%s", got)
	}
	for p := range tstypes.Files() {
		if _, err := os.Stat(filepath.Join(dir, tstypes.Dir, p)); err != nil {
			t.Errorf("declaration not written: %v", err)
		}
	}
	// A second Write replaces the declarations without complaint.
	if err := tstypes.Write(dir); err != nil {
		t.Fatal(err)
	}
}

var (
	tscOnce sync.Once
	tscPath string
	tscErr  error
)

// installTSC returns a function running tsc -p on a folder, installing
// TypeScript with npm into the user's cache folder the first time. Without
// npm (or node) the test is skipped.
func installTSC(t *testing.T) func(dir string) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: install Node.js (with npm) to type-check the TypeScript declarations")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH: install Node.js (with npm) to type-check the TypeScript declarations")
	}
	tscOnce.Do(func() { tscPath, tscErr = install(npm) })
	if tscErr != nil {
		t.Fatalf("install typescript@%s: %v", typescriptVersion, tscErr)
	}
	return func(dir string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, node, tscPath, "-p", dir, "--pretty", "false").CombinedOutput()
		return string(out), err
	}
}

// install installs TypeScript into the cache once; later runs reuse it. It
// installs into a fresh folder and renames it into place, so concurrent
// test binaries never see a half-installed copy.
func install(npm string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	base := filepath.Join(cache, "tsworker")
	dir := filepath.Join(base, "typescript-"+typescriptVersion)
	bin := filepath.Join(dir, "node_modules", "typescript", "bin", "tsc")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(base, "typescript-install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", tmp, "--no-audit", "--no-fund",
		"--no-package-lock", "--loglevel=error", "typescript@"+typescriptVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New(strings.TrimSpace(string(out)) + ": " + err.Error())
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another test binary may have installed it meanwhile.
		if _, statErr := os.Stat(bin); statErr != nil {
			return "", err
		}
	}
	return bin, nil
}

// copyTS copies the .ts files of src and of its subfolders (such as an
// example's earlier version of its workflows) into dst.
func copyTS(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch {
		case e.IsDir() && !strings.HasPrefix(e.Name(), "."):
			sub := filepath.Join(dst, e.Name())
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			copyTS(t, filepath.Join(src, e.Name()), sub)
		case e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".ts"):
			copyFile(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
		}
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
