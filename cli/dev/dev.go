// Package dev adds the `dev` command to a command line built with package
// cli: a Temporal server embedded in the program, with its Web UI, and a
// worker that reloads on save.
//
//	func main() {
//		cli.Main(cli.Activities{"greet": Greet}, dev.Command())
//	}
//
// The command links the Temporal server (package devserver), which makes a
// binary several times bigger and slower to build, so it is a separate
// package: a production binary built with cli.Main alone has run, replay,
// bundle, types and the other commands, and no server.
package dev

import (
	"context"
	"fmt"

	"github.com/tsworker/tsworker/cli"
	"github.com/tsworker/tsworker/cli/internal/devhook"
	"github.com/tsworker/tsworker/devserver"
)

// Command returns the option of cli.Main and cli.NewRootCommand that adds
// `dev`.
func Command() cli.Option {
	return func(s *devhook.Settings) { s.StartServer = start }
}

func start(ctx context.Context, o devhook.ServerOptions) (devhook.Server, error) {
	var endpoints []devserver.NexusEndpoint
	for _, s := range o.NexusEndpoints {
		e, err := devserver.ParseNexusEndpoint(s)
		if err != nil {
			return nil, fmt.Errorf("--nexus-endpoint: %w", err)
		}
		endpoints = append(endpoints, e)
	}
	srv, err := devserver.Start(ctx, devserver.Options{
		IP: o.IP, Port: o.Port, UI: o.UI, UIPort: o.UIPort, DBFile: o.DBFile,
		Namespaces: o.Namespaces, UICodecEndpoint: o.UICodecEndpoint, NexusEndpoints: endpoints,
	})
	if err != nil {
		return nil, err
	}
	return srv, nil
}
