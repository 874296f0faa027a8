package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/stack"
)

// newEncryptionKeyCommand is `kubeharden encryption-key`: the encryption-at-rest keys of a stack and
// their rotation, one step a command.
func newEncryptionKeyCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "encryption-key", Short: "Encryption-at-rest keys and their rotation"}
	var keyName string
	cmd.PersistentFlags().StringVar(&keyName, "name", "", "the key's name (generate, init, add: default key-<UTC time>)")
	cmd.AddCommand(&cobra.Command{
		Use:   "generate",
		Short: "Print a new key (32 random bytes, base64) as JSON, for keys kept outside a stack",
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := controlplane.NewEncryptionKey(nameOrNow(keyName))
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(k)
		},
	})
	// The steps below change the keys of a stack: only they take --stack and --project.
	var sf stackFlags
	step := func(use, short string, change func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error)) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := sf.cli()
			if err != nil {
				return err
			}
			keys, err := stack.ChangeEncryptionKeys(p, change)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: %s:%s of stack %s is now %s (first encrypts); run pulumi up, then roll every API server\n",
				stack.ConfigNamespace, stack.EncryptionKeysKey, p.Stack, "["+controlplane.KeyNames(keys)+"]")
			return nil
		}}
		sf.add(c)
		return c
	}
	cmd.AddCommand(step("init", "Store the first key in the stack's secret config", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		if len(keys) > 0 {
			return nil, fmt.Errorf("the stack has keys already (%s); rotate with add, promote and remove", "["+controlplane.KeyNames(keys)+"]")
		}
		k, err := controlplane.NewEncryptionKey(nameOrNow(keyName))
		return []controlplane.EncryptionKey{k}, err
	}))
	cmd.AddCommand(step("add", "Rotation step 1: add a new key in second place", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		k, err := controlplane.NewEncryptionKey(nameOrNow(keyName))
		if err != nil {
			return nil, err
		}
		return controlplane.AddKey(keys, k)
	}))
	cmd.AddCommand(step("promote", "Rotation step 2: make --name the encrypting key", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		return controlplane.PromoteKey(keys, keyName)
	}))
	cmd.AddCommand(step("remove", "Rotation step 4: remove --name once every secret was rewritten", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		return controlplane.RemoveKey(keys, keyName)
	}))
	return cmd
}

// nameOrNow is name, or key-<UTC time> when it is empty.
func nameOrNow(name string) string {
	if name != "" {
		return name
	}
	return "key-" + time.Now().UTC().Format("20060102-150405")
}
