package engine

import (
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/tsworker/tsworker/internal/wfmodule"
)

// TestExportTablesMatchModule checks that the names the JS module asks the
// host for (h.fn('name') in workflow.js and classes.js) and the Go modules'
// export tables agree, both ways.
func TestExportTablesMatchModule(t *testing.T) {
	re := regexp.MustCompile(`h\.fn\('([^']+)'\)`)
	asked := map[string]bool{}
	for _, src := range []string{wfmodule.Source, wfmodule.Classes} {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			asked[m[1]] = true
		}
	}
	if len(asked) < 10 {
		t.Fatalf("found only %d h.fn names in the JS module; has its form changed?", len(asked))
	}
	var missing, unused []string
	for name := range asked {
		if _, ok := hostExports[name]; !ok {
			missing = append(missing, name)
		}
	}
	for _, name := range hostNames() {
		if !asked[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the JS module asks for host functions no Go module exports: %v", missing)
	}
	if len(unused) > 0 {
		t.Errorf("Go modules export host functions the JS module never asks for: %v", unused)
	}
}

// TestExportTablesDistinct checks that no two modules export one name.
func TestExportTablesDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, m := range modules {
		if len(m.exports) == 0 {
			t.Errorf("module %s exports nothing", m.name)
		}
		for name := range m.exports {
			if other, dup := seen[name]; dup {
				t.Errorf("%q is exported by both %s and %s", name, other, m.name)
			}
			seen[name] = m.name
		}
	}
	if !slices.Equal(hostNames(), sortedKeys(seen)) {
		t.Errorf("hostExports does not index exactly the modules' exports")
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
