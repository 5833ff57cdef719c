package jsstack

import (
	"encoding/json"
	"testing"
)

func TestEnhanced(t *testing.T) {
	for _, tt := range []struct {
		name, stacks, want string
		ok                 bool
	}{
		{"none", "", `{"sdk":{"name":"typescript","version":"1.24.0"},"stacks":[],"sources":{}}`, true},
		{"two", "    at sleep (@temporalio/workflow)\n    at nap (workflows.ts:9:9)\n\n    at workflows.ts:18:3",
			`{"sdk":{"name":"typescript","version":"1.24.0"},"stacks":[` +
				`{"locations":[{"file_path":"@temporalio/workflow","function_name":"sleep","internal_code":true},` +
				`{"file_path":"workflows.ts","line":9,"column":9,"function_name":"nap","internal_code":false}]},` +
				`{"locations":[{"file_path":"workflows.ts","line":18,"column":3,"internal_code":false}]}],"sources":{}}`, true},
		{"name with parens", "    at Object.<anonymous> (src/a (b).ts:1:2)",
			`{"sdk":{"name":"typescript","version":"1.24.0"},"stacks":[{"locations":[{"file_path":"src/a (b).ts","line":1,"column":2,"function_name":"Object.\u003canonymous\u003e","internal_code":false}]}],"sources":{}}`, true},
		{"go stack", "coroutine root [blocked on chan]:\nmain.wf()", "", false},
		{"no position", "    at nap (workflows.ts)", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := Enhanced(tt.stacks)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			b, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}
