package controls

import (
	corev1 "k8s.io/api/core/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening": services are reached
through controlled entry points; a NodePort opens a port on every node of the cluster, and a
LoadBalancer asks the cloud for an address outside it, both past the cluster's ingress and its
policies.

**Checked:** spec.type of every Service.

**Passes when:** it is ClusterIP (the default), ExternalName or headless; a Service that must be reached
from outside is exempted by the profile, with its reason.

Sources: kube-score service-type; kubeharden's guardrail serviceType at admission.
*/

func init() { addControl(CheckServiceExposure) }

// CheckServiceExposure is the control on NodePort and LoadBalancer Services.
func CheckServiceExposure() Control {
	return Control{
		ID: "service-exposure", Level: LevelAdvisory, Title: "No Service opens a NodePort or a LoadBalancer",
		Guide: "Network separation and hardening", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: serviceExposure_1_31}},
	}
}

func serviceExposure_1_31(inv *Inventory) Result {
	var out Result
	for o := range inv.ByKind("Service") {
		svc, ok := o.Typed().(*corev1.Service)
		if !ok {
			continue
		}
		switch t := svc.Spec.Type; t {
		case corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
			what := map[corev1.ServiceType]string{corev1.ServiceTypeNodePort: "opens a port on every node", corev1.ServiceTypeLoadBalancer: "asks for a load balancer outside the cluster"}[t]
			out.Findings = append(out.Findings, Finding{Object: o.Key(), Path: o.Path, Field: "spec.type",
				Message: "is of type " + string(t) + ": it " + what,
				Remedy:  "set spec.type: ClusterIP and reach it through an Ingress or Gateway; exempt a Service that must be exposed with its reason"})
		default:
			out.Evidence = append(out.Evidence, Evidence{Object: o.Key(), Path: o.Path, Detail: "reachable only inside the cluster"})
		}
	}
	return out
}
