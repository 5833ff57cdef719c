package jsruntime_test

import (
	"encoding/json"
	"os"
	"testing"
)

// TestAssertAsNode makes each assert call of testdata/assert_cases.txt in a
// workflow sandbox and compares the error it throws with what Node 20's
// assert throws in the TypeScript SDK's sandbox, recorded in
// testdata/assert_node.json by assert_node.mjs.
func TestAssertAsNode(t *testing.T) {
	data, err := os.ReadFile("testdata/assert_node.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases [][2]string
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	for _, c := range cases {
		src, want := c[0], c[1]
		v, err := rt.VM.RunString(`(() => { const x = 0; try { ` + src + `; return 'no error'; } catch (err) {
			return [err.name, err.code, err.generatedMessage, err.operator, err.message].join(' | '); } })()`)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := v.String(); got != want {
			t.Errorf("%s\n got: %q\nwant: %q", src, got, want)
		}
	}
}

// TestAssertClassMismatch: an error of another class than throws expects.
// In the TypeScript SDK's sandbox the class comes from another realm than
// Node's assert, which then reports a validation function and its own
// stack; the message here is Node's for one realm.
func TestAssertClassMismatch(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`assert.throws(() => { throw new TypeError('bad'); }, RangeError)`, "The error is expected to be an instance of \"RangeError\". Received \"TypeError\"\n\nError message:\n\nbad"},
		{`assert.throws(() => { throw 'str'; }, RangeError)`, "The error is expected to be an instance of \"RangeError\". Received \"'str'\""},
		{`assert.throws(() => { throw new TypeError(''); }, RangeError)`, "The error is expected to be an instance of \"RangeError\". Received \"TypeError\""},
	} {
		got := eval(t, `try { `+tc.src+` } catch (e) { e.message }`)
		if got != tc.want {
			t.Errorf("%s\n got: %q\nwant: %q", tc.src, got, tc.want)
		}
	}
}
