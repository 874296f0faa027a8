package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// Role names (defined in contract, where the check reads them too).
const (
	ClusterReaderRole  = contract.ClusterReaderRole
	AuditorRole        = contract.AuditorRole
	NamespaceAdminRole = contract.NamespaceAdminRole
	DeveloperRole      = contract.DeveloperRole
	ViewerRole         = contract.ViewerRole
	BreakGlassPrefix   = contract.BreakGlassPrefix
)

var (
	read  = []string{"get", "list", "watch"}
	write = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
)

// Resources everyone who reads a namespace may read. Secrets are not among them.
var readable = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "services", "endpoints", "configmaps", "persistentvolumeclaims",
		"serviceaccounts", "events", "limitranges", "resourcequotas", "replicationcontrollers"}, Verbs: read},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}, Verbs: read},
	{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: read},
	{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: read},
	{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"networkpolicies", "ingresses"}, Verbs: read},
	{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: read},
	{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: read},
}

// ClusterReaderRules read every namespace's workloads and the cluster's nodes and namespaces, never a
// Secret.
func ClusterReaderRules() []rbacv1.PolicyRule {
	return append(clone(readable),
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"namespaces", "nodes", "persistentvolumes"}, Verbs: read},
		rbacv1.PolicyRule{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses"}, Verbs: read},
	)
}

// AuditorRules read what a cluster reader reads, and who may do what: RBAC and admission configuration.
func AuditorRules() []rbacv1.PolicyRule {
	return append(ClusterReaderRules(),
		rbacv1.PolicyRule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "rolebindings", "clusterroles", "clusterrolebindings"}, Verbs: read},
		rbacv1.PolicyRule{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingadmissionpolicies", "validatingadmissionpolicybindings",
			"validatingwebhookconfigurations", "mutatingwebhookconfigurations"}, Verbs: read},
	)
}

// NamespaceAdminRules run the namespace: workloads, Secrets, ConfigMaps and its own Roles and
// RoleBindings (the API server refuses a binding to more than the admin holds). They only read the
// namespace's quota, limits and network policies, and have no bind, escalate or impersonate.
func NamespaceAdminRules() []rbacv1.PolicyRule {
	return append(clone(readable),
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods", "services", "configmaps", "secrets", "persistentvolumeclaims", "serviceaccounts"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/attach", "pods/portforward"}, Verbs: []string{"get", "create"}},
		rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "replicasets"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "rolebindings"}, Verbs: write},
	)
}

// DeveloperRules manage workloads. No Secrets, no RoleBindings, and pods/exec only when allowed.
func DeveloperRules(a config.Access) []rbacv1.PolicyRule {
	rules := append(clone(readable),
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods", "services", "configmaps", "persistentvolumeclaims"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "replicasets"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: write},
		rbacv1.PolicyRule{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: write},
	)
	if a.AllowExec {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/attach", "pods/portforward"}, Verbs: []string{"get", "create"}})
	}
	for _, r := range a.DeveloperRules {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs})
	}
	return rules
}

// ViewerRules read the namespace's workloads, never its Secrets.
func ViewerRules() []rbacv1.PolicyRule { return clone(readable) }

func clone(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, len(rules))
	for i, r := range rules {
		out[i] = *r.DeepCopy()
	}
	return out
}
