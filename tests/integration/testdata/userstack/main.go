// Command userstack is a user's own Pulumi program beside kubeharden's Baseline (its profile, one tenant,
// from the stack's kubeharden:profile): its own app in the tenant namespace, compliant, and, where the stack config's "weaken" says so, one change that weakens the
// cluster. tests/integration runs it with the policy pack, which must pass the compliant program and fail
// each weakening.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/stack"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := pulumiconfig.New(ctx, "userstack")
		provider, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{RenderYamlToDirectory: pulumi.String(cfg.Require("renderDir"))})
		if err != nil {
			return err
		}
		k8s := pulumi.Provider(provider)
		// The profile comes from the stack's settings (kubeharden:profile), where the policy pack and
		// kubeharden check read it too, so that they know the exemptions it implies.
		src, err := stack.ProfileSources(pulumiconfig.Get(ctx, stack.ConfigNamespace+":"+stack.ProfileKey), "", "")
		if err != nil {
			return err
		}
		profile, err := config.Load(src)
		if err != nil {
			return err
		}
		if len(profile.Tenants) != 1 {
			return fmt.Errorf("kubeharden:profile: want one tenant, have %d", len(profile.Tenants))
		}
		b, err := baseline.NewBaseline(ctx, "hardening", &baseline.BaselineArgs{Profile: profile}, k8s)
		if err != nil {
			return err
		}
		ns := b.Namespaces.Index(pulumi.Int(0))
		weaken := cfg.Get("weaken")

		sa, err := corev1.NewServiceAccount(ctx, "web", &corev1.ServiceAccountArgs{
			Metadata:                     &metav1.ObjectMetaArgs{Name: pulumi.String("web"), Namespace: ns},
			AutomountServiceAccountToken: pulumi.Bool(false),
		}, k8s)
		if err != nil {
			return err
		}
		security := &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(false),
			ReadOnlyRootFilesystem:   pulumi.Bool(true),
			RunAsNonRoot:             pulumi.Bool(true),
			RunAsUser:                pulumi.Int(10001),
			Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
			SeccompProfile:           &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		}
		if weaken == "privileged" {
			security.Privileged = pulumi.Bool(true)
			security.AllowPrivilegeEscalation = pulumi.Bool(true)
		}
		image := "registry.k8s.io/pause:3.10"
		if weaken == "latest" {
			image = "registry.k8s.io/pause:latest"
		}
		labels := pulumi.StringMap{"app": pulumi.String("web")}
		if _, err := appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web"), Namespace: ns},
			Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: &corev1.PodSpecArgs{
						ServiceAccountName:           sa.Metadata.Name().Elem(),
						AutomountServiceAccountToken: pulumi.Bool(false),
						Containers: corev1.ContainerArray{&corev1.ContainerArgs{
							Name:            pulumi.String("web"),
							Image:           pulumi.String(image),
							SecurityContext: security,
							Resources: &corev1.ResourceRequirementsArgs{
								Limits: pulumi.StringMap{"cpu": pulumi.String("250m"), "memory": pulumi.String("128Mi")},
							},
						}},
					},
				},
			},
		}, k8s); err != nil {
			return err
		}

		switch weaken {
		case "", "privileged", "latest":
		case "cluster-admin":
			_, err = rbacv1.NewClusterRoleBinding(ctx, "web-admin", &rbacv1.ClusterRoleBindingArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web-admin")},
				RoleRef:  &rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: pulumi.String("cluster-admin")},
				Subjects: rbacv1.SubjectArray{&rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: pulumi.String("web"), Namespace: ns}},
			}, k8s)
		case "wildcard":
			_, err = rbacv1.NewClusterRole(ctx, "web-everything", &rbacv1.ClusterRoleArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web-everything")},
				Rules: rbacv1.PolicyRuleArray{&rbacv1.PolicyRuleArgs{
					ApiGroups: pulumi.StringArray{pulumi.String("*")}, Resources: pulumi.StringArray{pulumi.String("*")}, Verbs: pulumi.StringArray{pulumi.String("*")},
				}},
			}, k8s)
		case "open-namespace":
			_, err = corev1.NewNamespace(ctx, "scratch", &corev1.NamespaceArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("scratch"), Labels: pulumi.StringMap{"pod-security.kubernetes.io/enforce": pulumi.String("privileged")}},
			}, k8s)
		default:
			return fmt.Errorf("userstack:weaken: %q: want privileged, latest, cluster-admin, wildcard or open-namespace", weaken)
		}
		return err
	})
}
