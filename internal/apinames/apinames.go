// Package apinames lists the runtime exports of tsworker's built-in
// @temporalio/workflow module, for the tests that compare them with the
// TypeScript SDK's packages and with tsworker's type declarations.
package apinames

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dop251/goja"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
	"github.com/tsworker/tsworker/internal/wfmodule"
)

// Builtin bundles `export * from '@temporalio/workflow'` and evaluates the
// bundle in a sandbox runtime whose host functions are stubs, and returns the names the
// module exports, sorted. Evaluating the bundle, rather than reading the
// module's source, counts exactly what workflow code can import.
func Builtin() ([]string, error) {
	dir, err := os.MkdirTemp("", "tsworker-apinames-")
	if err != nil {
		return nil, fmt.Errorf("list the built-in module's exports: %w", err)
	}
	defer os.RemoveAll(dir)
	entry := filepath.Join(dir, "entry.ts")
	if err := os.WriteFile(entry, []byte("export * from '@temporalio/workflow';\n"), 0o644); err != nil {
		return nil, fmt.Errorf("list the built-in module's exports: %w", err)
	}
	res := bundler.Bundle(bundler.Options{Entry: entry})
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("list the built-in module's exports: %w", err)
	}
	// The sandbox's runtime: the module's values may use its globals
	// (TextEncoder) when evaluated.
	vm := jsruntime.New(jsruntime.Env{Log: func(string, string) {}}).VM
	stub := `globalThis.` + wfmodule.HostGlobal + ` = { fn: () => function () {}, cls: () => class {} };`
	if _, err := vm.RunString(stub); err != nil {
		return nil, fmt.Errorf("list the built-in module's exports: %w", err)
	}
	if _, err := vm.RunString(string(res.Code)); err != nil {
		return nil, fmt.Errorf("list the built-in module's exports: evaluate the bundle: %w", err)
	}
	exp := vm.Get(bundler.ExportsGlobal)
	if exp == nil || goja.IsUndefined(exp) {
		return nil, fmt.Errorf("list the built-in module's exports: the bundle set no %s", bundler.ExportsGlobal)
	}
	names := exp.ToObject(vm).Keys()
	sort.Strings(names)
	return names, nil
}
