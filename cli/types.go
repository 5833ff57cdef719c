package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/activity"

	"github.com/tsworker/tsworker/internal/actreg"
	"github.com/tsworker/tsworker/internal/tstypes"
)

func newTypesCommand(acts Activities) *cobra.Command {
	var activitiesFile string
	cmd := &cobra.Command{
		Use:   "types [DIR]",
		Short: "Write TypeScript declarations of @temporalio/workflow and of the Go activities for editors",
		Long: `Write the TypeScript declarations of tsworker's built-in @temporalio/workflow
and @temporalio/common modules under DIR/.tsworker/types, and a tsconfig.json
that resolves the modules to them if DIR has none. Editors and tsc then
complete and check workflow code with no npm package installed.

A program built with cli.Main also writes DIR/activities.d.ts: its Go activities
as TypeScript functions, parameters and results mapped from the Go types (a struct
is an interface of its JSON fields), so that

  import type * as activities from './activities';
  const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

is checked against the Go code. Run it again after changing the activities.`,
		Example: `  # In the folder of your workflows.ts
  tsworker types

  # Check the workflows with tsc (installed however you like)
  tsworker types ./workflows && npx tsc -p ./workflows`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("%s is not a directory; pass the folder of your workflows", dir)
			}
			_, hadConfig := os.Stat(filepath.Join(dir, "tsconfig.json"))
			if err := tstypes.Write(dir); err != nil {
				return fmt.Errorf("write declarations: %w", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wrote %s\n", filepath.Join(dir, tstypes.Dir))
			if hadConfig != nil {
				fmt.Fprintf(out, "wrote %s\n", filepath.Join(dir, "tsconfig.json"))
			} else {
				fmt.Fprintf(out, "kept %s (add the paths from 'tsworker types' in an empty folder to use the declarations)\n", filepath.Join(dir, "tsconfig.json"))
			}
			if len(acts) == 0 {
				return nil
			}
			path := activitiesFile
			if path == "" {
				path = filepath.Join(dir, tstypes.ActivitiesFile)
			}
			decls, err := activityDecls(acts)
			if err != nil {
				return err
			}
			if err := tstypes.WriteActivities(path, decls); err != nil {
				return err
			}
			fmt.Fprintf(out, "wrote %s (%d activities)\n", path, len(decls))
			if ts := filepath.Join(filepath.Dir(path), "activities.ts"); activitiesFile == "" {
				if _, err := os.Stat(ts); err == nil {
					fmt.Fprintf(out, "note: %s takes precedence over %s in './activities' imports; delete it to use the declarations of the Go activities\n", ts, path)
				} else if !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&activitiesFile, "activities-file", "", "write the declarations of the Go activities to `FILE` (default: DIR/"+tstypes.ActivitiesFile+")")
	return cmd
}

// activityDecls lists the activities as the worker registers them
// (registerActivities): each under its name and the lower-case-first
// alias; a struct's methods under theirs.
func activityDecls(acts Activities) ([]tstypes.Activity, error) {
	names := make([]string, 0, len(acts))
	for name := range acts {
		names = append(names, name)
	}
	sort.Strings(names)
	taken := map[string]bool{}
	at := map[string]int{} // index in out, so that a later registration replaces an alias
	var out []tstypes.Activity
	for _, name := range names {
		a := acts[name]
		opts := activity.RegisterOptions{Name: name}
		if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			opts.Name = ""
		}
		regs, err := actreg.Registrations(a, opts, func(n string) bool { return taken[n] })
		if err != nil {
			return nil, fmt.Errorf("activity %q: %w", name, err)
		}
		for _, r := range regs {
			taken[r.Opts.Name] = true
			d := tstypes.Activity{Name: r.Opts.Name, Fn: r.Fn}
			if i, ok := at[d.Name]; ok {
				out[i] = d
				continue
			}
			at[d.Name] = len(out)
			out = append(out, d)
		}
	}
	return out, nil
}
