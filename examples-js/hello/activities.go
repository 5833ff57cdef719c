// Package hello holds the Go activity of the hello example, whose workflow
// (workflows.ts) calls one activity and returns its result.
package hello

import (
	"context"

	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"greet": Greet,
}

// Greet returns a greeting for name. An empty name is a caller's mistake
// that retrying cannot fix, so it fails without retries.
func Greet(_ context.Context, name string) (string, error) {
	if name == "" {
		return "", temporal.NewNonRetryableApplicationError("greet: name is empty", "InvalidArgument", nil)
	}
	return "Hello, " + name + "!", nil
}
