package baseline

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacpulumi "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/internal/child"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/monitoring"
)

// newMonitoring makes what the monitoring section asks for: the PrometheusRule of kubeharden's alerting
// rules (package monitoring; the cluster needs the prometheus-operator's CRD), and the ClusterRole that
// may get /metrics and nothing else, bound to the scraper's ServiceAccount.
func newMonitoring(ctx *pulumi.Context, name string, m config.Monitoring, opts ...pulumi.ResourceOption) error {
	rule := monitoring.PrometheusRule(m)
	labels := pulumi.StringMap{}
	for k, v := range rule["metadata"].(map[string]any)["labels"].(map[string]string) {
		labels[k] = pulumi.String(v)
	}
	if _, err := apiextensions.NewCustomResource(ctx, name+"-security-rules", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(rule["apiVersion"].(string)),
		Kind:       pulumi.String(rule["kind"].(string)),
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(monitoring.PrometheusRuleName),
			Namespace: pulumi.String(m.Namespace), Labels: labels}),
		OtherFields: kubernetes.UntypedArgs{"spec": rule["spec"]},
	}, opts...); err != nil {
		return fmt.Errorf("monitoring %s: the PrometheusRule: %w", name, err)
	}
	managed := pulumi.StringMap{contract.ManagedByLabel: pulumi.String(contract.ManagedByValue)}
	role, err := rbacpulumi.NewClusterRole(ctx, name+"-metrics-scraper", &rbacpulumi.ClusterRoleArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(contract.MetricsScraperRole), Labels: managed}),
		Rules: rbacpulumi.PolicyRuleArray{&rbacpulumi.PolicyRuleArgs{
			NonResourceURLs: pulumi.StringArray{pulumi.String("/metrics")}, Verbs: pulumi.StringArray{pulumi.String("get")},
		}},
	}, opts...)
	if err != nil {
		return fmt.Errorf("monitoring %s: the scraper's role: %w", name, err)
	}
	if _, err := rbacpulumi.NewClusterRoleBinding(ctx, name+"-metrics-scraper", &rbacpulumi.ClusterRoleBindingArgs{
		Metadata: child.ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(contract.MetricsScraperRole), Labels: managed}),
		RoleRef:  &rbacpulumi.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacpulumi.SubjectArray{&rbacpulumi.SubjectArgs{Kind: pulumi.String("ServiceAccount"),
			Name: pulumi.String(m.Scraper.Name), Namespace: pulumi.String(m.Scraper.Namespace)}},
	}, opts...); err != nil {
		return fmt.Errorf("monitoring %s: the scraper's binding: %w", name, err)
	}
	return nil
}
