package testsuite_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	sdktest "go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/testsuite"
)

// Go activities are plain Go functions: test them on their own with the
// Go SDK's TestActivityEnvironment, which runs one activity at a time with
// an activity context (info, heartbeats, cancellation) and no server.

// Shout is an activity that upper-cases its input.
func Shout(ctx context.Context, s string) (string, error) {
	if s == "" {
		return "", temporal.NewNonRetryableApplicationError("shout: empty input", "InvalidArgument", nil)
	}
	activity.GetLogger(ctx).Info("shouting", "input", s)
	return strings.ToUpper(s) + "!", nil
}

// Upload uploads parts one at a time, heartbeating the index of the last
// part done. A retry resumes after the part the previous attempt reported;
// cancellation (seen through the heartbeat and ctx) stops it between
// parts.
func Upload(ctx context.Context, parts []string) (int, error) {
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		var last int
		if err := activity.GetHeartbeatDetails(ctx, &last); err == nil {
			start = last + 1
		}
	}
	uploaded := 0
	for i := start; i < len(parts); i++ {
		select {
		case <-ctx.Done():
			return uploaded, ctx.Err()
		case <-time.After(time.Millisecond): // the upload of parts[i]
		}
		uploaded++
		activity.RecordHeartbeat(ctx, i)
	}
	return uploaded, nil
}

func Example_activity() {
	var suite sdktest.WorkflowTestSuite
	// In a test, testsuite.NewLogger(t) sends the logs to t.Log.
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(Shout)

	val, err := env.ExecuteActivity(Shout, "hello")
	if err != nil {
		fmt.Println("failed:", err)
		return
	}
	var out string
	_ = val.Get(&out)
	fmt.Println(out)

	_, err = env.ExecuteActivity(Shout, "")
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		fmt.Println(app.Type(), app.NonRetryable())
	}
	// Output:
	// HELLO!
	// InvalidArgument true
}

func TestActivityHeartbeats(t *testing.T) {
	var suite sdktest.WorkflowTestSuite
	suite.SetLogger(testsuite.NewLogger(t))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(Upload)
	var mu sync.Mutex
	var beats []int
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var i int
		if err := details.Get(&i); err == nil {
			mu.Lock()
			beats = append(beats, i)
			mu.Unlock()
		}
	})
	val, err := env.ExecuteActivity(Upload, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := val.Get(&n); err != nil || n != 3 {
		t.Fatalf("uploaded %d (%v), want 3", n, err)
	}
	// Heartbeats are throttled: the listener sees the first one at least.
	mu.Lock()
	defer mu.Unlock()
	if len(beats) == 0 || beats[0] != 0 {
		t.Fatalf("heartbeats: %v", beats)
	}
}

func TestActivityResumesFromHeartbeat(t *testing.T) {
	var suite sdktest.WorkflowTestSuite
	suite.SetLogger(testsuite.NewLogger(t))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(Upload)
	// What the previous attempt's last heartbeat recorded.
	env.SetHeartbeatDetails(1)
	val, err := env.ExecuteActivity(Upload, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := val.Get(&n); err != nil || n != 2 {
		t.Fatalf("uploaded %d (%v), want the 2 parts after part 1", n, err)
	}
}

func TestActivityCancellation(t *testing.T) {
	var suite sdktest.WorkflowTestSuite
	suite.SetLogger(testsuite.NewLogger(t))
	env := suite.NewTestActivityEnvironment()
	// Activities run in a context derived from the worker's background
	// context: cancelling it with a CanceledError as the cause is what a
	// cancellation request, delivered through a heartbeat, does on a
	// worker.
	ctx, cancel := context.WithCancelCause(context.Background())
	env.SetWorkerOptions(sdkworker.Options{BackgroundActivityContext: ctx})
	env.RegisterActivity(Upload)
	time.AfterFunc(20*time.Millisecond, func() { cancel(temporal.NewCanceledError()) })
	parts := make([]string, 100_000)
	_, err := env.ExecuteActivity(Upload, parts)
	var canceled *temporal.CanceledError
	if !errors.As(err, &canceled) {
		t.Fatalf("want a cancellation, got %v", err)
	}
}

func TestActivityInfo(t *testing.T) {
	var suite sdktest.WorkflowTestSuite
	suite.SetLogger(testsuite.NewLogger(t))
	env := suite.NewTestActivityEnvironment()
	var info activity.Info
	whoAmI := func(ctx context.Context) error {
		info = activity.GetInfo(ctx)
		return nil
	}
	env.RegisterActivityWithOptions(whoAmI, activity.RegisterOptions{Name: "whoAmI"})
	if _, err := env.ExecuteActivity("whoAmI"); err != nil {
		t.Fatal(err)
	}
	if info.ActivityType.Name != "whoAmI" || info.Attempt != 1 || info.WorkflowExecution.ID == "" {
		t.Fatalf("info: %+v", info)
	}
}
