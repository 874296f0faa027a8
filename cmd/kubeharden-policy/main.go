package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/kubeharden/kubeharden/policypack"
	"github.com/kubeharden/kubeharden/stack"
)

func main() {
	err := policyx.Main(func(ctx *pulumi.Context) (policyx.PolicyPack, error) {
		// The engine starts the pack in the project's folder.
		dir, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		root, err := stack.ProjectRootFrom(dir)
		if err != nil {
			root = dir // a profileFile, if any, is then read from here
		}
		opts, err := policypack.StackOptions(func(key string) string { return pulumiconfig.Get(ctx, key) }, root)
		if err != nil {
			return nil, err
		}
		opts.ReportFile = os.Getenv(policypack.ReportFileEnv)
		return policypack.New(opts)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubeharden-policy:", err)
		os.Exit(1)
	}
}
