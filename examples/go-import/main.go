// Command go-import is a complete Pulumi program that uses kubeharden from a stack of its own: it builds a
// profile in code, lets kubeharden fill the defaults and validate it, and creates the hardened Baseline
// through a kubernetes provider of its own (here one that renders YAML into ./rendered; drop
// RenderYamlToDirectory to apply to the cluster of your kubeconfig).
package main

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		provider, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{
			RenderYamlToDirectory: pulumi.String("rendered"),
		})
		if err != nil {
			return err
		}
		profile := &config.Profile{
			KubernetesVersion: "1.35.2",
			Tenants: []config.Tenant{
				{Name: "payments", Quota: config.Quota{LimitsCPU: "4", LimitsMemory: "8Gi"}},
				{Name: "reporting", EgressCIDRs: []string{"10.60.0.0/16"}},
			},
		}
		b, err := baseline.NewBaseline(ctx, "hardening", &baseline.BaselineArgs{Profile: profile}, pulumi.Providers(provider))
		if err != nil {
			return err
		}
		ctx.Export("namespaces", b.Namespaces)
		return nil
	})
}
