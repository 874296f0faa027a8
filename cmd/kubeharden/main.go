package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/components/controlplane"
	"github.com/kubeharden/kubeharden/components/pki"
	"github.com/kubeharden/kubeharden/components/stack"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
)

// exitCode is set by commands whose outcome is not an error, such as a failed check.
var exitCode = 0

// usageError is a usage or input error: `kubeharden check` exits 2 for it.
type usageError struct{ error }

func main() {
	// A run is short and allocates most of what it reads: collect garbage a quarter as often as Go's
	// default, within a soft limit far under the 300 MB a check may take (GOGC and GOMEMLIMIT still win).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(200 << 20)
	}
	root := newRootCommand()
	if cmd, err := root.ExecuteC(); err != nil {
		fmt.Fprintln(os.Stderr, "kubeharden:", err)
		var usage usageError
		if errors.As(err, &usage) || cmd == root { // a flag error, or an unknown command
			os.Exit(controls.ExitInput)
		}
		os.Exit(1)
	}
	os.Exit(exitCode)
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{Use: "kubeharden", Short: "Harden a Kubernetes cluster from its first minute", SilenceUsage: true, SilenceErrors: true}
	// A flag that is unknown or of the wrong type is a usage error, for every command: exit 2.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{fmt.Errorf("%s: %w", c.CommandPath(), err)} })
	var stackName, dir string
	root.PersistentFlags().StringVar(&stackName, "stack", "dev", "the Pulumi stack")
	root.PersistentFlags().StringVar(&dir, "project", ".", "the project folder (Pulumi.yaml), or a folder below it")
	cli := func() (stack.PulumiCLI, error) {
		project, err := stack.ProjectRootFrom(dir)
		return stack.PulumiCLI{Dir: project, Stack: stackName}, err
	}

	// pki
	pkiCmd := &cobra.Command{Use: "pki", Short: "The control plane's certificates"}
	var sans, etcdSANs []string
	var caCert, caKey string
	var replace bool
	pkiInit := &cobra.Command{
		Use:   "init",
		Short: "Generate the PKI once into the stack's secret config (kubeharden:pki), for the names in the stack's profile",
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := cli()
			if err != nil {
				return err
			}
			profile, err := stack.StackProfile(p)
			if err != nil {
				return err
			}
			opts, err := stack.PKIOptionsFor(profile, pki.Options{SANs: sans, EtcdSANs: etcdSANs})
			if err != nil {
				return err
			}
			if caCert != "" || caKey != "" {
				cert, err1 := os.ReadFile(caCert)
				key, err2 := os.ReadFile(caKey)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("--ca-cert and --ca-key must both name readable PEM files")
				}
				opts.ClusterCA = &pki.KeyPair{Cert: string(cert), Key: string(key)}
			}
			b, err := stack.InitPKI(p, opts, replace)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: stored a new PKI in %s:%s of stack %s (secret); certificates expire:\n", stack.ConfigNamespace, stack.PKIKey, stackName)
			expiries := b.Expiries()
			for _, name := range pki.Names() {
				fmt.Fprintf(cmd.OutOrStdout(), "  %-24s %s\n", name, expiries[name].UTC().Format(time.RFC3339))
			}
			return nil
		},
	}
	pkiInit.Flags().StringSliceVar(&sans, "san", nil, "a DNS name or IP of the API server certificate beyond the profile's controlPlane.apiServer.sans (repeatable)")
	pkiInit.Flags().StringSliceVar(&etcdSANs, "etcd-san", nil, "extra DNS name or IP of the etcd certificates (repeatable)")
	pkiInit.Flags().StringVar(&caCert, "ca-cert", "", "bring your own cluster CA: its certificate (PEM)")
	pkiInit.Flags().StringVar(&caKey, "ca-key", "", "bring your own cluster CA: its private key (PEM)")
	pkiInit.Flags().BoolVar(&replace, "replace", false, "replace an existing PKI (every certificate changes)")
	pkiCmd.AddCommand(pkiInit)
	root.AddCommand(pkiCmd)

	// encryption keys
	keyCmd := &cobra.Command{Use: "encryption-key", Short: "Encryption-at-rest keys and their rotation"}
	var keyName string
	keyCmd.AddCommand(&cobra.Command{
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
	change := func(use, short string, step func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error)) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := cli()
			if err != nil {
				return err
			}
			keys, err := stack.EncryptionKeys(p)
			if err != nil {
				return err
			}
			keys, err = step(keys)
			if err != nil {
				return err
			}
			if err := stack.SetEncryptionKeys(p, keys); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: %s:%s of stack %s is now %s (first encrypts); run pulumi up, then roll every API server\n",
				stack.ConfigNamespace, stack.EncryptionKeysKey, stackName, "["+controlplane.KeyNames(keys)+"]")
			return nil
		}}
	}
	keyCmd.AddCommand(change("init", "Store the first key in the stack's secret config", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		if len(keys) > 0 {
			return nil, fmt.Errorf("the stack has keys already (%s); rotate with add, promote and remove", "["+controlplane.KeyNames(keys)+"]")
		}
		k, err := controlplane.NewEncryptionKey(nameOrNow(keyName))
		return []controlplane.EncryptionKey{k}, err
	}))
	keyCmd.AddCommand(change("add", "Rotation step 1: add a new key in second place", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		k, err := controlplane.NewEncryptionKey(nameOrNow(keyName))
		if err != nil {
			return nil, err
		}
		return controlplane.AddKey(keys, k)
	}))
	keyCmd.AddCommand(change("promote", "Rotation step 2: make --name the encrypting key", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		return controlplane.PromoteKey(keys, keyName)
	}))
	keyCmd.AddCommand(change("remove", "Rotation step 4: remove --name once every secret was rewritten", func(keys []controlplane.EncryptionKey) ([]controlplane.EncryptionKey, error) {
		return controlplane.RemoveKey(keys, keyName)
	}))
	keyCmd.PersistentFlags().StringVar(&keyName, "name", "", "the key's name (generate, init, add: default key-<UTC time>)")
	root.AddCommand(keyCmd)

	var kubeconfig string
	rewrite := &cobra.Command{
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
	rewrite.Flags().StringVar(&kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "a cluster-admin kubeconfig")
	root.AddCommand(rewrite)

	// check and report
	var output string
	var verbose bool
	var in stack.CheckInputs
	checkFlags := func(c *cobra.Command) {
		c.Flags().StringVar(&in.Kubeconfig, "kubeconfig", "", "also check a live cluster through this kubeconfig (read-only: it only lists)")
		c.Flags().StringVar(&in.ProfileFile, "profile", "", "a profile file or stack settings file (stacks/Pulumi.<stack>.yaml): its compliance.exemptions and kubernetesVersion apply")
		c.Flags().StringVar(&in.KubernetesVersion, "kubernetes-version", "", "the Kubernetes version whose checks apply (default: the profile's, else "+config.DefaultKubernetesVersion+")")
		c.Flags().StringVarP(&in.Namespace, "namespace", "n", "", "the namespace of objects that name none, as kubectl apply -n sets it (default: default)")
		c.Flags().StringVar(&in.PreviewFile, "pulumi-preview", "", "also check the resources a stack would hold after its update: the output of `pulumi preview --json`")
	}
	check := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Check manifests, the control-plane file set and a live cluster against the control catalog; exit 0 pass, 1 fail, 2 usage or input error",
		RunE: func(cmd *cobra.Command, paths []string) error {
			if !slices.Contains(controls.Formats, output) {
				return usageError{fmt.Errorf("check: --output %q: supported values: %s", output, strings.Join(controls.Formats, ", "))}
			}
			in.Paths = paths
			report, err := stack.RunCheck(cmd.Context(), in)
			if err != nil {
				return usageError{fmt.Errorf("check: %w", err)}
			}
			err = report.Write(cmd.OutOrStdout(), output, verbose)
			exitCode = report.ExitCode()
			return err
		},
	}
	check.Flags().StringVarP(&output, "output", "o", "text", "text, json, sarif, junit or summary (the last lines of text, with the objects by kind)")
	check.Flags().BoolVarP(&verbose, "verbose", "v", false, "text: also list the controls the inputs could not answer, and why")
	checkFlags(check)
	root.AddCommand(check)

	var htmlOut, markdownOut string
	report := &cobra.Command{
		Use:   "report [PATH...]",
		Short: "Write the compliance report as one self-contained HTML page and/or Markdown: the matrix of controls, the evidence behind each, the exemptions",
		RunE: func(cmd *cobra.Command, paths []string) error {
			if htmlOut == "" && markdownOut == "" {
				return usageError{errors.New("report: name --html FILE, --markdown FILE or both")}
			}
			in.Paths = paths
			r, err := stack.RunCheck(cmd.Context(), in)
			if err != nil {
				return usageError{fmt.Errorf("report: %w", err)}
			}
			now := time.Now()
			for _, out := range []struct {
				path  string
				write func(io.Writer, time.Time) error
			}{{htmlOut, r.WriteHTML}, {markdownOut, r.WriteMarkdown}} {
				if out.path == "" {
					continue
				}
				var buf bytes.Buffer
				if err := out.write(&buf, now); err != nil {
					return err
				}
				if err := os.WriteFile(out.path, buf.Bytes(), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: wrote %s\n", out.path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kubeharden: controls: %d pass, %d fail, %d exempt, %d not evaluated\n",
				r.Count(controls.StatusPass), r.Count(controls.StatusFail), r.Count(controls.StatusExempt), r.Count(controls.StatusNotEvaluated))
			return nil
		},
	}
	report.Flags().StringVar(&htmlOut, "html", "", "write the HTML page here")
	report.Flags().StringVar(&markdownOut, "markdown", "", "write the Markdown here")
	checkFlags(report)
	root.AddCommand(report)

	// files
	filesCmd := &cobra.Command{Use: "files", Short: "The control-plane file set"}
	var outDir string
	var publicOnly bool
	filesWrite := &cobra.Command{
		Use:   "write",
		Short: "Write the control-plane files from the stack's outputs under --dir, keys 0600",
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := cli()
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
	filesWrite.Flags().StringVar(&outDir, "dir", "", "the folder that stands for / (required; / writes in place)")
	_ = filesWrite.MarkFlagRequired("dir")
	filesWrite.Flags().BoolVar(&publicOnly, "public-only", false, "only the files that hold no key (certificates, policies, configuration), as make up writes them")
	filesCmd.AddCommand(filesWrite)
	root.AddCommand(filesCmd)
	return root
}

func nameOrNow(name string) string {
	if name != "" {
		return name
	}
	return "key-" + time.Now().UTC().Format("20060102-150405")
}
