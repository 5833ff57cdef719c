package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// A tcase is a case of the suite: a driver that runs the case's workflows
// (from testdata/) and records what it sees. It runs once per runtime,
// concurrently.
type tcase struct {
	name  string
	drive func(d *driver)
}

// runCases runs each case on both runtimes and compares the observations.
func runCases(t *testing.T, cases []tcase) {
	t.Helper()
	runCasesOn(t, rtTS, rtJS, cases)
}

// runCasesOn runs each case on ts (a tsworker worker's runtime) and js (a
// TypeScript SDK worker's, configured alike) and compares the observations.
func runCasesOn(t *testing.T, ts, js runtime, cases []tcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if suite.skip != "" {
				t.Skip(suite.skip)
			}
			t.Parallel()
			compareCase(t, c, ts, js)
		})
	}
}

func compareCase(t *testing.T, c tcase, ts, js runtime) {
	var wg sync.WaitGroup
	obs := map[string]any{}
	var mu sync.Mutex
	for _, rt := range []runtime{ts, js} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &driver{rt: rt, cs: c.name, c: suite.c, obs: &observation{}}
			c.drive(d)
			mu.Lock()
			defer mu.Unlock()
			obs[rt.name] = plain(stepsValue(d.obs.steps), rt.token)
		}()
	}
	wg.Wait()
	a, b := obs[ts.name], obs[js.name]
	patterns := acceptedFor(c.name)
	a, b = mask(a, "", patterns), mask(b, "", patterns)
	var diffs []string
	diff("", a, b, &diffs)
	why, isPending := pending[c.name]
	switch {
	case len(diffs) == 0 && isPending:
		t.Fatalf("case %s now gives the same observations on both runtimes: remove it from pending (%q)", c.name, why)
	case len(diffs) > 0 && isPending:
		t.Logf("pending (%s), differences (field: tsworker | typescript):\n%s", why, strings.Join(diffs, "\n"))
	case len(diffs) > 0:
		t.Errorf("tsworker and the TypeScript SDK differ (field: tsworker | typescript):\n%s", strings.Join(diffs, "\n"))
	}
	if os.Getenv("CONFORMANCE_VERBOSE") != "" {
		t.Logf("observations:\n%s", show(a))
	}
}

// stepsValue makes the steps a map by step name, numbering repeated names,
// so that paths name steps.
func stepsValue(steps []step) map[string]any {
	out := map[string]any{}
	for i, s := range steps {
		name := s.Name
		if _, dup := out[name]; dup {
			name = fmt.Sprintf("%s #%d", name, i)
		}
		out[name] = s.Value
	}
	return out
}

// mask replaces the values at the accepted paths by "(accepted)".
func mask(v any, at string, patterns []string) any {
	for _, p := range patterns {
		if ok, _ := path.Match(p, at); ok && at != "" {
			return "(accepted)"
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = mask(e, join(at, k), patterns)
		}
	case []any:
		for i, e := range x {
			x[i] = mask(e, join(at, fmt.Sprint(i)), patterns)
		}
	}
	return v
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "/" + k
}

// diff appends to out one line per field that differs between a
// (tsworker) and b (the TypeScript SDK).
func diff(at string, a, b any, out *[]string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			ea, inA := x[k]
			eb, inB := y[k]
			switch {
			case !inA:
				*out = append(*out, fmt.Sprintf("%s: (absent) | %s", join(at, k), show(eb)))
			case !inB:
				*out = append(*out, fmt.Sprintf("%s: %s | (absent)", join(at, k), show(ea)))
			default:
				diff(join(at, k), ea, eb, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := 0; i < len(x) || i < len(y); i++ {
			switch {
			case i >= len(x):
				*out = append(*out, fmt.Sprintf("%s/%d: (absent) | %s", at, i, show(y[i])))
			case i >= len(y):
				*out = append(*out, fmt.Sprintf("%s/%d: %s | (absent)", at, i, show(x[i])))
			default:
				diff(join(at, fmt.Sprint(i)), x[i], y[i], out)
			}
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s: %s | %s", at, show(a), show(b)))
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func show(v any) string {
	s := fmt.Sprintf("%#v", v)
	if b, err := json.Marshal(v); err == nil {
		s = string(b)
	}
	return s
}

func TestREADMETable(t *testing.T) {
	for _, name := range []string{"README.md", filepath.Join("..", "README.md")} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		const begin, end = "<!-- accepted:begin -->\n", "<!-- accepted:end -->"
		s := string(b)
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no %q ... %q section", name, begin, end)
		}
		want := acceptedMarkdown()
		if got := s[i+len(begin) : j]; got != want {
			if os.Getenv("CONFORMANCE_UPDATE_README") != "" {
				if err := os.WriteFile(name, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("%s's table of accepted differences is not the table of accepted.go; run with CONFORMANCE_UPDATE_README=1 to rewrite it. Want:\n%s", name, want)
		}
	}
}
