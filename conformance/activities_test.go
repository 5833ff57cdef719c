package conformance

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The remote activities of the cases, served on both queues by a Go SDK
// worker, so that both runtimes see the same activities.
func registerActivities(w sdkworker.Worker) {
	for name, fn := range map[string]any{
		"echo":       echo,
		"fail":       fail,
		"failTimes":  failTimes,
		"sleep":      sleepActivity,
		"waitCancel": waitCancel,
		"publish":    publish,
	} {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

// localActivities are the Go twins of node/activities.mjs, run by the
// tsworker worker as local activities.
var localActivities = map[string]any{
	"localEcho":      func(_ context.Context, s string) (string, error) { return s, nil },
	"localFailTimes": localFailTimes,
	"localSleep": func(ctx context.Context, ms int) (int, error) {
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return ms, nil
	},
}

func echo(_ context.Context, s string) (string, error) { return s, nil }

// failOptions is what fail throws.
type failOptions struct {
	Message      string `json:"message"`
	Type         string `json:"type"`
	NonRetryable bool   `json:"nonRetryable"`
	Details      []any  `json:"details"`
}

func fail(_ context.Context, o failOptions) error {
	return temporal.NewApplicationErrorWithOptions(o.Message, o.Type, temporal.ApplicationErrorOptions{
		NonRetryable: o.NonRetryable, Details: o.Details})
}

// failTimes fails its first n attempts and then returns the attempt.
func failTimes(ctx context.Context, n int32) (int32, error) {
	a := activity.GetInfo(ctx).Attempt
	if a <= n {
		return 0, temporal.NewApplicationError(fmt.Sprintf("attempt %d", a), "Flaky")
	}
	return a, nil
}

func localFailTimes(ctx context.Context, n int32) (int32, error) { return failTimes(ctx, n) }

func sleepActivity(ctx context.Context, ms int) (int, error) {
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return ms, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// waitCancel heartbeats until it is cancelled (it then fails with the
// cancellation) or ms pass (it then returns "done").
func waitCancel(ctx context.Context, ms int) (string, error) {
	deadline := time.After(time.Duration(ms) * time.Millisecond)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-deadline:
			return "done", nil
		case <-tick.C:
		}
	}
}

// GoParent is a Go SDK workflow that runs a JS child and returns what Go
// code sees of the child's result or failure: each error of the chain with
// its Go type, message and, for application errors, type, details and
// non-retryable flag.
func GoParent(ctx workflow.Context, childType, childID, taskQueue string) (map[string]any, error) {
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: childID, TaskQueue: taskQueue,
		WorkflowTaskTimeout: 5 * time.Second})
	var out any
	err := workflow.ExecuteChildWorkflow(ctx, childType).Get(ctx, &out)
	if err == nil {
		return map[string]any{"result": out}, nil
	}
	var chain []map[string]any
	for e := err; e != nil; e = errors.Unwrap(e) {
		d := map[string]any{"goType": reflect.TypeOf(e).String(), "error": e.Error()}
		var app *temporal.ApplicationError
		if errors.As(e, &app) && app == e {
			d["type"] = app.Type()
			d["nonRetryable"] = app.NonRetryable()
			if app.HasDetails() {
				var details []any
				var v any
				if app.Details(&v) == nil {
					details = append(details, v)
				}
				d["details"] = details
			}
		}
		chain = append(chain, d)
	}
	return map[string]any{"errors": chain}, nil
}
