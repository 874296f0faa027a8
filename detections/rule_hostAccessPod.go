package detections

import auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

// podWrites are the creates of a pod and of every workload that makes pods.
var podWrites = append(append(requests("create", "", true, "pods"), requests("create", "apps", true, "deployments", "daemonsets", "statefulsets", "replicasets")...),
	requests("create", "batch", true, "jobs", "cronjobs")...)

// host-access-pod-admitted and host-access-pod-refused: a pod or workload that asks for its node (a
// privileged container, the host's network, PID or IPC namespace, a hostPath volume), admitted anywhere,
// or refused by admission. Admitted, it is a way out of the container onto the node; refused, it is
// someone trying.
func init() {
	addRule(func() Rule {
		return Rule{
			ID: "host-access-pod-admitted", Title: "A pod with access to its node admitted",
			Detects: "an allowed create or update of a pod or workload whose pod spec is privileged, uses a host namespace or mounts a hostPath",
			Why:     "such a pod can leave its container and take the node",
			MITRE:   "T1611 Escape to Host", ThreatMatrix: "Privileged container",
			Guide: "Kubernetes Pod security", Severity: SeverityCritical,
			Needs:  Needs{Level: auditv1.LevelRequest, Requests: podWrites},
			Fields: Fields{Match: hostAccessSelections(nil), Except: []Selection{refusedByAPI}},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !allowed(ev) { // first: each write's body is decoded by one of the two rules only
					return "", false
				}
				if what := hostAccessRequest(ev); what != "" {
					return what, true
				}
				return "", false
			},
		}
	})
	addRule(func() Rule {
		return Rule{
			ID: "host-access-pod-refused", Title: "A pod with access to its node refused",
			Detects: "a create or update of a pod or workload asking for its node that admission refused",
			Why:     "the attempt is the signal: someone is trying to reach the node",
			MITRE:   "T1610 Deploy Container", ThreatMatrix: "Privileged container",
			Guide: "Kubernetes Pod security", Severity: SeverityLow,
			Needs:  Needs{Level: auditv1.LevelRequest, Requests: podWrites},
			Fields: Fields{Match: hostAccessSelections(refusedByAPI)},
			Match: func(ev *auditv1.Event) (string, bool) {
				if allowed(ev) {
					return "", false
				}
				if what := hostAccessRequest(ev); what != "" {
					return what + " (refused)", true
				}
				return "", false
			},
		}
	})
}

// hostAccessSelections are the field selections of a write of a pod or workload whose pod spec asks for
// its node, each with the fields of extra too.
func hostAccessSelections(extra Selection) []Selection {
	var out []Selection
	for _, w := range []struct {
		spec      string
		resources []string
	}{
		{"requestObject.spec", []string{"pods"}},
		{"requestObject.spec.template.spec", []string{"deployments", "daemonsets", "statefulsets", "replicasets", "replicationcontrollers", "jobs"}},
		{"requestObject.spec.jobTemplate.spec.template.spec", []string{"cronjobs"}},
	} {
		for _, asks := range []Selection{
			{w.spec + ".hostNetwork": {"true"}}, {w.spec + ".hostPID": {"true"}}, {w.spec + ".hostIPC": {"true"}},
			{w.spec + ".volumes.hostPath.path": {"*"}},
			{w.spec + ".containers.securityContext.privileged": {"true"}}, {w.spec + ".initContainers.securityContext.privileged": {"true"}},
		} {
			s := Selection{"objectRef.resource": w.resources, "objectRef.subresource": {""}, "verb": {"create", "update", "patch"}}
			for k, v := range asks {
				s[k] = v
			}
			for k, v := range extra {
				s[k] = v
			}
			out = append(out, s)
		}
	}
	return out
}
