package engine

import (
	"crypto/sha1"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"go.temporal.io/sdk/interceptor"
	sdktest "go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/wfrandom"
)

// contextEnv returns a test environment running testdata/context.ts.
func contextEnv(t *testing.T) *sdktest.TestWorkflowEnvironment {
	t.Helper()
	res := bundler.Bundle(bundler.Options{Entry: "testdata/context.ts"})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	wfs, err := Load(bundler.WithInlineSourceMap(res.Code, res.SourceMap), Options{Name: "context.ts"})
	if err != nil {
		t.Fatal(err)
	}
	var suite sdktest.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{wfs.Interceptor()}})
	wfs.Register(env)
	return env
}

func TestAsyncLocalStorageFollowsContinuations(t *testing.T) {
	var got []string
	runWorkflow(t, contextEnv(t), &got, "alsFollows")
	want := "await=a,timer=a,scope=b,back=a,out=undefined"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestRandomDrawsAsTypeScriptSDK(t *testing.T) {
	var got struct {
		RunID    string  `json:"runId"`
		Math     float64 `json:"math"`
		UUID     string  `json:"uuid"`
		X, WithX float64
		Main     float64 `json:"main"`
	}
	runWorkflow(t, contextEnv(t), &got, "randomDraws")
	seed := wfrandom.RunSeed(got.RunID)
	main := wfrandom.NewAlea(seed)
	x := wfrandom.NewAlea(wfrandom.StreamSeed(seed, "x"))
	if m := main.Next(); got.Math != m {
		t.Errorf("Math.random() = %v, want %v", got.Math, m)
	}
	if u := wfrandom.UUID4(main.Next); got.UUID != u {
		t.Errorf("uuid4() = %v, want %v", got.UUID, u)
	}
	if v := x.Next(); got.X != v {
		t.Errorf("getRandomStream('x').random() = %v, want %v", got.X, v)
	}
	if v := x.Next(); got.WithX != v {
		t.Errorf("Math.random() in getRandomStream('x').with = %v, want %v (the stream's next value)", got.WithX, v)
	}
	if m := main.Next(); got.Main != m {
		t.Errorf("workflowRandom.random() = %v, want %v (the workflow's sequence, untouched by the stream)", got.Main, m)
	}
}

func TestEventGroupIDs(t *testing.T) {
	var got map[string]string
	runWorkflow(t, contextEnv(t), &got, "eventGroups")
	sum := sha1.Sum([]byte(got["runId"] + "label"))
	if got["given"] != "given" || got["derived"] != hex.EncodeToString(sum[:]) || got["nested"] != "inner" {
		t.Errorf("got %v, want the given ID, the SHA-1 of run ID and label, and withScope's value", got)
	}
}

func TestCtxVals(t *testing.T) {
	var v *ctxVals
	a := v.with("a", 1, false).with("b", 2, false)
	b := a.with("a", 3, false)
	c := b.with("b", nil, true)
	get := func(l *ctxVals, k string) any {
		x, _ := l.get(k)
		return x
	}
	if get(a, "a") != 1 || get(a, "b") != 2 || get(b, "a") != 3 || get(b, "b") != 2 {
		t.Errorf("with: a=%v b=%v in a, a=%v b=%v in b", get(a, "a"), get(a, "b"), get(b, "a"), get(b, "b"))
	}
	if _, ok := c.get("b"); ok || get(c, "a") != 3 {
		t.Errorf("without b: %v", c)
	}
	n := 0
	for l := b; l != nil; l = l.next {
		n++
	}
	if n != 2 {
		t.Errorf("setting a key again made %d entries, want 2", n)
	}
}

// TestResetRunID checks that the run reads the run ID the Go SDK reseeds
// from after a reset (an unexported field: a Go SDK upgrade may move it),
// and falls back to the original run ID, then the run's.
func TestResetRunID(t *testing.T) {
	if currentRunIDField == nil {
		t.Fatal("workflow.Info has no string field currentRunID: find where the Go SDK keeps the new run ID of a reset (WorkflowTaskFailed, cause RESET_WORKFLOW)")
	}
	info := &workflow.Info{OriginalRunID: "original", WorkflowExecution: workflow.Execution{RunID: "run"}}
	if got := seedRunID(info, true); got != "original" {
		t.Errorf("seedRunID before a reset = %q, want the original run ID", got)
	}
	f := reflect.ValueOf(info).Elem().FieldByIndex(currentRunIDField)
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().SetString("reset")
	if got := seedRunID(info, true); got != "reset" {
		t.Errorf("seedRunID after a reset = %q, want the reset's new run ID", got)
	}
	if got := seedRunID(info, false); got != "original" {
		t.Errorf("seedRunID during the run's initialization = %q, want the original run ID", got)
	}
	if got := seedRunID(&workflow.Info{WorkflowExecution: workflow.Execution{RunID: "run"}}, true); got != "run" {
		t.Errorf("seedRunID without original run ID = %q, want the run's ID", got)
	}
}
