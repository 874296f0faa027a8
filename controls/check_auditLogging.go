package controls

import (
	"encoding/json"
	"fmt"
	"slices"

	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Audit logging and threat detection": the API server keeps an
audit log, rotated but retained, under a policy that records who did what without recording secrets.

**Checked:** kube-apiserver's --audit-policy-file, --audit-log-path or --audit-webhook-config-file,
--audit-log-maxage, --audit-log-maxbackup and --audit-log-maxsize, and the audit Policy the flag names,
judged by the API server's own policy evaluator (k8s.io/apiserver/pkg/audit/policy) on sample requests.

**Passes when:** a policy file and a log path (or a webhook) are set; a local log keeps at least 30 days,
10 files of 100 MB; the policy omits the RequestReceived stage, logs reads and writes of Secrets,
ConfigMaps and TokenReviews at Metadata (never their bodies), logs RBAC and admission changes at
RequestResponse, and logs exec into pods.

Sources: CIS 1.2.16-1.2.19, 3.2.1; kubescape C-0067.
*/

func init() { addControl(CheckAuditLogging) }

// CheckAuditLogging is the audit logging control.
func CheckAuditLogging() Control {
	return Control{
		ID: "audit-logging", Level: LevelAdvisory, Title: "The API server keeps an audit log, retained and rotated, that never records Secret bodies",
		Guide: "Audit logging and threat detection", CIS: "1.2.16-1.2.19, 3.2.1", Kubescape: "C-0067", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: auditLogging_1_31}},
	}
}

// auditProbe is a sample request and the levels the policy may give it.
type auditProbe struct {
	what  string
	attrs authorizer.AttributesRecord
	allow []auditinternal.Level
	want  string
}

func auditProbes() []auditProbe {
	alice := &user.DefaultInfo{Name: "alice@example.com", Groups: []string{"developers", user.AllAuthenticated}}
	req := func(verb, group, resource, sub, ns string) authorizer.AttributesRecord {
		return authorizer.AttributesRecord{User: alice, Verb: verb, APIGroup: group, APIVersion: "v1", Resource: resource, Subresource: sub,
			Namespace: ns, Name: "x", ResourceRequest: true}
	}
	metadata := []auditinternal.Level{auditinternal.LevelMetadata}
	full := []auditinternal.Level{auditinternal.LevelRequestResponse}
	logged := []auditinternal.Level{auditinternal.LevelMetadata, auditinternal.LevelRequest, auditinternal.LevelRequestResponse}
	return []auditProbe{
		{"get secrets", req("get", "", "secrets", "", "team"), metadata, "Metadata"},
		{"update secrets", req("update", "", "secrets", "", "team"), metadata, "Metadata"},
		{"get configmaps", req("get", "", "configmaps", "", "team"), metadata, "Metadata"},
		{"create tokenreviews", req("create", "authentication.k8s.io", "tokenreviews", "", ""), metadata, "Metadata"},
		{"create clusterrolebindings", req("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", ""), full, "RequestResponse"},
		{"update roles", req("update", "rbac.authorization.k8s.io", "roles", "", "team"), full, "RequestResponse"},
		{"create validatingadmissionpolicies", req("create", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", ""), full, "RequestResponse"},
		{"create pods/exec", req("create", "", "pods", "exec", "team"), logged, "Metadata or more"},
	}
}

func auditLogging_1_31(inv *Inventory) Result {
	api := inv.ControlPlane.APIServer
	if api == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver")}
	}
	var out Result
	rules := []flagRule{{"audit-policy-file", isSet, "to an audit Policy (kubeharden renders one)"}}
	if _, webhook := api.Arg("audit-webhook-config-file"); !webhook {
		rules = append(rules,
			flagRule{"audit-log-path", isSet, "to a file, or send the log off the node with --audit-webhook-config-file"},
			flagRule{"audit-log-maxage", atLeast(30), "to 30 or more (days)"},
			flagRule{"audit-log-maxbackup", atLeast(10), "to 10 or more"},
			flagRule{"audit-log-maxsize", atLeast(100), "to 100 or more (MB)"})
	}
	checkFlags(api, rules, &out)
	file, set := api.Arg("audit-policy-file")
	if !set || file == "" {
		return out
	}
	doc, ok := inv.ControlPlane.File(file, "Policy")
	if !ok {
		out.NotEvaluated = notAmongInputs(api, "audit-policy-file", file)
		return out
	}
	data, err := json.Marshal(doc.Typed().(*auditv1.Policy))
	if err == nil {
		var p *auditinternal.Policy
		if p, err = policy.LoadPolicyFromBytes(data); err == nil {
			checkAuditPolicy(p, doc.Path, &out)
			return out
		}
	}
	out.Findings = append(out.Findings, Finding{Object: "Policy", Path: doc.Path,
		Message: "the API server would refuse this policy: " + err.Error(), Remedy: "fix the policy so that the API server loads it"})
	return out
}

func checkAuditPolicy(p *auditinternal.Policy, path string, out *Result) {
	if !slices.Contains(p.OmitStages, auditinternal.StageRequestReceived) {
		out.Findings = append(out.Findings, Finding{Object: "Policy", Path: path, Field: "omitStages",
			Message: "does not omit the RequestReceived stage, so every request is logged twice", Remedy: "set omitStages: [RequestReceived]"})
	}
	evaluator := policy.NewPolicyRuleEvaluator(p)
	good := 0
	for _, probe := range auditProbes() {
		level := evaluator.EvaluatePolicyRule(probe.attrs).Level
		if slices.Contains(probe.allow, level) {
			good++
			continue
		}
		msg := fmt.Sprintf("%s is logged at %s", probe.what, level)
		if level.GreaterOrEqual(auditinternal.LevelRequest) && probe.want == "Metadata" {
			msg += ": the log would hold the bodies"
		}
		out.Findings = append(out.Findings, Finding{Object: "Policy", Path: path, Field: "rules",
			Message: msg, Remedy: "log " + probe.what + " at " + probe.want + " (a rule for it before any broader one)"})
	}
	if good == len(auditProbes()) {
		out.Evidence = append(out.Evidence, Evidence{Object: "Policy", Path: path,
			Detail: "the API server's evaluator logs Secrets, ConfigMaps and TokenReviews at Metadata, RBAC and admission changes at RequestResponse, exec at Metadata or more"})
	}
}
