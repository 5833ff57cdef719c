// Package saga holds the Go activities of the saga example, whose workflow
// (workflows.ts) books a car, a hotel and a flight, and cancels the bookings
// already made, in reverse order, when one fails.
package saga

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"bookCar":      BookCar,
	"bookHotel":    BookHotel,
	"bookFlight":   BookFlight,
	"cancelCar":    CancelCar,
	"cancelHotel":  CancelHotel,
	"cancelFlight": CancelFlight,
}

// BookingRequest asks to book one part of a trip.
type BookingRequest struct {
	// TripID identifies the trip. Booking again for the same trip returns
	// the same confirmation, so retried activities never book twice.
	TripID      string `json:"tripId"`
	Traveler    string `json:"traveler"`
	Destination string `json:"destination"`
	// SimulateFailure makes the booking fail as if nothing were available.
	SimulateFailure bool `json:"simulateFailure,omitempty"`
}

// BookCar rents a car and returns the confirmation.
func BookCar(ctx context.Context, req BookingRequest) (string, error) {
	return book(ctx, "car", "no cars left to rent in %s", req)
}

// BookHotel books a hotel room and returns the confirmation.
func BookHotel(ctx context.Context, req BookingRequest) (string, error) {
	return book(ctx, "hotel", "no rooms left in %s", req)
}

// BookFlight books a flight and returns the confirmation.
func BookFlight(ctx context.Context, req BookingRequest) (string, error) {
	return book(ctx, "flight", "no seats left on flights to %s", req)
}

// CancelCar cancels a car rental; cancelling twice is harmless.
func CancelCar(ctx context.Context, confirmation string) error { return cancel(ctx, confirmation) }

// CancelHotel cancels a hotel booking; cancelling twice is harmless.
func CancelHotel(ctx context.Context, confirmation string) error { return cancel(ctx, confirmation) }

// CancelFlight cancels a flight booking; cancelling twice is harmless.
func CancelFlight(ctx context.Context, confirmation string) error { return cancel(ctx, confirmation) }

// Held returns the confirmations currently held for a trip, sorted: what a
// real system would still charge the traveler for.
func Held(tripID string) []string {
	reservations.Lock()
	defer reservations.Unlock()
	var out []string
	for conf, trip := range reservations.held {
		if trip == tripID {
			out = append(out, conf)
		}
	}
	sort.Strings(out)
	return out
}

// reservations stands in for the booking systems of this example: the
// confirmations held, each with its trip.
var reservations = struct {
	sync.Mutex
	held map[string]string
}{held: map[string]string{}}

func book(ctx context.Context, kind, soldOut string, req BookingRequest) (string, error) {
	if req.TripID == "" || req.Traveler == "" || req.Destination == "" {
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("book %s: tripId, traveler and destination are required", kind), "InvalidArgument", nil)
	}
	if req.SimulateFailure {
		// Nothing is available: retrying will not help.
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf(soldOut, req.Destination), strings.ToUpper(kind[:1])+kind[1:]+"Unavailable", nil)
	}
	conf := kind + "-" + req.TripID
	reservations.Lock()
	reservations.held[conf] = req.TripID
	reservations.Unlock()
	activity.GetLogger(ctx).Info("Booked", "confirmation", conf, "traveler", req.Traveler, "destination", req.Destination)
	return conf, nil
}

func cancel(ctx context.Context, confirmation string) error {
	reservations.Lock()
	delete(reservations.held, confirmation)
	reservations.Unlock()
	activity.GetLogger(ctx).Info("Cancelled", "confirmation", confirmation)
	return nil
}
