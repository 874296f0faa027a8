package controls

import (
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	apiserverv1beta1 "k8s.io/apiserver/pkg/apis/apiserver/v1beta1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": the API server refuses
anonymous requests, authorizes with Node and RBAC, has no static token file, verifies kubelets'
certificates, keeps the NodeRestriction admission plugin and never AlwaysAdmit, looks service account
tokens up, and does not expose profiling.

**Checked:** kube-apiserver's --anonymous-auth (or, from 1.32, the anonymous section of the
AuthenticationConfiguration that --authentication-config names), --authorization-mode,
--token-auth-file, --kubelet-certificate-authority, --enable-admission-plugins, --profiling,
--service-account-lookup and --client-ca-file.

**Passes when:** anonymous is off, authorization includes Node and RBAC and not AlwaysAllow, there is
no token file, the kubelet CA is set, NodeRestriction is on and AlwaysAdmit is not, profiling is off,
service account lookup is not turned off, and a client CA is set.

Sources: CIS 1.2.1, 1.2.2, 1.2.5-1.2.8, 1.2.10, 1.2.14, 1.2.15, 1.2.21, 1.2.24.
*/

func init() { addControl(CheckAPIServerAccess) }

// CheckAPIServerAccess is the API server authentication and authorization control.
func CheckAPIServerAccess() Control {
	return Control{
		ID: "apiserver-access", Level: LevelAdvisory, Title: "The API server refuses anonymous requests, authorizes with Node and RBAC, and exposes no profiling",
		Guide: "Authentication and authorization", CIS: "1.2.1, 1.2.2, 1.2.5-1.2.8, 1.2.10, 1.2.14, 1.2.15, 1.2.21, 1.2.24", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: apiServerAccess_1_31}},
	}
}

func apiServerAccess_1_31(inv *Inventory) Result {
	api := inv.ControlPlane.APIServer
	if api == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver")}
	}
	var out Result
	rules := []flagRule{
		{"authorization-mode", both(listHas("Node", "RBAC"), listLacks("AlwaysAllow")), "to Node,RBAC (never AlwaysAllow)"},
		{"token-auth-file", isUnset, "not at all: static tokens cannot be rotated or revoked"},
		{"kubelet-certificate-authority", isSet, "to the CA that signs the kubelets' serving certificates"},
		{"enable-admission-plugins", both(listHas("NodeRestriction"), listLacks("AlwaysAdmit")), "to include NodeRestriction and not AlwaysAdmit"},
		{"profiling", isValue("false"), "to false"},
		{"service-account-lookup", notValue("false"), "to true (the default)"},
		{"client-ca-file", isSet, "to the cluster CA's certificate"},
	}
	authn, hasAuthn := api.Arg("authentication-config")
	if !hasAuthn {
		rules = append([]flagRule{{"anonymous-auth", isValue("false"), "to false"}}, rules...)
	}
	checkFlags(api, rules, &out)
	if !hasAuthn {
		return out
	}
	if v, set := api.Arg("anonymous-auth"); set && v != "false" {
		out.Findings = append(out.Findings, Finding{Object: api.Name, Path: api.Source, Field: "--anonymous-auth",
			Message: "is " + v, Remedy: "remove it and disable anonymous in the AuthenticationConfiguration"})
	}
	doc, ok := inv.ControlPlane.File(authn, "AuthenticationConfiguration")
	if !ok {
		out.NotEvaluated = notAmongInputs(api, "authentication-config", authn)
		return out
	}
	enabled, set := false, false
	switch c := doc.Typed().(type) {
	case *apiserverv1.AuthenticationConfiguration:
		if c.Anonymous != nil {
			enabled, set = c.Anonymous.Enabled, true
		}
	case *apiserverv1beta1.AuthenticationConfiguration:
		if c.Anonymous != nil {
			enabled, set = c.Anonymous.Enabled, true
		}
	}
	if _, flagSet := api.Arg("anonymous-auth"); !set && !flagSet {
		enabled = true // neither says: anonymous requests are allowed by default
	}
	if enabled {
		out.Findings = append(out.Findings, Finding{Object: "AuthenticationConfiguration", Path: doc.Path, Field: "anonymous.enabled",
			Message: "anonymous requests are allowed", Remedy: "set anonymous: {enabled: false}"})
	} else {
		out.Evidence = append(out.Evidence, Evidence{Object: "AuthenticationConfiguration", Path: doc.Path, Detail: "anonymous requests are refused"})
	}
	return out
}
