package controls

import (
	"fmt"
	"strings"

	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	"k8s.io/pod-security-admission/admission/api/load"
	psaapi "k8s.io/pod-security-admission/api"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security": Pod Security Admission enforces the
restricted standard by default, so a namespace nobody labelled is restricted too.

**Checked:** kube-apiserver's --admission-control-config-file, --disable-admission-plugins, and the
PodSecurity plugin's PodSecurityConfiguration in the AdmissionConfiguration, loaded by the Pod Security
Admission library's own loader.

**Passes when:** PodSecurity is not disabled, and its defaults enforce, audit and warn restricted.

Sources: CIS 5.2.1; kubescape C-0013, C-0057 (through the standard).
*/

func init() { addControl(CheckAdmissionPodSecurityDefaults) }

// CheckAdmissionPodSecurityDefaults is the cluster-wide Pod Security default control.
func CheckAdmissionPodSecurityDefaults() Control {
	return Control{
		ID: "admission-pod-security-defaults", Level: LevelAdvisory, Title: "Pod Security Admission enforces the restricted standard by default, cluster-wide",
		Guide: "Kubernetes Pod security", CIS: "5.2.1", Kubescape: "C-0013, C-0057", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: admissionPodSecurityDefaults_1_31}},
	}
}

func admissionPodSecurityDefaults_1_31(inv *Inventory) Result {
	api := inv.ControlPlane.APIServer
	if api == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver")}
	}
	var out Result
	checkFlags(api, []flagRule{
		{"disable-admission-plugins", listLacks("PodSecurity"), "without PodSecurity"},
		{"admission-control-config-file", isSet, "to an AdmissionConfiguration whose PodSecurity defaults are restricted (kubeharden renders one)"},
	}, &out)
	file, set := api.Arg("admission-control-config-file")
	if !set || file == "" {
		return out
	}
	doc, ok := inv.ControlPlane.File(file, "AdmissionConfiguration")
	if !ok {
		out.NotEvaluated = notAmongInputs(api, "admission-control-config-file", file)
		return out
	}
	cfg := doc.Typed().(*apiserverv1.AdmissionConfiguration)
	for i, p := range cfg.Plugins {
		if p.Name != "PodSecurity" {
			continue
		}
		field := fmt.Sprintf("plugins[%d].configuration", i)
		if p.Configuration == nil {
			out.NotEvaluated = fmt.Sprintf("%s %s: the PodSecurity configuration is in a file of its own (%s); add it to check it", doc.Path, field, p.Path)
			return out
		}
		psc, err := load.LoadFromData(p.Configuration.Raw)
		if err != nil {
			out.Findings = append(out.Findings, Finding{Object: "AdmissionConfiguration", Path: doc.Path, Field: field,
				Message: "the API server would refuse it: " + err.Error(), Remedy: "fix the PodSecurityConfiguration"})
			return out
		}
		d := psc.Defaults
		for _, mode := range []struct{ name, level, version string }{{"enforce", d.Enforce, d.EnforceVersion}, {"audit", d.Audit, d.AuditVersion}, {"warn", d.Warn, d.WarnVersion}} {
			if mode.level != string(psaapi.LevelRestricted) {
				out.Findings = append(out.Findings, Finding{Object: "AdmissionConfiguration", Path: doc.Path, Field: field + ".defaults." + mode.name,
					Message: fmt.Sprintf("is %q", mode.level), Remedy: "set defaults." + mode.name + " to restricted"})
			}
		}
		if len(out.Findings) == 0 {
			detail := fmt.Sprintf("PodSecurity defaults enforce, audit and warn restricted (%s)", d.EnforceVersion)
			if ns := psc.Exemptions.Namespaces; len(ns) > 0 {
				detail += "; exempt namespaces: " + strings.Join(ns, ", ")
			}
			out.Evidence = append(out.Evidence, Evidence{Object: "AdmissionConfiguration", Path: doc.Path, Detail: detail})
		}
		return out
	}
	out.Findings = append(out.Findings, Finding{Object: "AdmissionConfiguration", Path: doc.Path, Field: "plugins",
		Message: "configures no PodSecurity plugin, so its defaults are privileged", Remedy: "add a PodSecurity plugin whose defaults are restricted"})
	return out
}
