// Command client drives the shopping cart of the messages example from Go:
// it starts a cart, tries to check it out while it is empty (the update's
// validator refuses), adds items with signals, reads the cart with a query,
// checks out with an update and prints the receipt.
//
// Run it while `go run ./examples-js dev examples-js/messages` is running:
//
//	go run ./examples-js/messages/client
//
// It connects to localhost:7233, or where the TEMPORAL_ADDRESS (and the
// other TEMPORAL_*) environment variables say.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/examples-js/messages"
)

// cart is what the getCart query returns.
type cart struct {
	CustomerID string              `json:"customerId"`
	Items      []messages.CartItem `json:"items"`
	Status     string              `json:"status"`
}

func main() {
	customer := flag.String("customer", "ada", "customer `ID`; the cart's workflow id is cart-ID")
	taskQueue := flag.String("task-queue", "tsworker", "task `QUEUE` the worker polls")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts, err := client.OptionsFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Dial(ctx, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := run(ctx, c, *taskQueue, *customer); err != nil {
		log.Print(err)
		c.Close()
		os.Exit(1)
	}
}

func run(ctx context.Context, c sdkclient.Client, taskQueue, customer string) error {
	wf, err := c.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
		ID:                                       "cart-" + customer,
		TaskQueue:                                taskQueue,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, "shoppingCart", customer)
	if err != nil {
		return fmt.Errorf("start the cart: %w", err)
	}
	id := wf.GetID()
	fmt.Printf("started %s (run %s)\n", id, wf.GetRunID())

	// The validator refuses to check out an empty cart: the update is
	// rejected and the workflow goes on as if it had never been sent.
	_, err = checkout(ctx, c, id)
	var rejected *temporal.ApplicationError
	if !errors.As(err, &rejected) {
		return fmt.Errorf("check out an empty cart: got %v, want a rejection", err)
	}
	fmt.Printf("checkout rejected: %s\n", rejected.Message())

	for _, item := range []messages.CartItem{{SKU: "tea", Quantity: 2}, {SKU: "mug", Quantity: 1}, {SKU: "tea", Quantity: 1}} {
		if err := c.SignalWorkflow(ctx, id, "", "addItem", item); err != nil {
			return fmt.Errorf("add %s: %w", item.SKU, err)
		}
		fmt.Printf("added %d × %s\n", item.Quantity, item.SKU)
	}

	// A query sees every signal sent before it.
	v, err := c.QueryWorkflow(ctx, id, "", "getCart")
	if err != nil {
		return fmt.Errorf("query the cart: %w", err)
	}
	var got cart
	if err := v.Get(&got); err != nil {
		return err
	}
	fmt.Printf("cart of %s (%s):\n", got.CustomerID, got.Status)
	for _, it := range got.Items {
		fmt.Printf("  %d × %s\n", it.Quantity, it.SKU)
	}

	receipt, err := checkout(ctx, c, id)
	if err != nil {
		return fmt.Errorf("check out: %w", err)
	}
	fmt.Println("receipt:")
	for _, l := range receipt.Lines {
		fmt.Printf("  %d × %-18s %8s\n", l.Quantity, l.Name, money(l.AmountCents))
	}
	fmt.Printf("  %-22s %8s\n", "total", money(receipt.TotalCents))

	// The workflow completes with the receipt once the update has returned.
	var final messages.Receipt
	if err := wf.Get(ctx, &final); err != nil {
		return fmt.Errorf("cart workflow: %w", err)
	}
	fmt.Printf("workflow %s completed, total %s\n", id, money(final.TotalCents))
	return nil
}

// checkout sends the checkout update and waits for its result.
func checkout(ctx context.Context, c sdkclient.Client, id string) (messages.Receipt, error) {
	var r messages.Receipt
	h, err := c.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
		WorkflowID:   id,
		UpdateName:   "checkout",
		WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return r, err
	}
	return r, h.Get(ctx, &r)
}

func money(cents int) string { return fmt.Sprintf("$%d.%02d", cents/100, cents%100) }
