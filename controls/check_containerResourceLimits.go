package controls

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening" (resource policies):
"administrators should ... set resource limits on containers", so that one workload cannot starve its
node or its neighbours of CPU or memory.

**Checked:** resources.limits of every init container and container of every workload.

**Passes when:** each sets cpu and memory, or a LimitRange among the inputs in the workload's namespace
gives containers a default for the one it leaves out (type Container, default).

Sources: kubescape C-0270 (CPU), C-0271 (memory); Trivy KSV011, KSV018.
*/

func init() { addControl(CheckContainerResourceLimits) }

// CheckContainerResourceLimits is the container CPU and memory limits control.
func CheckContainerResourceLimits() Control {
	return Control{
		ID: "container-resource-limits", Level: LevelMandatory, Title: "Every container has CPU and memory limits, its own or its namespace's LimitRange default",
		Guide: "Network separation and hardening", Kubescape: "C-0270, C-0271", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: containerResourceLimits_1_31}},
	}
}

// limitDefaultsIn are the container limit defaults the LimitRanges among the inputs give namespace ns.
func (inv *Inventory) limitDefaultsIn(ns string) corev1.ResourceList {
	return inv.limitDefaults.get(func() map[string]corev1.ResourceList {
		out := map[string]corev1.ResourceList{}
		for o := range inv.ByKind("LimitRange") {
			lr, ok := o.Typed().(*corev1.LimitRange)
			if !ok {
				continue
			}
			for _, item := range lr.Spec.Limits {
				if item.Type != corev1.LimitTypeContainer {
					continue
				}
				ns := namespaceOf(o)
				if out[ns] == nil {
					out[ns] = corev1.ResourceList{}
				}
				for name, q := range item.Default {
					out[ns][name] = q
				}
			}
		}
		return out
	})[ns]
}

func containerResourceLimits_1_31(inv *Inventory, w Workload) Result {
	ns := namespaceOf(w.Object)
	defaults := inv.limitDefaultsIn(ns)
	var out Result
	var fromDefaults []string
	for c := range w.Containers() {
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, set := c.Resources.Limits[name]; set {
				continue
			}
			if _, defaulted := defaults[name]; defaulted {
				fromDefaults = append(fromDefaults, string(name))
				continue
			}
			example := map[corev1.ResourceName]string{corev1.ResourceCPU: "500m", corev1.ResourceMemory: "256Mi"}[name]
			out.Findings = append(out.Findings, w.finding(c.Path+".resources.limits."+string(name),
				"container "+c.Name+" has no "+string(name)+" limit, and no LimitRange in namespace "+ns+" gives one",
				"set resources.limits."+string(name)+" (for example "+example+"), or give namespace "+ns+" a LimitRange with a Container default"))
		}
	}
	if len(out.Findings) == 0 {
		detail := "every container has CPU and memory limits"
		if len(fromDefaults) > 0 {
			detail += " (" + strings.Join(dedupe(fromDefaults), " and ") + " from the LimitRange default of namespace " + ns + ")"
		}
		out.Evidence = []Evidence{w.evidence(detail)}
	}
	return out
}

// dedupe drops repeated strings, keeping the first of each.
func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
