// Package tracing holds the Go activities of the tracing example, whose
// workflows (workflows.ts) place an order: the parent charges a card, ships
// the order in a child workflow and formats a receipt in a local activity.
// The program in ./run runs it with OpenTelemetry tracing, one trace from the
// client through both workflows to every activity, and exports the spans to
// stdout.
package tracing

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflows call activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"chargeCard":    ChargeCard,
	"bookCourier":   BookCourier,
	"formatReceipt": FormatReceipt,
}

// instrumentation names the spans the activities make themselves.
const instrumentation = "github.com/tsworker/tsworker/examples-js/tracing"

// Order is an order to charge and ship.
type Order struct {
	OrderID     string `json:"orderId"`
	AmountCents int    `json:"amountCents"`
	Address     string `json:"address"`
}

// Shipment is a booked delivery.
type Shipment struct {
	Courier        string `json:"courier"`
	TrackingNumber string `json:"trackingNumber"`
}

// ReceiptInput is what a receipt is made of.
type ReceiptInput struct {
	Order          Order  `json:"order"`
	PaymentID      string `json:"paymentId"`
	TrackingNumber string `json:"trackingNumber"`
}

// ChargeCard charges amountCents for an order and returns the payment's id.
// A non-positive amount is a caller's mistake that retrying cannot fix.
func ChargeCard(_ context.Context, orderID string, amountCents int) (string, error) {
	if amountCents <= 0 {
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("chargeCard: order %s: amount must be positive, got %d cents", orderID, amountCents), "InvalidArgument", nil)
	}
	return "pay-" + orderID, nil
}

// BookCourier books a courier for an order. The activity's context carries
// the span of this activity's run, so the call to the courier's service is
// a span of its own, a child of that one, in the same trace. The tracer
// comes from the span's own provider: the activity needs no global tracer.
func BookCourier(ctx context.Context, order Order) (Shipment, error) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer(instrumentation)
	_, span := tracer.Start(ctx, "courier.book", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("order.id", order.OrderID)))
	defer span.End()
	if order.Address == "" {
		return Shipment{}, temporal.NewNonRetryableApplicationError(
			"bookCourier: order "+order.OrderID+" has no address", "InvalidArgument", nil)
	}
	s := Shipment{Courier: "Speedy Parcels", TrackingNumber: "TRK-" + strings.ToUpper(order.OrderID)}
	span.SetAttributes(attribute.String("courier.tracking_number", s.TrackingNumber))
	return s, nil
}

// FormatReceipt formats the receipt of a placed order as one line.
func FormatReceipt(_ context.Context, in ReceiptInput) (string, error) {
	return fmt.Sprintf("order %s: charged $%d.%02d (payment %s), shipping to %s (tracking %s)",
		in.Order.OrderID, in.Order.AmountCents/100, in.Order.AmountCents%100, in.PaymentID,
		in.Order.Address, in.TrackingNumber), nil
}
