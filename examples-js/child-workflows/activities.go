// Package childworkflows holds the Go activity of the child-workflows
// example, whose parent workflow (workflows.ts) counts the stock of several
// warehouses in parallel, one child workflow per warehouse, and adds up the
// counts.
package childworkflows

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"countStock": CountStock,
}

// ItemCount is how many units of an item a warehouse holds.
type ItemCount struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// StockCount is the stock of one warehouse.
type StockCount struct {
	Warehouse string      `json:"warehouse"`
	Items     []ItemCount `json:"items"`
}

// stock stands in for the warehouses' inventory systems.
var stock = map[string][]ItemCount{
	"berlin": {{"tea", 120}, {"mug", 40}, {"kettle", 8}},
	"lisbon": {{"tea", 75}, {"teapot", 12}},
	"osaka":  {{"tea", 300}, {"mug", 15}, {"teapot", 3}},
}

// CountStock counts the stock of a warehouse. An unknown warehouse fails
// without retries (type UnknownWarehouse).
func CountStock(ctx context.Context, warehouse string) (StockCount, error) {
	items, ok := stock[warehouse]
	if !ok {
		return StockCount{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("count stock: no warehouse %q", warehouse), "UnknownWarehouse", nil)
	}
	activity.GetLogger(ctx).Info("Counted stock", "warehouse", warehouse, "items", len(items))
	return StockCount{Warehouse: warehouse, Items: items}, nil
}
