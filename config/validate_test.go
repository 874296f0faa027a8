package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validProfile is a defaulted, valid profile; each case below changes one thing in it.
func validProfile() *Profile {
	p := &Profile{Tenants: []Tenant{{Name: "team-a"}, {Name: "team-b", EgressCIDRs: []string{"10.20.0.0/16"}}}}
	SetDefaultsProfile(p)
	return p
}

func TestValidateProfile(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string // every message, in order
	}{
		{"valid", func(*Profile) {}, nil},
		{"weaker profile level without a reason", func(p *Profile) { p.PodSecurity.Enforce = "privileged" },
			[]string{`podSecurity.exemptionReason: Required value: enforce level "privileged" is weaker than restricted: say why, it is kept in the compliance report`}},
		{"unknown enforce level", func(p *Profile) { p.PodSecurity.Enforce = "strict" },
			[]string{`podSecurity.enforce: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted"`}},
		{"unknown tenant audit level", func(p *Profile) { p.Tenants[1].PodSecurity = &PodSecurity{Audit: "Restricted"} },
			[]string{`tenants[1].podSecurity.audit: Unsupported value: "Restricted": supported values: "privileged", "baseline", "restricted"`}},
		{"bad pod security version", func(p *Profile) { p.PodSecurity.Version = "1.36" },
			[]string{`podSecurity.version: Invalid value: "1.36": must be "latest" or a version such as "v1.36"`}},
		{"pod security version newer than the cluster", func(p *Profile) { p.PodSecurity.Version = "v1.99" },
			[]string{`podSecurity.version: Invalid value: "v1.99": is newer than the cluster's Kubernetes 1.36 (kubernetesVersion); use v1.36 or older, or "latest"`}},
		{"tenant pod security version newer than the cluster", func(p *Profile) { p.Tenants[0].PodSecurity = &PodSecurity{Version: "v1.37"} },
			[]string{`tenants[0].podSecurity.version: Invalid value: "v1.37": is newer than the cluster's Kubernetes 1.36 (kubernetesVersion); use v1.36 or older, or "latest"`}},
		{"pod security version of an older minor", func(p *Profile) { p.PodSecurity.Version = "v1.30" }, nil},
		{"seccomp audit without the profile on the nodes", func(p *Profile) { p.Tenants[1].SeccompAudit = true },
			[]string{`tenants[1].seccompAudit: Invalid value: true: needs controlPlane.kubelet.seccompAuditProfile: true, which puts the audit profile on the nodes; without it the pods cannot start`}},
		{"seccomp audit with the profile on the nodes", func(p *Profile) {
			p.Tenants[1].SeccompAudit, p.ControlPlane.Kubelet.SeccompAuditProfile = true, true
		}, nil},
		{"latest pod security version", func(p *Profile) { p.Tenants[0].PodSecurity = &PodSecurity{Version: "latest"} }, nil},
		{"weaker tenant level without a reason", func(p *Profile) { p.Tenants[0].PodSecurity = &PodSecurity{Enforce: "baseline"} },
			[]string{`tenants[0].podSecurity.exemptionReason: Required value: enforce level "baseline" is weaker than restricted: say why, it is kept in the compliance report`}},
		{"weaker tenant level with a reason", func(p *Profile) {
			p.Tenants[0].PodSecurity = &PodSecurity{Enforce: "baseline", ExemptionReason: "legacy image"}
		}, nil},
		{"bad quantity", func(p *Profile) { p.Tenants[0].Quota.LimitsMemory = "2GB" },
			[]string{`tenants[0].quota.limitsMemory: Invalid value: "2GB": must be a Kubernetes quantity such as 500m, 2 or 1Gi`}},
		{"negative quantity", func(p *Profile) { p.Tenants[1].Quota.Pods = "-1" },
			[]string{`tenants[1].quota.pods: Invalid value: "-1": must not be negative`}},
		{"requests above limits", func(p *Profile) { p.Tenants[0].Quota.RequestsCPU = "3" },
			[]string{`tenants[0].quota.requestsCPU: Invalid value: "3": must not be more than limitsCPU (2)`}},
		{"limit range default above max", func(p *Profile) { p.Tenants[0].LimitRange.DefaultMemory = "2Gi" },
			[]string{`tenants[0].limitRange.defaultMemory: Invalid value: "2Gi": must not be more than maxMemory (1Gi)`}},
		{"duplicate tenant", func(p *Profile) { p.Tenants[1].Name = "team-a" },
			[]string{`tenants[1].name: Duplicate value: "team-a (also tenants[0].name)"`}},
		{"invalid namespace name", func(p *Profile) { p.Tenants[0].Name = "Team_A" },
			[]string{`tenants[0].name: Invalid value: "Team_A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{"missing name", func(p *Profile) { p.Tenants[0].Name = "" },
			[]string{`tenants[0].name: Required value: every tenant needs a namespace name`}},
		{"reserved namespace", func(p *Profile) { p.Tenants[0].Name = "kube-system" },
			[]string{`tenants[0].name: Forbidden: "kube-system" is a namespace of the cluster's own; user workloads stay out of it (KSV037)`}},
		{"unsupported kubernetes version", func(p *Profile) { p.KubernetesVersion = "1.29.4" },
			[]string{`kubernetesVersion: Invalid value: "1.29.4": kubeharden supports Kubernetes >= 1.31, < 1.38`}},
		{"unparsable kubernetes version", func(p *Profile) { p.KubernetesVersion = "one.thirty" },
			[]string{`kubernetesVersion: Invalid value: "one.thirty": must be a Kubernetes version such as 1.36.3`}},
		{"metadata endpoint in egress", func(p *Profile) { p.Tenants[1].EgressCIDRs = []string{"169.254.169.254/32"} },
			[]string{`tenants[1].egressCIDRs[0]: Forbidden: the cloud metadata endpoint 169.254.169.254/32 is never reachable from tenant pods`}},
		{"egress CIDR with host bits", func(p *Profile) { p.Tenants[1].EgressCIDRs = []string{"10.20.1.5/16"} },
			[]string{`tenants[1].egressCIDRs[0]: Invalid value: "10.20.1.5/16": has host bits set; the network is 10.20.0.0/16`}},
		{"bad DNS label", func(p *Profile) { p.DNS.PodLabels = map[string]string{"k8s-app": "kube dns"} },
			[]string{`dns.podLabels[k8s-app]: Invalid value: "kube dns": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`}},
		{"every problem at once", func(p *Profile) {
			p.PodSecurity.Warn = "loud"
			p.Tenants[0].Quota.Pods = "many"
			p.Tenants[1].Name = "team-a"
		}, []string{
			`podSecurity.warn: Unsupported value: "loud": supported values: "privileged", "baseline", "restricted"`,
			`tenants[0].quota.pods: Invalid value: "many": must be a Kubernetes quantity such as 500m, 2 or 1Gi`,
			`tenants[1].name: Duplicate value: "team-a (also tenants[0].name)"`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertProfileErrors(t, tc.change, tc.want) })
	}
}

// assertProfileErrors changes one thing in validProfile and expects exactly these messages, in order.
func assertProfileErrors(t *testing.T, change func(p *Profile), want []string) {
	t.Helper()
	p := validProfile()
	change(p)
	var got []string
	for _, e := range ValidateProfile(p) {
		got = append(got, e.Error())
	}
	assert.Equal(t, want, got)
}

func TestInvalidProfileErrorListsEveryProblem(t *testing.T) {
	p := validProfile()
	p.PodSecurity.Enforce = "x"
	p.Tenants[0].Quota.Pods = "y"
	err := NewInvalidProfileError(ValidateProfile(p))
	require.ErrorIs(t, err, ErrInvalidProfile)
	assert.Equal(t, 2, strings.Count(err.Error(), "\n  - "))
}

func TestMetadataExcept(t *testing.T) {
	assert.Equal(t, []string{"169.254.169.254/32"}, MetadataExcept("169.254.0.0/16"))
	assert.Equal(t, []string{"169.254.169.254/32", "100.100.100.200/32"}, MetadataExcept("0.0.0.0/0"))
	assert.Equal(t, []string{"fd00:ec2::254/128", "fd20:ce::254/128"}, MetadataExcept("::/0"))
	assert.Equal(t, []string{"fd00:ec2::254/128"}, MetadataExcept("fd00:ec2::/32"))
	assert.Nil(t, MetadataExcept("10.0.0.0/8"))
	assert.Nil(t, MetadataExcept("2001:db8::/32"))
	assert.Nil(t, MetadataExcept("169.254.169.254/32"), "an endpoint cannot be excepted from itself")
	assert.Nil(t, MetadataExcept("not a cidr"))
}

func TestEgressCIDRsInBothFamilies(t *testing.T) {
	for cidr, want := range map[string]string{
		"10.40.0.0/16":           "",
		"::/0":                   "",
		"fd00:10::/64":           "",
		"169.254.169.254/32":     "the cloud metadata endpoint 169.254.169.254/32",
		"fd00:ec2::254/128":      "the cloud metadata endpoint fd00:ec2::254/128",
		"fd20:ce::254/128":       "the cloud metadata endpoint fd20:ce::254/128",
		"100.100.100.200/32":     "the cloud metadata endpoint 100.100.100.200/32",
		"fd00:ec2::1/64":         "has host bits set; the network is fd00:ec2::/64",
		"::ffff:169.254.0.0/112": "IPv4-mapped",
		"fe80::/64%eth0":         "must be a CIDR",
		"10.0.0.0/33":            "must be a CIDR",
		"fd00::/129":             "must be a CIDR",
	} {
		errs := validateEgressCIDR(cidr, field.NewPath("tenants").Index(0).Child("egressCIDRs").Index(0))
		if want == "" {
			assert.Empty(t, errs, cidr)
			continue
		}
		if assert.Len(t, errs, 1, cidr) {
			assert.Contains(t, errs[0].Error(), "tenants[0].egressCIDRs[0]", cidr)
			assert.Contains(t, errs[0].Error(), want, cidr)
		}
	}
}
