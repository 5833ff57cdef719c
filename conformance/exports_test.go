package conformance

import (
	"context"
	"encoding/json"
	"os/exec"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tsworker/tsworker/internal/apinames"
)

// impossible are the runtime exports of the TypeScript SDK that tsworker's
// built-in module cannot have, with the reason: the Go SDK core forbids them.
var impossible = map[string]string{
	"setDefaultQueryHandler": "the Go SDK (1.50) answers a query whose name has no registered handler with " +
		"\"unknown queryType\" before any workflow code or interceptor sees it",
	"setDefaultUpdateHandler": "the Go SDK (1.50) rejects an update whose name has no registered handler " +
		"(\"unknown update\") before any workflow code or interceptor sees it",
}

// missing are the runtime exports not built yet. The list only shrinks: the
// check fails when a name listed here exists.
var missing = []string{}

// TestExports compares the runtime exports of @temporalio/workflow and
// @temporalio/common 1.24 (loaded with node from the suite's npm install)
// with those of tsworker's built-in module, which serves both.
func TestExports(t *testing.T) {
	if suite.skip != "" {
		t.Skip(suite.skip)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const script = `const names = new Set([...Object.keys(require('@temporalio/workflow')), ...Object.keys(require('@temporalio/common'))]);
process.stdout.write(JSON.stringify([...names].sort()));`
	cmd := exec.CommandContext(ctx, suite.node, "-e", script)
	cmd.Dir = suite.modules
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("list the TypeScript SDK's exports with node: %v", err)
	}
	var sdk []string
	if err := json.Unmarshal(out, &sdk); err != nil {
		t.Fatalf("list the TypeScript SDK's exports: %v", err)
	}
	if len(sdk) < 100 {
		t.Fatalf("node listed only %d exports; has the script broken?", len(sdk))
	}
	have, err := apinames.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var lacking, nowBuilt, extra []string
	for _, name := range sdk {
		_, impossible := impossible[name]
		listed := slices.Contains(missing, name)
		switch built := slices.Contains(have, name); {
		case built && (impossible || listed):
			nowBuilt = append(nowBuilt, name)
		case !built && !impossible && !listed:
			lacking = append(lacking, name)
		}
	}
	for _, name := range have {
		if !slices.Contains(sdk, name) {
			extra = append(extra, name)
		}
	}
	for name := range impossible {
		if !slices.Contains(sdk, name) {
			t.Errorf("impossible lists %q, which the TypeScript SDK does not export", name)
		}
	}
	for _, name := range missing {
		if !slices.Contains(sdk, name) {
			t.Errorf("missing lists %q, which the TypeScript SDK does not export", name)
		}
	}
	sort.Strings(nowBuilt)
	if len(lacking) > 0 {
		t.Errorf("the built-in module lacks %d exports of the TypeScript SDK: %q", len(lacking), lacking)
	}
	if len(nowBuilt) > 0 {
		t.Errorf("these exports exist now: remove them from missing (or impossible): %q", nowBuilt)
	}
	if len(extra) > 0 {
		t.Errorf("the built-in module exports names the TypeScript SDK does not: %q", extra)
	}
	t.Logf("TypeScript SDK: %d exports; built-in module: %d; missing: %d; impossible: %d",
		len(sdk), len(have), len(missing), len(impossible))
}
