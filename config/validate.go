package config

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	goversion "github.com/hashicorp/go-version"
	"github.com/kubeharden/kubeharden/contract"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
)

// SupportedKubernetesVersions is the window of Kubernetes minor versions kubeharden renders settings for.
const SupportedKubernetesVersions = ">= 1.31, < 1.38"

var supportedKubernetesVersions = goversion.MustConstraints(goversion.NewConstraint(SupportedKubernetesVersions))

// podSecurityLevels lists the Pod Security Standards levels in order of strictness.
var podSecurityLevels = []string{string(psaapi.LevelPrivileged), string(psaapi.LevelBaseline), string(psaapi.LevelRestricted)}

// reservedNamespaces are the cluster's own namespaces and default: user workloads stay out of them
// (KSV037).
var reservedNamespaces = func() map[string]bool {
	out := map[string]bool{}
	for _, ns := range append(slices.Clone(contract.SystemNamespaces), contract.WorkloadFreeNamespaces...) {
		out[ns] = true
	}
	return out
}()

// ValidateProfile checks a defaulted profile and returns every problem found, each with its field path,
// the offending value and what is allowed. An empty list means the profile is usable.
func ValidateProfile(p *Profile) field.ErrorList {
	var errs field.ErrorList
	if p.APIVersion != APIVersion {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), p.APIVersion, []string{APIVersion}))
	}
	if p.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), p.Kind, []string{Kind}))
	}
	versionErrs := ValidateKubernetesVersion(p.KubernetesVersion, field.NewPath("kubernetesVersion"))
	errs = append(errs, versionErrs...)
	// Pod Security versions are held to the cluster's minor only where that minor is one kubeharden supports.
	clusterVersion := ""
	if len(versionErrs) == 0 {
		clusterVersion = p.KubernetesVersion
	}
	errs = append(errs, ValidatePodSecurity(&p.PodSecurity, field.NewPath("podSecurity"), false)...)
	errs = append(errs, validatePodSecurityVersionFor(p.PodSecurity.Version, clusterVersion, field.NewPath("podSecurity", "version"))...)
	errs = append(errs, validateDNS(&p.DNS, field.NewPath("dns"))...)

	errs = append(errs, ValidateControlPlane(&p.ControlPlane, field.NewPath("controlPlane"))...)
	errs = append(errs, ValidateRBAC(&p.RBAC, field.NewPath("rbac"))...)
	errs = append(errs, ValidateGuardrails(&p.Guardrails, field.NewPath("guardrails"))...)
	errs = append(errs, ValidateLogging(&p.Logging, field.NewPath("logging"))...)
	errs = append(errs, ValidateCompliance(&p.Compliance, field.NewPath("compliance"))...)
	errs = append(errs, ValidateMonitoring(&p.Monitoring, field.NewPath("monitoring"))...)

	seen := map[string]int{}
	for i := range p.Tenants {
		path := field.NewPath("tenants").Index(i)
		t := &p.Tenants[i]
		errs = append(errs, ValidateTenant(t, path)...)
		if t.PodSecurity != nil {
			errs = append(errs, validatePodSecurityVersionFor(t.PodSecurity.Version, clusterVersion, path.Child("podSecurity", "version"))...)
		}
		if t.SeccompAudit {
			errs = append(errs, validateSeccompAudit(p, clusterVersion, path.Child("seccompAudit"))...)
		}
		if j, dup := seen[t.Name]; dup && t.Name != "" {
			errs = append(errs, field.Duplicate(path.Child("name"), fmt.Sprintf("%s (also tenants[%d].name)", t.Name, j)))
		} else {
			seen[t.Name] = i
		}
	}
	return errs
}

// seccompAuditSince is the first Kubernetes minor with MutatingAdmissionPolicy v1, which seccompAudit uses.
var seccompAuditSince = goversion.Must(goversion.NewVersion("1.36"))

// validateSeccompAudit checks a tenant's seccompAudit against the profile: the nodes must have the
// profile, and the cluster must serve MutatingAdmissionPolicy v1. clusterVersion is "" when the profile's
// version is invalid (reported already).
func validateSeccompAudit(p *Profile, clusterVersion string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !p.ControlPlane.Kubelet.SeccompAuditProfile {
		errs = append(errs, field.Invalid(path, true, "needs controlPlane.kubelet.seccompAuditProfile: true, which puts the audit profile on the nodes; without it the pods cannot start"))
	}
	if clusterVersion != "" && goversion.Must(goversion.NewVersion(clusterVersion)).Core().LessThan(seccompAuditSince) {
		errs = append(errs, field.Invalid(path, true, "needs Kubernetes 1.36 or newer (MutatingAdmissionPolicy v1); kubernetesVersion is "+clusterVersion))
	}
	return errs
}

