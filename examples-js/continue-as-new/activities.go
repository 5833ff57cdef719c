// Package continueasnew holds the Go activities of the continue-as-new
// example, whose workflow (workflows.ts) archives old orders page by page
// and continues as new, carrying its progress, every few pages.
package continueasnew

import (
	"context"
	"fmt"
	"sync"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"listOldOrders": ListOldOrders,
	"archiveOrders": ArchiveOrders,
}

// OldOrders is the number of orders old enough to archive in this example's
// order table.
const OldOrders = 230

// PageRequest asks for a page of old orders.
type PageRequest struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// OrderPage is a page of old orders.
type OrderPage struct {
	IDs []string `json:"ids"`
	// NextOffset is the offset of the next page; nil after the last page.
	NextOffset *int `json:"nextOffset,omitempty"`
}

// ListOldOrders lists a page of the old orders, ordered by id.
func ListOldOrders(_ context.Context, req PageRequest) (OrderPage, error) {
	if req.Offset < 0 || req.Limit <= 0 {
		return OrderPage{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("list old orders: bad page (offset %d, limit %d)", req.Offset, req.Limit), "InvalidArgument", nil)
	}
	page := OrderPage{IDs: []string{}}
	end := min(req.Offset+req.Limit, OldOrders)
	for i := req.Offset; i < end; i++ {
		page.IDs = append(page.IDs, orderID(i))
	}
	if end < OldOrders {
		page.NextOffset = &end
	}
	return page, nil
}

// ArchiveOrders moves orders to the archive and returns how many it moved.
// Archiving an order again is harmless, so a retried activity does no harm.
func ArchiveOrders(ctx context.Context, ids []string) (int, error) {
	archive.Lock()
	for _, id := range ids {
		archive.orders[id] = true
	}
	archive.Unlock()
	activity.GetLogger(ctx).Info("Archived orders", "count", len(ids))
	return len(ids), nil
}

// Archived reports whether an order is in the archive.
func Archived(id string) bool {
	archive.Lock()
	defer archive.Unlock()
	return archive.orders[id]
}

func orderID(i int) string { return fmt.Sprintf("order-%04d", i+1) }

// archive stands in for the archive storage: the ids of the archived
// orders.
var archive = struct {
	sync.Mutex
	orders map[string]bool
}{orders: map[string]bool{}}
