// Package timer holds the Go activities of the timer example, whose
// workflow (workflows.ts) races a slow activity against a durable timer and
// sends a delay notice when the timer wins.
package timer

import (
	"context"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"packOrder":       PackOrder,
	"sendDelayNotice": SendDelayNotice,
}

// PackRequest asks the warehouse to pack an order.
type PackRequest struct {
	OrderID string `json:"orderId"`
	// WorkMs is how long packing takes, in milliseconds.
	WorkMs int `json:"workMs"`
}

// Parcel is a packed order.
type Parcel struct {
	OrderID        string `json:"orderId"`
	TrackingNumber string `json:"trackingNumber"`
}

// DelayNotice is a message to a customer about a late order.
type DelayNotice struct {
	OrderID string `json:"orderId"`
	Message string `json:"message"`
}

// PackOrder packs an order, which takes req.WorkMs. It heartbeats while it
// works, so that the workflow's heartbeat timeout notices a lost worker long
// before the start-to-close timeout would, and it stops when the activity
// is cancelled.
func PackOrder(ctx context.Context, req PackRequest) (Parcel, error) {
	if req.OrderID == "" {
		return Parcel{}, temporal.NewNonRetryableApplicationError("pack order: orderId is empty", "InvalidArgument", nil)
	}
	done := time.NewTimer(time.Duration(req.WorkMs) * time.Millisecond)
	defer done.Stop()
	beat := time.NewTicker(time.Second)
	defer beat.Stop()
	for {
		select {
		case <-done.C:
			return Parcel{OrderID: req.OrderID, TrackingNumber: "TRK-" + strings.ToUpper(req.OrderID)}, nil
		case <-beat.C:
			activity.RecordHeartbeat(ctx)
		case <-ctx.Done():
			return Parcel{}, ctx.Err()
		}
	}
}

// SendDelayNotice tells a customer that their order is late. This example
// writes the notice to the worker's log; a real one would send an email.
func SendDelayNotice(ctx context.Context, n DelayNotice) error {
	activity.GetLogger(ctx).Info("Delay notice", "orderId", n.OrderID, "message", n.Message)
	return nil
}
