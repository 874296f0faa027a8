package controls

import (
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": cluster-admin (and the
system:masters group, which no authorizer can restrict) is for break-glass use only, bound to a named
person with a reason, never to a workload's ServiceAccount or a team's group.

**Checked:** the roleRef and subjects of every RoleBinding and ClusterRoleBinding.

**Passes when:** none refers to the ClusterRole cluster-admin or names the group system:masters (a
break-glass binding is exempted by the profile, with its reason).

Sources: CIS 5.1.1, kubescape C-0035.
*/

func init() { addControl(CheckRBACClusterAdminBinding) }

// CheckRBACClusterAdminBinding is the control on bindings of cluster-admin and system:masters.
func CheckRBACClusterAdminBinding() Control {
	return Control{
		ID: "rbac-cluster-admin-binding", Level: LevelMandatory, Title: "Nothing is bound to cluster-admin or the system:masters group",
		Guide: "Authentication and authorization", CIS: "5.1.1", Kubescape: "C-0035", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacClusterAdminBinding_1_31}},
	}
}

func rbacClusterAdminBinding_1_31(inv *Inventory) Result {
	var out Result
	for b := range inv.bindings() {
		bad := false
		if b.RoleRef.Kind == "ClusterRole" && b.RoleRef.Name == "cluster-admin" {
			bad = true
			out.Findings = append(out.Findings, Finding{Object: b.Key(), Path: b.Path, Field: "roleRef.name",
				Message: "binds cluster-admin to " + subjectNames(b.Subjects),
				Remedy:  "bind a role that names only what the subjects need; keep cluster-admin for a break-glass binding exempted with its reason"})
		}
		if i := slices.IndexFunc(b.Subjects, func(s rbacv1.Subject) bool { return s.Kind == rbacv1.GroupKind && s.Name == "system:masters" }); i >= 0 {
			bad = true
			out.Findings = append(out.Findings, Finding{Object: b.Key(), Path: b.Path, Field: fmt.Sprintf("subjects[%d]", i),
				Message: "binds the group system:masters, whose members no authorizer can restrict",
				Remedy:  "remove system:masters from the subjects: its members are cluster admins through their certificates already"})
		}
		if !bad {
			out.Evidence = append(out.Evidence, Evidence{Object: b.Key(), Path: b.Path, Detail: "binds " + b.RoleRef.Kind + " " + b.RoleRef.Name + ", not cluster-admin"})
		}
	}
	return out
}
