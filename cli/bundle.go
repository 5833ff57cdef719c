package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tsworker/tsworker/worker"
)

type bundleFlags struct {
	out    string
	minify bool
	load   loadFlags
}

func newBundleCommand() *cobra.Command {
	var f bundleFlags
	cmd := &cobra.Command{
		Use:   "bundle [PATH] -o FILE",
		Short: "Bundle workflows into one JavaScript file for 'tsworker run --bundle'",
		Long: `Bundle the workflows at PATH (a .ts or .js file, or a directory holding workflows.ts
or index.ts; default: the current directory) and everything they import into one
script, check that it loads, and write it to FILE with its source map inline, and the
source map again to FILE.map. Without -o the bundle goes to stdout.

A bundle lets a deployment ship one file that is bundled once, at build time, and
checked before it ships.`,
		Example: `  tsworker bundle workflows.ts -o dist/workflows.js
  tsworker run --bundle dist/workflows.js --task-queue orders`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return runBundle(cmd, path, f)
		},
	}
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "write the bundle to `FILE` and its source map to FILE.map (default: stdout)")
	cmd.Flags().BoolVar(&f.minify, "minify", false, "minify the bundle (stack traces stay readable through the source map)")
	f.load.add(cmd.Flags())
	return cmd
}

func runBundle(cmd *cobra.Command, path string, f bundleFlags) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	src, err := bundleSource(path, f.minify, stderr, f.load.apply(worker.LoadOptions{}))
	if err != nil {
		writeCodeFrames(stderr, err)
		return err
	}
	names := strings.Join(src.wfs.Names(), ", ")
	if f.out == "" {
		if _, err := stdout.Write(src.code); err != nil {
			return fmt.Errorf("write bundle: %w", err)
		}
		fmt.Fprintf(stderr, "Workflows: %s\n", names)
		return nil
	}
	if dir := filepath.Dir(f.out); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write bundle: %w", err)
		}
	}
	if err := os.WriteFile(f.out, src.code, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if err := os.WriteFile(f.out+".map", src.srcMap, 0o644); err != nil {
		return fmt.Errorf("write source map: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %s (%s) and %s.map\n", f.out, byteSize(len(src.code)), f.out)
	fmt.Fprintf(stdout, "  Workflows: %s\n", names)
	return nil
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
