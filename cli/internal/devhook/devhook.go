// Package devhook is the seam between package cli, which implements
// `tsworker dev`, and package cli/dev, which supplies the embedded Temporal
// server the command runs on. Only programs that import cli/dev link the
// server; package cli and the production commands do not.
package devhook

import (
	"context"

	"github.com/nexus-rpc/sdk-go/nexus"
	"go.temporal.io/sdk/workflow"
)

// Settings is what the options of package cli (cli.Option) set.
type Settings struct {
	// StartServer starts the server of `tsworker dev`. Nil leaves the dev
	// command out.
	StartServer StartServer
	// NexusServices are registered on the workers of dev and run.
	NexusServices []*nexus.Service
	// GoWorkflows are registered on the workers of dev and run.
	GoWorkflows []GoWorkflow
}

// GoWorkflow is a Go workflow function and the options it is registered
// with.
type GoWorkflow struct {
	Fn   any
	Opts workflow.RegisterOptions
}

// StartServer starts a local Temporal server and returns when its
// frontend answers. ctx bounds the start only.
type StartServer func(ctx context.Context, opts ServerOptions) (Server, error)

// ServerOptions are the settings of the server, from the dev command's
// flags; the fields are those of devserver.Options.
type ServerOptions struct {
	IP              string
	Port            int
	UI              bool
	UIPort          int
	DBFile          string
	Namespaces      []string
	UICodecEndpoint string
	NexusEndpoints  []string // NAME=TASK_QUEUE or NAME=NAMESPACE/TASK_QUEUE
}

// Server is a running server.
type Server interface {
	// FrontendHostPort is the address clients dial.
	FrontendHostPort() string
	// UIAddress is the Web UI's URL, or "" without a UI.
	UIAddress() string
	// Stop stops the server.
	Stop()
}
