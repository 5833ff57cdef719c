package tstypes

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tsworker/tsworker/internal/apinames"
)

// TestDeclaredExportsExist checks that the declarations of
// @temporalio/workflow (with @temporalio/common, which it re-exports) declare
// exactly the runtime exports of the built-in module: a declared name that
// does not exist would type-check and then fail when bundled.
func TestDeclaredExportsExist(t *testing.T) {
	value := regexp.MustCompile(`^export declare (?:abstract )?(?:function|const|let|var|class|enum) ([A-Za-z_$][\w$]*)`)
	typeOnly := regexp.MustCompile(`^export (?:declare )?(?:interface|type) |^export \* from '@temporalio/common';$|^export \{\};$`)
	declared := map[string]bool{}
	for _, file := range []string{"workflow.d.ts", "common.d.ts"} {
		src, err := sources.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if !strings.HasPrefix(line, "export ") {
				continue
			}
			if m := value.FindStringSubmatch(line); m != nil {
				declared[m[1]] = true
			} else if !typeOnly.MatchString(line) {
				t.Errorf("%s:%d: an export this test cannot read: %s", file, i+1, line)
			}
		}
	}
	have, err := apinames.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var undeclared, absent []string
	for _, name := range have {
		if !declared[name] {
			undeclared = append(undeclared, name)
		}
	}
	for name := range declared {
		if !slices.Contains(have, name) {
			absent = append(absent, name)
		}
	}
	sort.Strings(absent)
	if len(undeclared) > 0 {
		t.Errorf("the built-in module exports names the declarations lack: %q", undeclared)
	}
	if len(absent) > 0 {
		t.Errorf("the declarations declare names the built-in module does not export: %q", absent)
	}
}
