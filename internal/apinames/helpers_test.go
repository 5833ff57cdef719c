package apinames

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/jsruntime"
	"github.com/tsworker/tsworker/internal/wfmodule"
)

// TestPureHelpers runs sample calls of the module's pure helpers (durations
// and timestamps, retry policies, priorities, workflow definitions, error
// classes) in a sandbox runtime and compares each result with what the
// TypeScript SDK 1.24.0 returns for it under node (testdata/helpers.txt).
func TestPureHelpers(t *testing.T) {
	res := bundler.Bundle(bundler.Options{Entry: filepath.Join("testdata", "helpers.js")})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	vm := jsruntime.New(jsruntime.Env{Log: func(string, string) {}}).VM
	host := `globalThis.` + wfmodule.HostGlobal + ` = {
  fn: () => function () {},
  cls: (name) => globalThis.__classes[name],
};`
	if _, err := vm.RunString(host); err != nil {
		t.Fatal(err)
	}
	classes, err := vm.RunString(wfmodule.Classes)
	if err != nil {
		t.Fatalf("evaluate the classes: %v", err)
	}
	vm.Set("__classes", classes)
	if _, err := vm.RunString(string(res.Code)); err != nil {
		t.Fatalf("evaluate the bundle: %v", err)
	}
	got := strings.Split(vm.Get(bundler.ExportsGlobal).ToObject(vm).Get("results").String(), "\n")
	b, err := os.ReadFile(filepath.Join("testdata", "helpers.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != len(want) {
		t.Errorf("%d results, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("got  %s\nwant %s", got[i], want[i])
		}
	}
}
