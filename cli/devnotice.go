package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tsworker/tsworker/client"
)

// runNotices is the worker interceptor with which `tsworker dev` prints
// one line when a workflow run ends: completed (with its result), failed,
// cancelled or continued as new, and how long it took.
type runNotices struct {
	interceptor.WorkerInterceptorBase
	w  io.Writer
	mu *sync.Mutex // shared with the log handler writing to w
}

func (n *runNotices) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &runNoticesInbound{n: n}
	i.Next = next
	return i
}

type runNoticesInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	n *runNotices
}

func (i *runNoticesInbound) ExecuteWorkflow(ctx workflow.Context, in *interceptor.ExecuteWorkflowInput) (any, error) {
	res, err := i.Next.ExecuteWorkflow(ctx, in)
	// A replay (after a cache eviction, or for a query on a closed
	// workflow) ends the same run again: print only the real end.
	if !workflow.IsReplaying(ctx) {
		info := workflow.GetInfo(ctx)
		took := workflow.Now(ctx).Sub(info.WorkflowStartTime)
		line := fmt.Sprintf("workflow %s (id %s) %s", info.WorkflowType.Name, info.WorkflowExecution.ID, runEnd(res, err, took))
		i.n.mu.Lock()
		fmt.Fprintf(i.n.w, "  %s\n", line)
		i.n.mu.Unlock()
	}
	return res, err
}

// maxNoticeResult bounds the result shown in a notice.
const maxNoticeResult = 120

// runEnd says how a run ended: "completed in 1.2s: "Hello"".
func runEnd(res any, err error, took time.Duration) string {
	took = took.Round(time.Millisecond)
	var canceled *temporal.CanceledError
	var can *workflow.ContinueAsNewError
	switch {
	case err == nil:
		out := ""
		if raw, ok := res.(converter.RawValue); ok {
			out, _ = client.PayloadJSON(raw.Payload())
		}
		if len(out) > maxNoticeResult {
			out = out[:maxNoticeResult] + "..."
		}
		if out == "" || out == "null" {
			return fmt.Sprintf("completed in %v", took)
		}
		return fmt.Sprintf("completed in %v: %s", took, out)
	case errors.As(err, &can):
		return fmt.Sprintf("continued as new after %v", took)
	case errors.As(err, &canceled):
		return fmt.Sprintf("was cancelled after %v", took)
	}
	return fmt.Sprintf("failed after %v: %s", took, firstLine(strings.TrimSpace(err.Error())))
}
