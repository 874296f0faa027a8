package controls

import (
	"encoding/json"
	"fmt"
	"strings"

	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/kubeharden/kubeharden/detections"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Audit logging and threat detection": logs are only worth
what the detections over them can see. A detection rule that needs a request's body (a binding's role,
a pod's privileges) is blind where the audit policy records that request at Metadata, and every rule is
blind to a request the policy drops.

**Checked:** the audit Policy kube-apiserver's --audit-policy-file names, judged by the API server's own
policy evaluator (k8s.io/apiserver/pkg/audit/policy) on each request each of kubeharden's detection rules
reads (detections.Rule.Needs), as an ordinary authenticated user would send it.

**Passes when:** every such request is recorded at the level its rule needs, or more.

Sources: kubeharden's detection catalog (package detections).
*/

func init() { addControl(CheckAuditDetectionCoverage) }

// CheckAuditDetectionCoverage is the audit detection coverage control.
func CheckAuditDetectionCoverage() Control {
	return Control{
		ID: "audit-detection-coverage", Level: LevelAdvisory, Title: "The audit policy records what every detection rule reads, at the level it needs",
		Guide: "Audit logging and threat detection", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: auditDetectionCoverage_1_31}},
	}
}

func auditDetectionCoverage_1_31(inv *Inventory) Result {
	api := inv.ControlPlane.APIServer
	if api == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver")}
	}
	file, set := api.Arg("audit-policy-file")
	if !set || file == "" {
		return Result{Findings: []Finding{{Object: api.Name, Path: api.Source, Field: "--audit-policy-file",
			Message: "no audit policy: every detection rule is blind", Remedy: "set --audit-policy-file to an audit Policy (kubeharden renders one)"}}}
	}
	doc, ok := inv.ControlPlane.File(file, "Policy")
	if !ok {
		return Result{NotEvaluated: notAmongInputs(api, "audit-policy-file", file)}
	}
	data, err := json.Marshal(doc.Typed().(*auditv1.Policy))
	var p *auditinternal.Policy
	if err == nil {
		p, err = policy.LoadPolicyFromBytes(data)
	}
	if err != nil {
		return Result{NotEvaluated: "the API server would refuse the audit policy (see audit-logging): " + err.Error()}
	}
	evaluator := policy.NewPolicyRuleEvaluator(p)
	mallory := &user.DefaultInfo{Name: "mallory@example.com", Groups: []string{user.AllAuthenticated}}
	var out Result
	tamper, err := detections.TamperRules(detections.Baseline{}) // their needs do not depend on the baseline
	if err != nil {
		return Result{NotEvaluated: err.Error()}
	}
	rules := append(detections.DefaultRules(), tamper...)
	for _, r := range rules {
		need := auditinternal.Level(r.Needs.Level)
		for _, req := range r.Needs.Requests {
			resource, sub, _ := strings.Cut(req.Resource, "/")
			attrs := authorizer.AttributesRecord{User: mallory, Verb: req.Verb, APIGroup: req.Group, APIVersion: "v1", Resource: resource,
				Subresource: sub, Name: "x", ResourceRequest: true}
			if req.Namespaced {
				attrs.Namespace = "team"
			}
			if level := evaluator.EvaluatePolicyRule(attrs).Level; !level.GreaterOrEqual(need) {
				out.Findings = append(out.Findings, Finding{Object: "Policy", Path: doc.Path, Field: "rules",
					Message: fmt.Sprintf("detection rule %s is blind: %s %s is logged at %s, it needs %s", r.ID, req.Verb, groupResource(req), level, need),
					Remedy:  fmt.Sprintf("log %s %s at %s or more (a rule for it before any broader one)", req.Verb, groupResource(req), need)})
			}
		}
	}
	if len(out.Findings) == 0 {
		out.Evidence = append(out.Evidence, Evidence{Object: "Policy", Path: doc.Path,
			Detail: fmt.Sprintf("the API server's evaluator records every request the %d detection rules (tamper rules too) read at the level each needs", len(rules))})
	}
	return out
}

func groupResource(r detections.Request) string {
	if r.Group == "" {
		return r.Resource
	}
	return r.Group + "/" + r.Resource
}
