// Package orderexample is the example of docs/testing.md: a TypeScript
// workflow with Go activities, and its tests.
package orderexample

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Charge charges amount for order id and returns a receipt.
func Charge(_ context.Context, id string, amount float64) (string, error) {
	if amount <= 0 {
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("charge %s: amount %v is not positive", id, amount), "InvalidAmount", nil)
	}
	return "receipt-" + id, nil
}

// Ship ships order id.
func Ship(_ context.Context, id string) error { return nil }
