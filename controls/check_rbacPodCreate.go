package controls

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": an identity that may create
pods in a namespace may run them as any ServiceAccount of it and mount any of its Secrets; granted in
every namespace at once, that reaches kube-system and the control plane's own credentials. A namespace's
admins and developers create pods in their own namespace through RoleBindings, where its Pod Security
level bounds what such pods may do; nobody but the cluster's admins creates them everywhere.

**Checked:** every ClusterRoleBinding and the role it refers to: a ClusterRole among the inputs, or the
built-in admin and edit, which grant it.

**Passes when:** no ClusterRoleBinding grants create on pods (wildcards included). cluster-admin is left
to rbac-cluster-admin-binding.

Sources: CIS 5.1.4, kubescape C-0188.
*/

func init() { addControl(CheckRBACPodCreate) }

// CheckRBACPodCreate is the control on creating pods in every namespace.
func CheckRBACPodCreate() Control {
	return Control{
		ID: "rbac-pod-create", Level: LevelAdvisory, Title: "Nobody but the cluster's admins may create pods in every namespace",
		Guide: "Authentication and authorization", CIS: "5.1.4", Kubescape: "C-0188", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacPodCreate_1_31}},
	}
}

// builtinPodCreators are the built-in ClusterRoles that grant create on pods.
var builtinPodCreators = map[string]bool{"admin": true, "edit": true}

func rbacPodCreate_1_31(inv *Inventory) Result {
	createsPods := map[string]bool{}
	for r := range inv.roles() {
		if r.GVK.Kind != "ClusterRole" {
			continue
		}
		for _, rule := range r.Rules {
			createsPods[r.Name] = createsPods[r.Name] || grants(rule, "", "pods", "create")
		}
	}
	var out Result
	for b := range inv.bindings() {
		if !b.Cluster || b.RoleRef.Kind != "ClusterRole" || b.RoleRef.Name == "cluster-admin" {
			continue
		}
		if createsPods[b.RoleRef.Name] || builtinPodCreators[b.RoleRef.Name] {
			out.Findings = append(out.Findings, Finding{Object: b.Key(), Path: b.Path, Field: "roleRef.name",
				Message: "grants " + subjectNames(b.Subjects) + " create on pods in every namespace, through ClusterRole " + b.RoleRef.Name,
				Remedy:  "bind the ClusterRole with a RoleBinding in each namespace the subjects work in, instead of a ClusterRoleBinding"})
			continue
		}
		out.Evidence = append(out.Evidence, Evidence{Object: b.Key(), Path: b.Path, Detail: "ClusterRole " + b.RoleRef.Name + " creates no pods"})
	}
	return out
}
