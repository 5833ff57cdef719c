package bundler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsworker/tsworker/bundler"
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
