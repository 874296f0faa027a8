package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/stack"
)

// newFilesCommand is `kubeharden files write`: the control-plane file set from a stack's outputs.
func newFilesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "files", Short: "The control-plane file set"}
	var sf stackFlags
	sf.add(cmd)
	var outDir string
	var publicOnly bool
	write := &cobra.Command{
		Use:   "write",
		Short: "Write the control-plane files from the stack's outputs under --dir, keys 0600",
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := sf.cli()
			if err != nil {
				return err
			}
			files, err := stack.ReadFileSet(p, !publicOnly)
			if err != nil {
				return err
			}
			if err := controlplane.WriteFiles(outDir, files); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: wrote %d files under %s\n", len(files), outDir)
			return nil
		},
	}
	write.Flags().StringVar(&outDir, "dir", "", "the folder that stands for / (required; / writes in place)")
	_ = write.MarkFlagRequired("dir")
	write.Flags().BoolVar(&publicOnly, "public-only", false, "only the files that hold no key (certificates, policies, configuration), as make up writes them")
	cmd.AddCommand(write)
	return cmd
}
