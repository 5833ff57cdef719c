package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is the version `tsworker version` prints. Set it when building:
//
//	go build -ldflags "-X github.com/tsworker/tsworker/cli.Version=v1.2.3" ./cmd/tsworker
//
// Empty means the main module's version from the build info.
var Version = ""

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of tsworker and of the libraries it is built on",
		Example: "  tsworker version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "tsworker %s\n", version())
			fmt.Fprintf(out, "  go:           %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			for _, dep := range []struct{ name, path string }{
				{"temporal sdk", "go.temporal.io/sdk"},
				{"esbuild", "github.com/evanw/esbuild"},
				{"goja", "github.com/dop251/goja"},
			} {
				if v := depVersion(dep.path); v != "" {
					fmt.Fprintf(out, "  %-13s %s\n", dep.name+":", v)
				}
			}
			return nil
		},
	}
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "(development build)"
}

func depVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}
