package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tsworker/tsworker/internal/tstypes"
)

func newTypesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "types [DIR]",
		Short: "Write TypeScript declarations of @temporalio/workflow and a tsconfig.json for editors",
		Long: `Write the TypeScript declarations of tsworker's built-in @temporalio/workflow
and @temporalio/common modules under DIR/.tsworker/types, and a tsconfig.json
that resolves the modules to them if DIR has none. Editors and tsc then
complete and check workflow code with no npm package installed.`,
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
			return nil
		},
	}
}
