// Command go-import is a Pulumi program of its own (its own Pulumi.yaml and go.mod) that uses kubeharden's
// components next to resources it builds itself: a hardened tenant namespace (tenant.Namespace) and the
// admission guardrails, and, in that namespace, its own ServiceAccount and Deployment. Its kubernetes
// provider is its own (here one that renders YAML into the stack's go-import:renderDir, ./rendered by
// default; drop RenderYamlToDirectory to apply to the cluster of your kubeconfig), handed to the
// components; the tenant's namespace name, an output of the component, goes into its own objects.
package main

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		renderDir := pulumiconfig.Get(ctx, "go-import:renderDir")
		if renderDir == "" {
			renderDir = "rendered"
		}
		provider, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{RenderYamlToDirectory: pulumi.String(renderDir)})
		if err != nil {
			return err
		}
		k8s := pulumi.Provider(provider)

		// The profile in code, resolved once (defaults filled, every field validated, as the stack program
		// does); the components take the resolved profile and neither default nor validate it again.
		profile, err := config.Resolve(&config.Profile{
			Tenants:    []config.Tenant{{Name: "payments", Quota: config.Quota{LimitsCPU: "4", LimitsMemory: "8Gi"}}},
			Guardrails: config.Guardrails{AllowedRegistries: []string{"registry.k8s.io"}},
		})
		if err != nil {
			return err
		}
		payments, err := tenant.NewNamespace(ctx, "payments", &tenant.NamespaceArgs{Profile: profile, Tenant: "payments"}, k8s)
		if err != nil {
			return err
		}
		if _, err := guardrails.NewGuardrails(ctx, "guardrails", &guardrails.GuardrailsArgs{Profile: profile}, k8s); err != nil {
			return err
		}

		// The program's own objects, in the tenant's namespace: restricted, with limits, its own
		// ServiceAccount and no API token, an image from the allowed registry pinned by tag.
		ns := payments.NamespaceName
		sa, err := corev1.NewServiceAccount(ctx, "api", &corev1.ServiceAccountArgs{
			Metadata:                     &metav1.ObjectMetaArgs{Name: pulumi.String("api"), Namespace: ns},
			AutomountServiceAccountToken: pulumi.Bool(false),
		}, k8s)
		if err != nil {
			return err
		}
		labels := pulumi.StringMap{"app": pulumi.String("api")}
		api, err := appsv1.NewDeployment(ctx, "api", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("api"), Namespace: ns},
			Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: &corev1.PodSpecArgs{
						ServiceAccountName:           sa.Metadata.Name().Elem(),
						AutomountServiceAccountToken: pulumi.Bool(false),
						SecurityContext: &corev1.PodSecurityContextArgs{
							RunAsNonRoot:   pulumi.Bool(true),
							RunAsUser:      pulumi.Int(10001),
							SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
						},
						Containers: corev1.ContainerArray{&corev1.ContainerArgs{
							Name:  pulumi.String("api"),
							Image: pulumi.String("registry.k8s.io/pause:3.10"),
							SecurityContext: &corev1.SecurityContextArgs{
								AllowPrivilegeEscalation: pulumi.Bool(false),
								ReadOnlyRootFilesystem:   pulumi.Bool(true),
								Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
							},
							Resources: &corev1.ResourceRequirementsArgs{
								Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")},
								Limits:   pulumi.StringMap{"cpu": pulumi.String("250m"), "memory": pulumi.String("128Mi")},
							},
						}},
					},
				},
			},
		}, k8s)
		if err != nil {
			return err
		}
		ctx.Export("namespace", ns)
		ctx.Export("podSecurityEnforce", payments.PodSecurityEnforce)
		ctx.Export("deployment", api.Metadata.Name())
		return nil
	})
}
