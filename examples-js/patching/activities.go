// Package patching holds the Go activities of the patching example, whose
// onboarding workflow was changed with patched() while runs of the old
// version were still in flight: workflows.ts is the new version and
// v1/workflows.ts the old one.
package patching

import (
	"context"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflows call activities by to the Go
// functions that implement them. Both versions of the workflow use them;
// createDiscountCode is new in version 2.
var Activities = map[string]any{
	"createDiscountCode":     CreateDiscountCode,
	"sendWelcomeEmail":       SendWelcomeEmail,
	"sendActivationReminder": SendActivationReminder,
}

// Customer is a new customer.
type Customer struct {
	CustomerID string `json:"customerId"`
	Email      string `json:"email"`
}

// WelcomeEmail is a welcome email; version 2 of the workflow adds a
// discount code.
type WelcomeEmail struct {
	CustomerID   string `json:"customerId"`
	Email        string `json:"email"`
	DiscountCode string `json:"discountCode,omitempty"`
}

// CreateDiscountCode creates a discount code for a new customer. The code is
// derived from the customer id, so a retried activity makes the same code.
func CreateDiscountCode(ctx context.Context, customerID string) (string, error) {
	if customerID == "" {
		return "", temporal.NewNonRetryableApplicationError("create discount code: customerId is empty", "InvalidArgument", nil)
	}
	code := "WELCOME-" + strings.ToUpper(customerID)
	activity.GetLogger(ctx).Info("Created discount code", "customerId", customerID, "code", code)
	return code, nil
}

// SendWelcomeEmail sends a welcome email and describes what it sent. This
// example writes to the worker's log instead of sending mail.
func SendWelcomeEmail(ctx context.Context, e WelcomeEmail) (string, error) {
	if e.Email == "" {
		return "", temporal.NewNonRetryableApplicationError("send welcome email: email is empty", "InvalidArgument", nil)
	}
	sent := "welcome email to " + e.Email
	if e.DiscountCode != "" {
		sent += " with discount code " + e.DiscountCode
	}
	activity.GetLogger(ctx).Info("Sent", "email", sent)
	return sent, nil
}

// SendActivationReminder reminds a customer to activate their account and
// describes what it sent.
func SendActivationReminder(ctx context.Context, c Customer) (string, error) {
	if c.Email == "" {
		return "", temporal.NewNonRetryableApplicationError("send activation reminder: email is empty", "InvalidArgument", nil)
	}
	sent := "activation reminder to " + c.Email
	activity.GetLogger(ctx).Info("Sent", "email", sent)
	return sent, nil
}
