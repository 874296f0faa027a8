package config

import (
	"fmt"

	goversion "github.com/hashicorp/go-version"
)

// DefaultKubernetesVersion is the Kubernetes version a profile targets when it names none: the newest
// release kubeharden is tested against with a real kube-apiserver.
const DefaultKubernetesVersion = "1.36.3"

// SetDefaultsProfile fills the zero-valued fields of p with kubeharden's defaults. It never overwrites a
// value the user set, and it is safe to call more than once.
func SetDefaultsProfile(p *Profile) {
	setDefault(&p.APIVersion, APIVersion)
	setDefault(&p.Kind, Kind)
	// An unset version means "the version kubeharden is tested against", not "whatever the server runs".
	if p.KubernetesVersion == "" {
		p.KubernetesVersion = DefaultKubernetesVersion
	}
	// NSA/CISA "Kubernetes Pod security": restricted in every mode, pinned to the cluster's minor version
	// so that the policy only changes when the profile does.
	setDefaultsPodSecurity(&p.PodSecurity, PodSecurity{
		Enforce: "restricted",
		Audit:   "restricted",
		Warn:    "restricted",
		Version: podSecurityVersionFor(p.KubernetesVersion),
	})
	// kubeadm, k3s and most managed clusters run CoreDNS as kube-dns pods in kube-system.
	if p.DNS.Namespace == "" {
		p.DNS.Namespace = "kube-system"
	}
	if len(p.DNS.PodLabels) == 0 {
		p.DNS.PodLabels = map[string]string{"k8s-app": "kube-dns"}
	}
	for i := range p.Tenants {
		SetDefaultsTenant(&p.Tenants[i])
	}
	SetDefaultsControlPlane(&p.ControlPlane)
	setDefaultsLogging(&p.Logging, p.PodSecurity.Version)
	SetDefaultsGuardrails(&p.Guardrails)
	setDefaultsMonitoring(&p.Monitoring)
}

// SetDefaultsGuardrails fills the guardrails' engine and the action of every rule the profile leaves out.
func SetDefaultsGuardrails(g *Guardrails) {
	// Native policies need nothing installed beyond the API server.
	setDefault(&g.Engine, NativeEngine)
	// Every guardrail refuses unless the profile says otherwise.
	if g.Actions == nil {
		g.Actions = map[string]string{}
	}
	for _, rule := range GuardrailRules {
		if g.Actions[rule] == "" {
			g.Actions[rule] = "Deny"
		}
	}
}

// SetDefaultsTenant fills the zero-valued quota and limit fields of t. The CPU figures are the NSA/CISA
// guide's own LimitRange and ResourceQuota examples; memory, which the guide leaves out, is sized so that
// the LimitRange maximum fits the quota twice.
func SetDefaultsTenant(t *Tenant) {
	setDefault(&t.Quota.RequestsCPU, "1")
	setDefault(&t.Quota.RequestsMemory, "1Gi")
	setDefault(&t.Quota.LimitsCPU, "2")
	setDefault(&t.Quota.LimitsMemory, "2Gi")
	setDefault(&t.Quota.Pods, "20")

	setDefault(&t.LimitRange.DefaultCPU, "1")
	setDefault(&t.LimitRange.DefaultRequestCPU, "500m")
	setDefault(&t.LimitRange.MaxCPU, "2")
	setDefault(&t.LimitRange.MinCPU, "100m")
	setDefault(&t.LimitRange.DefaultMemory, "512Mi")
	setDefault(&t.LimitRange.DefaultRequestMemory, "256Mi")
	setDefault(&t.LimitRange.MaxMemory, "1Gi")
	setDefault(&t.LimitRange.MinMemory, "16Mi")
}

// EffectivePodSecurity is the tenant's Pod Security setting with the profile's filling what it leaves empty.
func (p *Profile) EffectivePodSecurity(t *Tenant) PodSecurity {
	ps := p.PodSecurity
	if t.PodSecurity != nil {
		o := *t.PodSecurity
		setDefaultsPodSecurity(&o, ps)
		ps = o
	}
	return ps
}

func setDefaultsPodSecurity(ps *PodSecurity, from PodSecurity) {
	setDefault(&ps.Enforce, from.Enforce)
	setDefault(&ps.Audit, from.Audit)
	setDefault(&ps.Warn, from.Warn)
	setDefault(&ps.Version, from.Version)
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// podSecurityVersionFor returns "v<major>.<minor>" for a Kubernetes version, or "" when it does not parse
// (ValidateProfile then reports the version itself).
func podSecurityVersionFor(kubernetesVersion string) string {
	v, err := goversion.NewVersion(kubernetesVersion)
	if err != nil {
		return ""
	}
	// go-version pads a version to three segments ("1" is 1.0.0), so there is always a minor.
	s := v.Segments()
	return fmt.Sprintf("v%d.%d", s[0], s[1])
}

func setDefaultsLogging(l *Logging, psaVersion string) {
	setDefault(&l.Namespace, "kubeharden-logging")
	setDefault(&l.Image, "cr.fluentbit.io/fluent/fluent-bit:4.0.3")
	// Reading the host's log files needs hostPath volumes (refused from baseline up) and the file owner's
	// uid; the agent is hardened otherwise (read-only root, no capabilities, RuntimeDefault seccomp).
	setDefault(&l.PodSecurity.Enforce, "privileged")
	setDefault(&l.PodSecurity.Audit, "restricted")
	setDefault(&l.PodSecurity.Warn, "restricted")
	setDefault(&l.PodSecurity.Version, psaVersion)
	setDefault(&l.PodSecurity.ExemptionReason, "the log agent reads the nodes' log files through read-only hostPath volumes as their owner (root)")
	for i := range l.Outputs {
		o := &l.Outputs[i]
		switch o.Type {
		case "elasticsearch":
			setDefaultInt(&o.Port, 9200)
			setDefault(&o.Index, "kubernetes")
		case "syslog":
			setDefaultInt(&o.Port, 6514) // RFC 5425: syslog over TLS
		case "forward":
			setDefaultInt(&o.Port, 24224)
		}
	}
}
