package controls

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": exec and attach open a
shell in a running container, with its ServiceAccount token, its Secrets and its network, around every
control that admission applied to the pod.

**Checked:** the rules of every Role and ClusterRole.

**Passes when:** no rule grants create or get on pods/exec or pods/attach (wildcards included).

Sources: kubescape C-0002.
*/

func init() { addControl(CheckRBACPodExec) }

// CheckRBACPodExec is the control on pods/exec and pods/attach.
func CheckRBACPodExec() Control {
	return Control{
		ID: "rbac-pod-exec", Level: LevelAdvisory, Title: "No role grants exec or attach into pods",
		Guide: "Authentication and authorization", Kubescape: "C-0002", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: rbacPodExec_1_31}},
	}
}

func rbacPodExec_1_31(inv *Inventory) Result {
	return inv.judgeRoles(func(r rbacv1.PolicyRule) (string, bool) {
		var what []string
		for _, sub := range []string{"pods/exec", "pods/attach"} {
			if grants(r, "", sub, "create", "get") {
				what = append(what, strings.Join(grantedVerbs(r, "create", "get"), ", ")+" on "+sub)
			}
		}
		if len(what) == 0 {
			return "", false
		}
		return "grants " + strings.Join(what, "; "), true
	}, "remove pods/exec and pods/attach; debug through logs and ephemeral containers granted for the occasion, or exempt a break-glass role with its reason",
		"none grants exec or attach")
}