// ValidateKubernetesVersion checks that v parses as a version and lies in SupportedKubernetesVersions.
func ValidateKubernetesVersion(v string, path *field.Path) field.ErrorList {
	parsed, err := goversion.NewVersion(v)
	if err != nil {
		return field.ErrorList{field.Invalid(path, v, "must be a Kubernetes version such as 1.36.3")}
	}
	if !supportedKubernetesVersions.Check(parsed.Core()) {
		return field.ErrorList{field.Invalid(path, v, "kubeharden supports Kubernetes "+SupportedKubernetesVersions)}
	}
	return nil
}

// ValidateTenant checks one defaulted tenant.
func ValidateTenant(t *Tenant, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	namePath := path.Child("name")
	switch {
	case t.Name == "":
		errs = append(errs, field.Required(namePath, "every tenant needs a namespace name"))
	case reservedNamespaces[t.Name]:
		errs = append(errs, field.Forbidden(namePath, fmt.Sprintf("%q is a namespace of the cluster's own; user workloads stay out of it (KSV037)", t.Name)))
	default:
		for _, msg := range validation.IsDNS1123Label(t.Name) {
			errs = append(errs, field.Invalid(namePath, t.Name, msg))
		}
	}
	if t.PodSecurity != nil {
		errs = append(errs, ValidatePodSecurity(t.PodSecurity, path.Child("podSecurity"), true)...)
	}
	errs = append(errs, ValidateAccess(&t.Access, path.Child("access"))...)

	q, qp := &t.Quota, path.Child("quota")
	for _, f := range []struct{ name, value string }{
		{"requestsCPU", q.RequestsCPU}, {"requestsMemory", q.RequestsMemory},
		{"limitsCPU", q.LimitsCPU}, {"limitsMemory", q.LimitsMemory}, {"pods", q.Pods},
	} {
		errs = append(errs, validateQuantity(f.value, qp.Child(f.name))...)
	}
	errs = append(errs, validateOrder(qp, "requestsCPU", q.RequestsCPU, "limitsCPU", q.LimitsCPU)...)
	errs = append(errs, validateOrder(qp, "requestsMemory", q.RequestsMemory, "limitsMemory", q.LimitsMemory)...)

	l, lp := &t.LimitRange, path.Child("limitRange")
	for _, f := range []struct{ name, value string }{
		{"defaultCPU", l.DefaultCPU}, {"defaultMemory", l.DefaultMemory},
		{"defaultRequestCPU", l.DefaultRequestCPU}, {"defaultRequestMemory", l.DefaultRequestMemory},
		{"maxCPU", l.MaxCPU}, {"maxMemory", l.MaxMemory}, {"minCPU", l.MinCPU}, {"minMemory", l.MinMemory},
	} {
		errs = append(errs, validateQuantity(f.value, lp.Child(f.name))...)
	}
	// The API server refuses a LimitRange whose min > defaultRequest > default > max: say so here first.
	errs = append(errs, validateOrder(lp, "minCPU", l.MinCPU, "defaultRequestCPU", l.DefaultRequestCPU)...)
	errs = append(errs, validateOrder(lp, "defaultRequestCPU", l.DefaultRequestCPU, "defaultCPU", l.DefaultCPU)...)
	errs = append(errs, validateOrder(lp, "defaultCPU", l.DefaultCPU, "maxCPU", l.MaxCPU)...)
	errs = append(errs, validateOrder(lp, "minMemory", l.MinMemory, "defaultRequestMemory", l.DefaultRequestMemory)...)
	errs = append(errs, validateOrder(lp, "defaultRequestMemory", l.DefaultRequestMemory, "defaultMemory", l.DefaultMemory)...)
	errs = append(errs, validateOrder(lp, "defaultMemory", l.DefaultMemory, "maxMemory", l.MaxMemory)...)

	for i, c := range t.EgressCIDRs {
		errs = append(errs, validateEgressCIDR(c, path.Child("egressCIDRs").Index(i))...)
	}
	return errs
}

