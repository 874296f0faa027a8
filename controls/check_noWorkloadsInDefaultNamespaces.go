package controls

import (
	"fmt"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening": each team or application
has a namespace of its own; the default namespace, which every cluster has and nobody hardens, holds no
workloads, and neither does kube-public, which every client may read.

**Checked:** every Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and
ReplicationController (an object a controller made is left to its owner).

**Passes when:** none is in the default or kube-public namespace (an object with no namespace counts as
default, where kubectl would put it).

Sources: CIS 5.7.4.
*/

func init() { addControl(CheckNoWorkloadsInDefaultNamespaces) }

// CheckNoWorkloadsInDefaultNamespaces is the control that keeps workloads out of default and kube-public.
func CheckNoWorkloadsInDefaultNamespaces() Control {
	return Control{
		ID: "no-workloads-in-default-namespaces", Level: LevelMandatory, Title: "No workload runs in the default or kube-public namespace",
		Guide: "Network separation and hardening", CIS: "5.7.4", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: noWorkloadsInDefaultNamespaces_1_31}},
	}
}

func noWorkloadsInDefaultNamespaces_1_31(inv *Inventory) Result {
	var out Result
	workloads := 0
	for _, o := range inv.Objects {
		if !o.RunsPods() || inv.ownedByController(o) {
			continue
		}
		workloads++
		ns := o.Namespace
		if ns == "" {
			ns = "default"
		}
		if workloadFreeNamespaces[ns] {
			out.Findings = append(out.Findings, Finding{Object: o.Key(), Path: o.Path, Field: "metadata.namespace",
				Message: "runs in the " + ns + " namespace, which has no Pod Security level, NetworkPolicy or quota of its own",
				Remedy:  "move it to a namespace of its own (a kubeharden tenant namespace)"})
		}
	}
	if workloads > 0 && len(out.Findings) == 0 {
		out.Evidence = append(out.Evidence, Evidence{Object: "workloads", Detail: fmt.Sprintf("%d workloads, all in namespaces of their own; none in default or kube-public", workloads)})
	}
	return out
}
