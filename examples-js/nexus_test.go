package main

import (
	"context"
	"testing"
	"time"

	nexuspb "go.temporal.io/api/nexus/v1"
	"go.temporal.io/api/operatorservice/v1"

	"github.com/tsworker/tsworker/examples-js/nexus"
	"github.com/tsworker/tsworker/worker"
)

// TestNexus runs the nexus example as its run program does: one worker
// for the JS workflows and the Go handlers, and the endpoint on its queue.
func TestNexus(t *testing.T) {
	t.Parallel()
	const tq = "nexus-example"
	w, err := worker.New(testClient, tq, worker.Options{Workflows: "nexus/workflows.ts"})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := nexus.Service()
	if err != nil {
		t.Fatal(err)
	}
	w.RegisterNexusService(svc)
	w.GoWorker().RegisterWorkflow(nexus.Ship)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := testClient.OperatorService().CreateNexusEndpoint(ctx, &operatorservice.CreateNexusEndpointRequest{Spec: &nexuspb.EndpointSpec{
		Name: nexus.Endpoint,
		Target: &nexuspb.EndpointTarget{Variant: &nexuspb.EndpointTarget_Worker_{
			Worker: &nexuspb.EndpointTarget_Worker{Namespace: "default", TaskQueue: tq},
		}},
	}}); err != nil {
		t.Fatalf("create the endpoint: %v", err)
	}

	parcel := nexus.Parcel{OrderID: "order-7", WeightGram: 2500}
	var got struct {
		Quote          nexus.Quote    `json:"quote"`
		Shipment       nexus.Shipment `json:"shipment"`
		OperationToken bool           `json:"operationToken"`
	}
	if err := execute(t, tq, "", "checkout", &got, parcel); err != nil {
		t.Fatal(err)
	}
	if got.Quote != (nexus.Quote{Carrier: "Lisbon Post", PriceCents: 550}) ||
		got.Shipment != (nexus.Shipment{OrderID: "order-7", TrackingNumber: "TRK-ORDER-7"}) || !got.OperationToken {
		t.Errorf("checkout: got %+v", got)
	}

	var cancelled string
	if err := execute(t, tq, "", "checkoutCancelled", &cancelled, nexus.Parcel{OrderID: "order-8", WeightGram: 100}); err != nil {
		t.Fatal(err)
	}
	if want := "cancelled: nexus operation completed unsuccessfully"; cancelled != want {
		t.Errorf("checkoutCancelled: got %q, want %q", cancelled, want)
	}
}
