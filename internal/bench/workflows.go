package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/workflow"
)

// Workflow types, the same for the JS workflows (export names of
// testdata/bench.ts) and their Go twins.
const (
	OneActivity     = "oneActivity"
	FiftyActivities = "fiftyActivities"
	SleepDay        = "sleepDay"
	LoadFlow        = "loadFlow"
	ManyActivities  = "manyActivities"
)

// ApproveSignal is the signal LoadFlow waits for; its argument is the
// approver's name (approver of the workflow ID).
const ApproveSignal = "approve"

// Greet is the activity every benchmark workflow calls, as greet.
func Greet(_ context.Context, name string) (string, error) { return greeting(name), nil }

func greeting(name string) string { return "Hello, " + name + "!" }

// activityOptions are the options the JS workflows' proxyActivities call
// resolves to in the engine: a start-to-close timeout, the server's default
// retry policy and the TypeScript SDK's default cancellation type
// (WAIT_CANCELLATION_COMPLETED).
var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Second,
	WaitForCancellation: true,
}

// GoOneActivity is the native twin of oneActivity.
func GoOneActivity(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	var out string
	err := workflow.ExecuteActivity(ctx, "greet", name).Get(ctx, &out)
	return out, err
}

// GoFiftyActivities is the native twin of fiftyActivities.
func GoFiftyActivities(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	var last string
	for i := 0; i < 50; i++ {
		if err := workflow.ExecuteActivity(ctx, "greet", fmt.Sprintf("%s %d", name, i)).Get(ctx, &last); err != nil {
			return "", err
		}
	}
	return last, nil
}

// GoManyActivities is the native twin of manyActivities: n greet calls in
// sequence.
func GoManyActivities(ctx workflow.Context, name string, n int) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	var last string
	for i := 0; i < n; i++ {
		if err := workflow.ExecuteActivity(ctx, "greet", fmt.Sprintf("%s %d", name, i)).Get(ctx, &last); err != nil {
			return "", err
		}
	}
	return last, nil
}

// GoSleepDay is the native twin of sleepDay.
func GoSleepDay(ctx workflow.Context) error {
	return workflow.Sleep(ctx, 24*time.Hour)
}

// GoLoadFlow is the native twin of loadFlow: greet, a one-second timer,
// the approve signal (received after the timer, as loadFlow's condition
// checks it then), and two more greet calls.
func GoLoadFlow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	var hello, approved, done, approvedBy string
	if err := workflow.ExecuteActivity(ctx, "greet", name).Get(ctx, &hello); err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return "", err
	}
	workflow.GetSignalChannel(ctx, ApproveSignal).Receive(ctx, &approvedBy)
	if err := workflow.ExecuteActivity(ctx, "greet", approvedBy).Get(ctx, &approved); err != nil {
		return "", err
	}
	if err := workflow.ExecuteActivity(ctx, "greet", name+" done").Get(ctx, &done); err != nil {
		return "", err
	}
	return hello + " " + approved + " " + done, nil
}

// registerGo registers the Go twins and the activity on a Go SDK worker.
func registerGo(w interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}) {
	w.RegisterWorkflowWithOptions(GoOneActivity, workflow.RegisterOptions{Name: OneActivity})
	w.RegisterWorkflowWithOptions(GoFiftyActivities, workflow.RegisterOptions{Name: FiftyActivities})
	w.RegisterWorkflowWithOptions(GoSleepDay, workflow.RegisterOptions{Name: SleepDay})
	w.RegisterWorkflowWithOptions(GoLoadFlow, workflow.RegisterOptions{Name: LoadFlow})
	w.RegisterWorkflowWithOptions(GoManyActivities, workflow.RegisterOptions{Name: ManyActivities})
	w.RegisterActivityWithOptions(Greet, activity.RegisterOptions{Name: "greet"})
}

// expected returns the result of a benchmark workflow started with name.
func expected(workflowType, name string) string {
	switch workflowType {
	case FiftyActivities:
		return greeting(name + " 49")
	case LoadFlow:
		return greeting(name) + " " + greeting(approver(name)) + " " + greeting(name+" done")
	}
	return greeting(name)
}

// approver is the argument of the approve signal sent to the LoadFlow
// workflow started with name.
func approver(name string) string { return "approver of " + name }
