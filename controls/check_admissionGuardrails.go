package controls

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" and "Upgrading and application
security practices": admission control refuses what the cluster's policy forbids (images from unknown
registries, mutable tags, missing limits, exposed services) before it runs.

**Checked:** every ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding; Gatekeeper
ConstraintTemplates are counted when the policies are Gatekeeper's.

**Passes when:** at least one policy is bound with the Deny action (or Gatekeeper constraint templates
are present), and every policy has a binding: a policy without one does nothing.

Sources: guide v1.2 admission controller recommendations.
*/

func init() { addControl(CheckAdmissionGuardrails) }

// CheckAdmissionGuardrails is the admission guardrails control.
func CheckAdmissionGuardrails() Control {
	return Control{
		ID: "admission-guardrails", Level: LevelAdvisory, Title: "Admission policies refuse what the cluster's policy forbids, and every policy is bound",
		Guide: "Kubernetes Pod security", Inspects: ScopeCluster,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: admissionGuardrails_1_31}},
	}
}

// gatekeeperTemplates is the group/kind of Gatekeeper's constraint templates.
const gatekeeperTemplates = "ConstraintTemplate.templates.gatekeeper.sh"

func admissionGuardrails_1_31(inv *Inventory) Result {
	var out Result
	bound := map[string][]string{}
	denies := false
	for o := range inv.ByKind("ValidatingAdmissionPolicyBinding") {
		b := o.Typed().(*admissionregistrationv1.ValidatingAdmissionPolicyBinding)
		var actions []string
		for _, a := range b.Spec.ValidationActions {
			actions = append(actions, string(a))
		}
		bound[b.Spec.PolicyName] = append(bound[b.Spec.PolicyName], o.Name+" ("+strings.Join(actions, ",")+")")
		if slices.Contains(b.Spec.ValidationActions, admissionregistrationv1.Deny) {
			denies = true
		}
	}
	for o := range inv.ByKind("ValidatingAdmissionPolicy") {
		if len(bound[o.Name]) == 0 {
			out.Findings = append(out.Findings, Finding{Object: o.Key(), Path: o.Path,
				Message: "no ValidatingAdmissionPolicyBinding binds this policy, so it checks nothing",
				Remedy:  "bind it with a ValidatingAdmissionPolicyBinding (validationActions [Deny], or [Warn, Audit] while trying it), or delete it"})
			continue
		}
		out.Evidence = append(out.Evidence, Evidence{Object: o.Key(), Path: o.Path, Detail: "bound by " + strings.Join(bound[o.Name], ", ")})
	}
	if n := inv.OtherKinds[gatekeeperTemplates]; n > 0 {
		denies = true
		out.Evidence = append(out.Evidence, Evidence{Object: gatekeeperTemplates, Detail: fmt.Sprintf("%d Gatekeeper constraint templates", n)})
	}
	if !denies {
		out.Findings = append(out.Findings, Finding{Object: "cluster",
			Message: "no admission policy refuses anything: no binding has the Deny action",
			Remedy:  "enable kubeharden's guardrails (profile guardrails) or bind policies of your own with validationActions [Deny]"})
	}
	return out
}