// validateEgressCIDR checks one tenant egress destination: an IPv4 or IPv6 network in canonical form,
// which is not a cloud metadata endpoint (those it merely contains are excepted from it).
func validateEgressCIDR(c string, path *field.Path) field.ErrorList {
	prefix, err := netip.ParsePrefix(c)
	switch {
	case err != nil:
		return field.ErrorList{field.Invalid(path, c, "must be a CIDR such as 10.20.0.0/16 or fd00:10::/64")}
	case prefix.Addr().Is4In6():
		return field.ErrorList{field.Invalid(path, c, "is an IPv4-mapped IPv6 network; write it in its IPv4 form")}
	case prefix.Addr().Zone() != "":
		return field.ErrorList{field.Invalid(path, c, "must not name an IPv6 zone")}
	case prefix.Masked() != prefix:
		return field.ErrorList{field.Invalid(path, c, fmt.Sprintf("has host bits set; the network is %s", prefix.Masked()))}
	}
	if endpoint, inside := metadataEndpointIn(prefix); inside {
		return field.ErrorList{field.Forbidden(path, "the cloud metadata endpoint "+endpoint+" is never reachable from tenant pods")}
	}
	return nil
}

// ValidatePodSecurity checks a Pod Security setting. With inherits set, empty fields are allowed (they come
// from the profile). An enforce level weaker than restricted needs an exemption reason.
func ValidatePodSecurity(ps *PodSecurity, path *field.Path, inherits bool) field.ErrorList {
	var errs field.ErrorList
	for _, m := range []struct{ name, value string }{{"enforce", ps.Enforce}, {"audit", ps.Audit}, {"warn", ps.Warn}} {
		if m.value == "" && inherits {
			continue // inherited from the profile
		}
		if _, err := psaapi.ParseLevel(m.value); err != nil {
			errs = append(errs, field.NotSupported(path.Child(m.name), m.value, podSecurityLevels))
		}
	}
	if ps.Version != "" || !inherits {
		if _, err := psaapi.ParseVersion(ps.Version); err != nil {
			errs = append(errs, field.Invalid(path.Child("version"), ps.Version, `must be "latest" or a version such as "v1.36"`))
		}
	}
	if level, err := psaapi.ParseLevel(ps.Enforce); err == nil && level != psaapi.LevelRestricted && strings.TrimSpace(ps.ExemptionReason) == "" {
		errs = append(errs, field.Required(path.Child("exemptionReason"),
			fmt.Sprintf("enforce level %q is weaker than restricted: say why, it is kept in the compliance report", ps.Enforce)))
	}
	return errs
}

// validatePodSecurityVersionFor refuses a Pod Security version newer than the cluster's minor: the
// cluster's admission plugin does not know that version's rules, so the label would not mean what it says.
// "latest", an empty (inherited) version, and a version or cluster version that does not parse (reported
// already) pass.
func validatePodSecurityVersionFor(version, kubernetesVersion string, path *field.Path) field.ErrorList {
	v, err := psaapi.ParseVersion(version)
	cluster, cerr := psaapi.ParseVersion(podSecurityVersionFor(kubernetesVersion))
	if version == "" || err != nil || v.Latest() || cerr != nil || !cluster.Older(v) {
		return nil
	}
	return field.ErrorList{field.Invalid(path, version, fmt.Sprintf(
		"is newer than the cluster's Kubernetes %d.%d (kubernetesVersion); use v%d.%d or older, or \"latest\"",
		cluster.Major(), cluster.Minor(), cluster.Major(), cluster.Minor()))}
}

func validateDNS(d *DNS, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(d.Namespace) {
		errs = append(errs, field.Invalid(path.Child("namespace"), d.Namespace, msg))
	}
	for _, k := range slices.Sorted(maps.Keys(d.PodLabels)) {
		lp := path.Child("podLabels").Key(k)
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(lp, k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(d.PodLabels[k]) {
			errs = append(errs, field.Invalid(lp, d.PodLabels[k], msg))
		}
	}
	return errs
}

func validateQuantity(v string, path *field.Path) field.ErrorList {
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return field.ErrorList{field.Invalid(path, v, "must be a Kubernetes quantity such as 500m, 2 or 1Gi")}
	}
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(path, v, "must not be negative")}
	}
	return nil
}

// validateOrder reports when the quantity named low is larger than the one named high. Unparsable values
// were reported already.
func validateOrder(path *field.Path, lowName, low, highName, high string) field.ErrorList {
	l, err1 := resource.ParseQuantity(low)
	h, err2 := resource.ParseQuantity(high)
	if err1 != nil || err2 != nil || l.Cmp(h) <= 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(path.Child(lowName), low, fmt.Sprintf("must not be more than %s (%s)", highName, high))}
}
