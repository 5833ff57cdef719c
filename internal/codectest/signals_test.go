package codectest_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
)

// TestSignalArgumentsEncrypted: each argument of a signal a workflow sends
// (here two) is a payload of its own, encoded by the worker's codec.
func TestSignalArgumentsEncrypted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: "pair-sender", TaskQueue: taskQueue}, "pairSender", marker)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{marker, "child " + marker}, {marker, "external " + marker}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the receiver got %q, want %q", got, want)
	}
	scanHistory(t, run.GetID(), run.GetRunID())
	scanHistory(t, "pair-"+run.GetID(), "")
	wire.check(t)
}
