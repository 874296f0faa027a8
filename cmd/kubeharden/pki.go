package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/stack"
)

// newPKICommand is `kubeharden pki init`: the control plane's certificates into the stack's secret config.
func newPKICommand() *cobra.Command {
	cmd := &cobra.Command{Use: "pki", Short: "The control plane's certificates"}
	var sf stackFlags
	sf.add(cmd)
	var sans, etcdSANs []string
	var caCert, caKey string
	var replace bool
	var renewWithin time.Duration
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Generate the PKI once into the stack's secret config (kubeharden:pki), for the names in the stack's profile",
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := sf.cli()
			if err != nil {
				return err
			}
			var ca *pki.KeyPair
			if caCert != "" || caKey != "" {
				cert, err1 := os.ReadFile(caCert)
				key, err2 := os.ReadFile(caKey)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("--ca-cert and --ca-key must both name readable PEM files")
				}
				ca = &pki.KeyPair{Cert: string(cert), Key: string(key)}
			}
			b, kept, err := stack.InitStackPKI(p, pki.Options{SANs: sans, EtcdSANs: etcdSANs, ClusterCA: ca},
				stack.PKIRenewal{Replace: replace, Within: renewWithin})
			if err != nil {
				return err
			}
			if kept {
				fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: kept the PKI of stack %s: its first certificate expires %s, after --renew-within %s\n",
					p.Stack, b.EarliestExpiry().UTC().Format(time.RFC3339), renewWithin)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: stored a new PKI in %s:%s of stack %s (secret); certificates expire:\n", stack.ConfigNamespace, stack.PKIKey, p.Stack)
			expiries := b.Expiries()
			for _, name := range pki.Names() {
				if _, ok := expiries[name]; !ok {
					continue // a certificate this profile does not need
				}
				fmt.Fprintf(cmd.OutOrStdout(), "  %-24s %s\n", name, expiries[name].UTC().Format(time.RFC3339))
			}
			return nil
		},
	}
	initCmd.Flags().StringSliceVar(&sans, "san", nil, "a DNS name or IP of the API server certificate beyond the profile's controlPlane.apiServer.sans (repeatable)")
	initCmd.Flags().StringSliceVar(&etcdSANs, "etcd-san", nil, "extra DNS name or IP of the etcd certificates (repeatable)")
	initCmd.Flags().StringVar(&caCert, "ca-cert", "", "bring your own cluster CA: its certificate (PEM)")
	initCmd.Flags().StringVar(&caKey, "ca-key", "", "bring your own cluster CA: its private key (PEM)")
	initCmd.Flags().BoolVar(&replace, "replace", false, "replace an existing PKI (every certificate changes)")
	initCmd.Flags().DurationVar(&renewWithin, "renew-within", 0, "keep an existing PKI unless a certificate expires within this long (such as 720h), else generate a new one (every certificate and CA changes; for development stacks)")
	cmd.AddCommand(initCmd)
	return cmd
}
