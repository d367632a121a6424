package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// newCacheCmd builds `cache`, whose `clear` removes the account indexes
// kept in the user's cache directory.
func newCacheCmd(streams *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Manage the account indexes kept in the user's cache directory",
		Long: `Imports keep one index of each account's existing records in the user's cache
directory (per base URL and user), so an import from any file only refreshes it.
The files hold CRM data (mode 0600, never the token).`,
		Example: "  capsule-etl cache clear",
		Args:    cobra.NoArgs,
	}
	clear := &cobra.Command{
		Use:     "clear",
		Short:   "Remove every cached account index (the next import lists or searches again)",
		Example: "  capsule-etl cache clear",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := importer.DefaultIndexCacheDir()
			if err != nil {
				return err
			}
			removed, err := importer.ClearIndexCache(dir)
			if err != nil {
				return err
			}
			n := 0
			for _, f := range removed {
				if len(f) > 3 && f[len(f)-3:] == ".db" {
					n++
				}
			}
			what := "indexes"
			if n == 1 {
				what = "index"
			}
			_, err = fmt.Fprintf(streams.Out, "removed %d cached account %s from %s\n", n, what, dir)
			return err
		},
	}
	cmd.AddCommand(clear)
	return cmd
}
