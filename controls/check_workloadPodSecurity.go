package controls

import (
	"strings"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeharden/kubeharden/controls/internal/parallel"
	"github.com/kubeharden/kubeharden/controls/manifests"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security": pods run as non-root, without
privilege, escalation, host namespaces, host paths or added capabilities, with a RuntimeDefault seccomp
profile; the Pod Security Standards' restricted level is the rule, applied here by the standard's own
library (k8s.io/pod-security-admission).

**Checked:** the pod template of every Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob and ReplicationController.

**Passes when:** it meets the level its namespace enforces (restricted where the namespace is not in the
inventory, or carries no label).

Sources: CIS 5.2.2-5.2.12, kubescape C-0013, C-0016, C-0017, C-0038, C-0041, C-0044, C-0046, C-0055, C-0057.
*/

func init() { addControl(CheckWorkloadPodSecurity) }

// CheckWorkloadPodSecurity is the workload Pod Security control.
func CheckWorkloadPodSecurity() Control {
	return Control{
		ID: "workload-pod-security", Title: "Every workload meets the Pod Security Standard its namespace enforces (restricted by default)",
		Guide: "Kubernetes Pod security", CIS: "5.2.2-5.2.12", Kubescape: "C-0013, C-0016, C-0017, C-0038, C-0041, C-0044, C-0046, C-0055, C-0057", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: workloadPodSecurity_1_31}},
	}
}

var podSecurityEvaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err) // the upstream catalog validates itself
	}
	return e
}()

func workloadPodSecurity_1_31(inv *Inventory) Result {
	levels := map[string]psaapi.LevelVersion{}
	for ns := range inv.ByKind("Namespace") {
		lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
		labels := ns.Meta().GetLabels()
		if l, err := psaapi.ParseLevel(labels[psaapi.EnforceLevelLabel]); err == nil {
			lv.Level = l
		}
		if v, err := psaapi.ParseVersion(labels[psaapi.EnforceVersionLabel]); err == nil {
			lv.Version = v
		}
		levels[ns.Name] = lv
	}
	// Each workload is judged on its own, so they are judged side by side, then gathered in order.
	verdicts := make([]*Result, len(inv.Objects))
	parallel.For(len(inv.Objects), func(i int) {
		o := inv.Objects[i]
		if !o.RunsPods() || systemNamespaces[o.Namespace] || inv.ownedByController(o) {
			return
		}
		meta, spec, ok := manifests.PodTemplate(o.Typed())
		if !ok {
			return // it does not decode: reported as an error of its file
		}
		lv, known := levels[o.Namespace]
		if !known {
			lv = psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
		}
		var reasons []string
		for _, r := range podSecurityEvaluator.EvaluatePod(lv, meta, spec) {
			if !r.Allowed {
				reasons = append(reasons, r.ForbiddenReason+" ("+r.ForbiddenDetail+")")
			}
		}
		if len(reasons) == 0 {
			verdicts[i] = &Result{Evidence: []Evidence{{Object: o.Key(), Path: o.Path, Detail: "meets Pod Security " + string(lv.Level) + " " + lv.Version.String()}}}
			return
		}
		verdicts[i] = &Result{Findings: []Finding{{Control: "workload-pod-security", Object: o.Key(), Path: o.Path, Field: "spec",
			Message: "violates Pod Security " + string(lv.Level) + ": " + strings.Join(reasons, "; "),
			Remedy:  "run as non-root with a RuntimeDefault seccomp profile, drop ALL capabilities, no privilege escalation, no host namespaces or paths"}}}
	})
	var out Result
	for _, v := range verdicts {
		if v != nil {
			out.Findings = append(out.Findings, v.Findings...)
			out.Evidence = append(out.Evidence, v.Evidence...)
		}
	}
	return out
}

// ownedByController is true for an object a controller in the inventory made from another, such as a
// Deployment's ReplicaSet or a ReplicaSet's Pod in a live cluster: the owner is checked, so the finding is
// reported once. An object whose owner is not in the inventory is checked itself.
func (inv *Inventory) ownedByController(o manifests.Object) bool {
	for _, ref := range o.Meta().GetOwnerReferences() {
		if ref.Controller != nil && *ref.Controller && inv.has(ref.Kind+"/"+o.Namespace+"/"+ref.Name) {
			return true
		}
	}
	return false
}

// has is true when the inventory holds an object with this key.
func (inv *Inventory) has(key string) bool {
	inv.keysOnce.Do(func() {
		inv.keys = make(map[string]bool, len(inv.Objects))
		for _, o := range inv.Objects {
			inv.keys[o.Key()] = true
		}
	})
	return inv.keys[key]
}
