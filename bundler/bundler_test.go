package bundler_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
)

func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBundleResolvesBuiltinAndRelativeImports(t *testing.T) {
	dir := write(t, map[string]string{
		"workflows.ts": `import { sleep } from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import type * as activities from './activities';
import { twice } from './lib/util';
export async function wf(n: number): Promise<number> { await sleep('1 minute'); return twice(n); }
export const notAWorkflow = ApplicationFailure;`,
		"lib/util.ts": `export function twice(n: number): number { return 2 * n; }`,
	})
	res := bundler.Bundle(bundler.Options{Entry: dir})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	code := string(res.Code)
	if !strings.HasPrefix(code, bundler.BundleBanner) || !strings.Contains(code, "sourceMappingURL=data:application/json;base64,") {
		t.Fatalf("bundle lacks its banner or inline source map:\n%s", code)
	}
	if !strings.Contains(code, `"wf": wf`) || !strings.Contains(code, "twice") {
		t.Fatalf("bundle misses the exports or the relative import:\n%s", code)
	}
	if len(res.Inputs) != 2 {
		t.Fatalf("inputs: %v (the type-only import must cost nothing)", res.Inputs)
	}
}

func TestBundleErrorsNameFileAndLine(t *testing.T) {
	for name, tc := range map[string]struct {
		src, want string
	}{
		"node built-in": {"import { readFileSync } from 'fs';\nexport function wf() { return readFileSync; }", `workflows.ts:1:30: Node.js built-in module "fs" cannot be used in workflow code`},
		"node: prefix":  {"\nimport * as cp from 'node:child_process';\nexport function wf() { return cp; }", `workflows.ts:2:`},
		"missing file":  {"import { x } from './missing';\nexport function wf() { return x; }", `workflows.ts:1:19: Could not resolve "./missing"`},
		"syntax error":  {"export function wf( {\n", "workflows.ts:"},
		"client pkg":    {"import { Client } from '@temporalio/client';\nexport function wf() { return Client; }", `"@temporalio/client" cannot be used in workflow code`},
		"unknown name":  {"import { noSuchThing } from '@temporalio/workflow';\nexport function wf() { return noSuchThing; }", `noSuchThing`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := write(t, map[string]string{"workflows.ts": tc.src})
			res := bundler.Bundle(bundler.Options{Entry: filepath.Join(dir, "workflows.ts")})
			err := res.Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestBundleMissingEntry(t *testing.T) {
	err := bundler.Bundle(bundler.Options{Entry: "does/not/exist.ts"}).Err()
	if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("got %v", err)
	}
}

// runExport bundles files, runs the bundle in a sandbox and returns what
// the export name returns (a promise's value once settled).
func runExport(t *testing.T, files map[string]string, name string) string {
	t.Helper()
	dir := write(t, files)
	res := bundler.Bundle(bundler.Options{Entry: filepath.Join(dir, "workflows.ts")})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return runBundle(t, res.Code, name)
}

func runBundle(t *testing.T, code []byte, name string) string {
	t.Helper()
	prog, err := jsruntime.Compile("workflows.js", code)
	if err != nil {
		t.Fatal(err)
	}
	rt := jsruntime.New(jsruntime.Env{})
	// The built-in module reads its host functions from this global; the
	// tests here use none of them.
	if _, err := rt.VM.RunString(`globalThis.__tsw = { fn: () => () => {}, cls: () => class {} }`); err != nil {
		t.Fatal(err)
	}
	exports, err := rt.Run(prog, bundler.ExportsGlobal)
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := goja.AssertFunction(exports.Get(name))
	if !ok {
		t.Fatalf("no export %s", name)
	}
	v, err := fn(goja.Undefined())
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := v.Export().(*goja.Promise); ok {
		if p.State() != goja.PromiseStateFulfilled {
			t.Fatalf("promise %v: %v", p.State(), p.Result())
		}
		v = p.Result()
	}
	return v.String()
}

func TestBundleNodeShims(t *testing.T) {
	got := runExport(t, map[string]string{
		"workflows.ts": `import assert from 'assert';
import { strictEqual } from 'node:assert';
import { URL, URLSearchParams } from 'url';
import * as util from 'util';
export function shims(): string {
  assert(true);
  strictEqual(1, 1);
  const u = new URL('https://example.com/a?b=1');
  const bytes = new util.TextEncoder().encode('é');
  return [u.hostname, new URLSearchParams(u.search).get('b'), bytes.length, new util.TextDecoder().decode(bytes)].join('|');
}`,
	}, "shims")
	if got != "example.com|1|2|é" {
		t.Fatalf("got %q", got)
	}
}

func TestBundleSandboxAdditions(t *testing.T) {
	got := runExport(t, map[string]string{
		"workflows.ts": `class Res {
  constructor(public log: string[]) {}
  [Symbol.dispose]() { this.log.push('disposed'); }
}
class MyError extends Error {
  constructor(m: string) { super(m); Error.captureStackTrace(this, MyError); }
}
export function additions(): string {
  const log: string[] = [];
  { using r = new Res(log); log.push('used'); }
  const re = /\p{Lu}\p{L}+/u;
  return [log.join(','), re.exec('hi Ärger!')![0], re instanceof RegExp, /\P{Script=Greek}+/u.exec('αβxyγ')![0],
    typeof Symbol.asyncDispose, new MyError('m').stack!.split('\n')[0]].join('|');
}`,
	}, "additions")
	if got != "used,disposed|Ärger|true|xy|symbol|Error: m" {
		t.Fatalf("got %q", got)
	}
}

func TestBundleNpmPackagesFromNodeModules(t *testing.T) {
	res := bundler.Bundle(bundler.Options{Entry: "testdata/npm/workflows.ts"})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, in := range res.Inputs {
		if strings.Contains(in, "node_modules") {
			pkgs = append(pkgs, filepath.ToSlash(in))
		}
	}
	if len(pkgs) != 2 {
		t.Fatalf("inputs from node_modules: %v", pkgs)
	}
	if !strings.Contains(string(res.Code), "hello ${s}") {
		t.Fatal("the ESM package is missing from the bundle")
	}
}

// TestBundleNodePaths bundles workflows with no node_modules above them
// whose packages are in a directory of NodePaths.
func TestBundleNodePaths(t *testing.T) {
	dir := write(t, map[string]string{"workflows.ts": "import pad from 'tiny-pad';\nexport async function padded(s: string) { return pad(s, 5); }\n"})
	entry := filepath.Join(dir, "workflows.ts")
	if err := bundler.Bundle(bundler.Options{Entry: entry}).Err(); err == nil || !strings.Contains(err.Error(), `the npm package "tiny-pad" is not installed`) {
		t.Fatalf("without NodePaths: %v", err)
	}
	res := bundler.Bundle(bundler.Options{Entry: entry, NodePaths: []string{"testdata/npm/node_modules"}})
	if err := res.Err(); err != nil {
		t.Fatalf("with NodePaths: %v", err)
	}
	if !slices.ContainsFunc(res.Inputs, func(in string) bool { return strings.Contains(filepath.ToSlash(in), "tiny-pad/index.js") }) {
		t.Fatalf("tiny-pad is not among the inputs: %v", res.Inputs)
	}
}

func TestBundleLog(t *testing.T) {
	for _, tc := range []struct {
		name        string
		src         string
		errs, warns []string // each message, in order
	}{
		{
			name: "name missing from a namespace import",
			src:  "import * as wf from '@temporalio/workflow';\nexport async function w() {\n  await wf.noSuchThing();\n}",
			errs: []string{`workflows.ts:3:12: No matching export in "@temporalio/workflow" for import "noSuchThing" (tsworker's built-in @temporalio/workflow does not provide noSuchThing; run ` + "`tsworker types`" + ` for what it provides)`},
		},
		{
			name: "npm package not installed",
			src:  "import chunk from 'lodash/chunk';\nimport { z } from '@acme/zod';\nexport function w() { return [chunk, z]; }",
			errs: []string{
				"workflows.ts:1:19: Could not resolve \"lodash/chunk\": the npm package \"lodash\" is not installed (run `npm install lodash` in the workflows' project; tsworker bundles npm packages from node_modules)",
				"workflows.ts:2:19: Could not resolve \"@acme/zod\": the npm package \"@acme/zod\" is not installed (run `npm install @acme/zod` in the workflows' project; tsworker bundles npm packages from node_modules)",
			},
		},
		{
			name:  "a warning appears once",
			src:   "export function w() { return { a: 1, a: 2 }; }",
			warns: []string{`workflows.ts:1:38: Duplicate key "a" in object literal`},
		},
		{
			name: "other node built-ins are still rejected",
			src:  "import { inspect } from 'node:util/types';\nimport os from 'os';\nexport function w() { return [inspect, os]; }",
			errs: []string{`workflows.ts:1:25: Node.js built-in module "node:util/types" cannot be used in workflow code`, `workflows.ts:2:16: Node.js built-in module "os" cannot be used`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, map[string]string{"workflows.ts": tc.src})
			res := bundler.Bundle(bundler.Options{Entry: filepath.Join(dir, "workflows.ts")})
			check := func(kind string, got []bundler.Message, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: got %d %v, want %d", kind, len(got), got, len(want))
				}
				for i, m := range got {
					s := m.String()
					if i := strings.Index(s, "workflows.ts"); i >= 0 {
						s = s[i:]
					}
					if !strings.HasPrefix(s, want[i]) {
						t.Errorf("%s %d:\n got %s\nwant %s", kind, i, s, want[i])
					}
				}
			}
			check("errors", res.Errors, tc.errs)
			check("warnings", res.Warnings, tc.warns)
		})
	}
}
