package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/stack"
)

// newRewriteSecretsCommand is `kubeharden rewrite-secrets`: rotation step 3.
func newRewriteSecretsCommand() *cobra.Command {
	var kubeconfig string
	cmd := &cobra.Command{
		Use:   "rewrite-secrets",
		Short: "Rotation step 3: write every Secret back so that it is stored under the encrypting key",
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := stack.RewriteAllSecrets(context.Background(), kubeconfig)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: rewrote %d secrets\n", n)
			return nil
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "a cluster-admin kubeconfig")
	return cmd
}
