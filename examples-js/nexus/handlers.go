// Package nexus holds the Go Nexus handlers of the nexus example, whose
// workflows (workflows.ts) call them through an endpoint.
package nexus

import (
	"context"
	"fmt"
	"strings"

	nexusrpc "github.com/nexus-rpc/sdk-go/nexus"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporalnexus"
	"go.temporal.io/sdk/workflow"
)

// Endpoint is the endpoint the workflows call; it must target the task
// queue of the worker that registers Service.
const Endpoint = "shipping"

// Parcel is what the workflows ship.
type Parcel struct {
	OrderID    string `json:"orderId"`
	WeightGram int    `json:"weightGrams"`
}

// Quote is the answer of the "quote" operation.
type Quote struct {
	Carrier    string `json:"carrier"`
	PriceCents int    `json:"priceCents"`
}

// Shipment is the result of the "ship" operation.
type Shipment struct {
	OrderID        string `json:"orderId"`
	TrackingNumber string `json:"trackingNumber"`
}

// Service returns the "shipping" Nexus service: "quote" answers at once,
// "ship" runs the Ship workflow. Register it, and Ship, on a worker.
func Service() (*nexusrpc.Service, error) {
	quote := nexusrpc.NewSyncOperation("quote", func(_ context.Context, p Parcel, _ nexusrpc.StartOperationOptions) (Quote, error) {
		if p.WeightGram > 20000 {
			return Quote{}, nexusrpc.NewOperationFailedErrorf("parcel %s is too heavy (%d g)", p.OrderID, p.WeightGram)
		}
		return Quote{Carrier: "Lisbon Post", PriceCents: 300 + p.WeightGram/10}, nil
	})
	ship := temporalnexus.NewWorkflowRunOperation("ship", Ship,
		func(_ context.Context, p Parcel, _ nexusrpc.StartOperationOptions) (client.StartWorkflowOptions, error) {
			return client.StartWorkflowOptions{ID: "ship-" + p.OrderID}, nil
		})
	s := nexusrpc.NewService(Endpoint)
	if err := s.Register(quote, ship); err != nil {
		return nil, fmt.Errorf("shipping service: %w", err)
	}
	return s, nil
}

// Ship is the workflow behind the "ship" operation. A parcel of negative
// weight stands for one stuck in the depot: it waits until cancelled.
func Ship(ctx workflow.Context, p Parcel) (Shipment, error) {
	if p.WeightGram < 0 {
		ctx.Done().Receive(ctx, nil)
		return Shipment{}, ctx.Err()
	}
	return Shipment{OrderID: p.OrderID, TrackingNumber: "TRK-" + strings.ToUpper(p.OrderID)}, nil
}
