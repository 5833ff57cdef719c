// Package messages holds the Go activity of the messages example, a
// shopping cart workflow (workflows.ts) that is filled with signals, read
// with a query and checked out with an update.
package messages

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"priceCart": PriceCart,
}

// CartItem is a line of a cart: an item of the catalog and how many of it.
type CartItem struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// PriceRequest asks for a cart to be priced.
type PriceRequest struct {
	CustomerID string     `json:"customerId"`
	Items      []CartItem `json:"items"`
}

// ReceiptLine is a priced line of a receipt.
type ReceiptLine struct {
	SKU            string `json:"sku"`
	Name           string `json:"name"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int    `json:"unitPriceCents"`
	AmountCents    int    `json:"amountCents"`
}

// Receipt is a priced cart. Amounts are in cents, so that no rounding
// happens on the way between Go and JavaScript.
type Receipt struct {
	CustomerID string        `json:"customerId"`
	Lines      []ReceiptLine `json:"lines"`
	TotalCents int           `json:"totalCents"`
}

type product struct {
	name       string
	priceCents int
}

// catalog stands in for the shop's product database.
var catalog = map[string]product{
	"tea":    {"Green tea, 100 g", 450},
	"mug":    {"Stoneware mug", 1200},
	"kettle": {"Gooseneck kettle", 3900},
	"teapot": {"Cast iron teapot", 5400},
}

// PriceCart prices a cart with the catalog's prices. An item that is not in
// the catalog fails the activity without retries (type UnknownItem): trying
// again would not make it known.
func PriceCart(ctx context.Context, req PriceRequest) (Receipt, error) {
	r := Receipt{CustomerID: req.CustomerID, Lines: []ReceiptLine{}}
	for _, it := range req.Items {
		p, ok := catalog[it.SKU]
		if !ok {
			return Receipt{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("price cart: no item %q in the catalog", it.SKU), "UnknownItem", nil, it.SKU)
		}
		amount := p.priceCents * it.Quantity
		r.Lines = append(r.Lines, ReceiptLine{
			SKU: it.SKU, Name: p.name, Quantity: it.Quantity, UnitPriceCents: p.priceCents, AmountCents: amount,
		})
		r.TotalCents += amount
	}
	activity.GetLogger(ctx).Info("Priced cart", "customerId", req.CustomerID, "totalCents", r.TotalCents)
	return r, nil
}
