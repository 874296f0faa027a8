package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errorsOf are the messages of a field error list.
func errorsOf(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// TestControlPlaneBoundaries: each limit of the control plane's validation, on both of its sides (the
// last value allowed and the first refused), one change at a time from the defaults. want is the field
// path of the one error, or "" where the value is allowed.
func TestControlPlaneBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *ControlPlane)
		want   string
	}{
		{"kms with a name and an endpoint", func(c *ControlPlane) {
			c.Encryption.Provider, c.Encryption.KMS = "kms", &KMS{Name: "vault", Endpoint: "unix:///run/kms.sock"}
		}, ""},
		{"kms without an endpoint", func(c *ControlPlane) { c.Encryption.Provider, c.Encryption.KMS = "kms", &KMS{Name: "vault"} }, "controlPlane.encryption.kms"},
		{"kms without a name", func(c *ControlPlane) {
			c.Encryption.Provider, c.Encryption.KMS = "kms", &KMS{Endpoint: "unix:///run/kms.sock"}
		}, "controlPlane.encryption.kms"},
		{"every resource of every group", func(c *ControlPlane) { c.Encryption.Resources = []string{"secrets", "*.*"} }, ""},
		{"every resource of the core group", func(c *ControlPlane) { c.Encryption.Resources = []string{"secrets", "*."} }, ""},
		{"every resource of a group", func(c *ControlPlane) { c.Encryption.Resources = []string{"secrets", "*.apps"} }, ""},
		{"a resource that is no name", func(c *ControlPlane) { c.Encryption.Resources = []string{"secrets", "Config_Maps"} }, "controlPlane.encryption.resources[1]"},
		{"an audit webhook without a host", func(c *ControlPlane) { c.Audit.WebhookServer = "https://" }, "controlPlane.audit.webhookServer"},
		{"an audit webhook of another scheme", func(c *ControlPlane) { c.Audit.WebhookServer = "ftp://siem.example.com/audit" }, "controlPlane.audit.webhookServer"},
		{"an https audit webhook", func(c *ControlPlane) { c.Audit.WebhookServer = "https://siem.example.com/audit" }, ""},
		{"TLS 1.3 needs no cipher suite", func(c *ControlPlane) { c.TLS.MinVersion, c.TLS.CipherSuites = "VersionTLS13", nil }, ""},
		{"TLS 1.2 without cipher suites", func(c *ControlPlane) { c.TLS.CipherSuites = nil }, "controlPlane.tls.cipherSuites"},
		{"secure port 0", func(c *ControlPlane) { c.APIServer.SecurePort = 0 }, "controlPlane.apiServer.securePort"},
		{"secure port 1", func(c *ControlPlane) { c.APIServer.SecurePort = 1 }, ""},
		{"secure port 65535", func(c *ControlPlane) { c.APIServer.SecurePort = 65535 }, ""},
		{"secure port 65536", func(c *ControlPlane) { c.APIServer.SecurePort = 65536 }, "controlPlane.apiServer.securePort"},
		{"a service account issuer over http", func(c *ControlPlane) { c.APIServer.ServiceAccountIssuer = "http://kubernetes.default.svc" }, "controlPlane.apiServer.serviceAccountIssuer"},
		{"a service account issuer without a host", func(c *ControlPlane) { c.APIServer.ServiceAccountIssuer = "https://" }, "controlPlane.apiServer.serviceAccountIssuer"},
		{"pod pids limit 0", func(c *ControlPlane) { c.Kubelet.PodPidsLimit = 0 }, "controlPlane.kubelet.podPidsLimit"},
		{"pod pids limit 1", func(c *ControlPlane) { c.Kubelet.PodPidsLimit = 1 }, ""},
		{"streaming idle timeout 0", func(c *ControlPlane) { c.Kubelet.StreamingConnectionIdleTimeout = "0s" }, "controlPlane.kubelet.streamingConnectionIdleTimeout"},
		{"streaming idle timeout negative", func(c *ControlPlane) { c.Kubelet.StreamingConnectionIdleTimeout = "-1m" }, "controlPlane.kubelet.streamingConnectionIdleTimeout"},
		{"streaming idle timeout 1ns", func(c *ControlPlane) { c.Kubelet.StreamingConnectionIdleTimeout = "1ns" }, ""},
		{"an advertise address", func(c *ControlPlane) { c.APIServer.AdvertiseAddress = "10.0.0.10" }, ""},
		{"an advertise address that is a name", func(c *ControlPlane) { c.APIServer.AdvertiseAddress = "cp-1" }, "controlPlane.apiServer.advertiseAddress"},
		{"OIDC", func(c *ControlPlane) { c.OIDC = oidc("https://login.example.com", "oidc:", "kubernetes") }, ""},
		{"OIDC over http", func(c *ControlPlane) { c.OIDC = oidc("http://login.example.com", "oidc:", "kubernetes") }, "controlPlane.oidc.issuerURL"},
		{"OIDC without a host", func(c *ControlPlane) { c.OIDC = oidc("https://", "oidc:", "kubernetes") }, "controlPlane.oidc.issuerURL"},
		{"OIDC without audiences", func(c *ControlPlane) { c.OIDC = oidc("https://login.example.com", "oidc:") }, "controlPlane.oidc.audiences"},
		{"OIDC users posing as system users", func(c *ControlPlane) { c.OIDC = oidc("https://login.example.com", "system:", "kubernetes") }, "controlPlane.oidc.prefix"},
		{"OIDC without a prefix", func(c *ControlPlane) { c.OIDC = oidc("https://login.example.com", "", "kubernetes") }, "controlPlane.oidc.prefix"},
		{"an unknown distribution", func(c *ControlPlane) { c.Distribution = "rke2" }, "controlPlane.distribution"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validControlPlane()
			tc.change(c)
			got := ValidateControlPlane(c, field.NewPath("controlPlane"))
			if tc.want == "" {
				assert.Empty(t, errorsOf(got))
				return
			}
			require.Len(t, got, 1, "%q", errorsOf(got))
			assert.Equal(t, tc.want, got[0].Field)
		})
	}
}

// oidc is an OIDC section with the issuer, the prefix and the audiences.
func oidc(issuer, prefix string, audiences ...string) OIDC {
	o := OIDC{IssuerURL: issuer, Audiences: audiences, UsernameClaim: "email", GroupsClaim: "groups"}
	o.Prefix = prefix
	return o
}

// TestControlPlaneDefaultsFillOnlyWhatIsUnset: the cluster DNS address a profile names is kept (an empty
// list included); the OIDC claims are defaulted only where OIDC is configured.
func TestControlPlaneDefaultsFillOnlyWhatIsUnset(t *testing.T) {
	c := &ControlPlane{}
	SetDefaultsControlPlane(c)
	assert.Equal(t, []string{"10.96.0.10"}, c.Kubelet.ClusterDNS)
	assert.Empty(t, c.OIDC.UsernameClaim+c.OIDC.GroupsClaim+c.OIDC.Prefix, "no OIDC, no claims")

	c = &ControlPlane{}
	c.Kubelet.ClusterDNS = []string{"10.0.0.10"}
	c.OIDC.IssuerURL = "https://login.example.com"
	SetDefaultsControlPlane(c)
	assert.Equal(t, []string{"10.0.0.10"}, c.Kubelet.ClusterDNS)
	assert.Equal(t, []string{"email", "groups", "oidc:"}, []string{c.OIDC.UsernameClaim, c.OIDC.GroupsClaim, c.OIDC.Prefix})

	c = &ControlPlane{}
	c.Kubelet.ClusterDNS = []string{}
	SetDefaultsControlPlane(c)
	assert.Equal(t, []string{}, c.Kubelet.ClusterDNS, "an empty list is the profile's choice")
}

// TestGuardrailActionsKeepWhatTheProfileSays: a rule's action the profile sets is kept; the others Deny.
func TestGuardrailActionsKeepWhatTheProfileSays(t *testing.T) {
	g := &Guardrails{Actions: map[string]string{GuardrailRules[0]: "Warn"}}
	SetDefaultsGuardrails(g)
	assert.Equal(t, "Warn", g.Actions[GuardrailRules[0]])
	for _, rule := range GuardrailRules[1:] {
		assert.Equal(t, "Deny", g.Actions[rule], rule)
	}
}

// TestProfileBoundaries: the limits of a tenant's and the profile's validation on both sides, one change
// at a time; want is every message's field path.
func TestProfileBoundaries(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	for _, tc := range []struct {
		name   string
		change func(p *Profile)
		want   []string
	}{
		{"a quota of zero", func(p *Profile) { p.Tenants[0].Quota.Pods = "0" }, nil},
		{"a negative quota", func(p *Profile) { p.Tenants[0].Quota.Pods = "-1" }, []string{"tenants[0].quota.pods"}},
		{"requests equal to limits", func(p *Profile) { p.Tenants[0].Quota.RequestsCPU = p.Tenants[0].Quota.LimitsCPU }, nil},
		{"requests above limits", func(p *Profile) { p.Tenants[0].Quota.RequestsCPU, p.Tenants[0].Quota.LimitsCPU = "3", "2" }, []string{"tenants[0].quota.requestsCPU"}},
		{"a tenant's pod security version that is none", func(p *Profile) { p.Tenants[0].PodSecurity = &PodSecurity{Version: "v1.x"} }, []string{"tenants[0].podSecurity.version"}},
		{"seccomp audit on Kubernetes 1.35", func(p *Profile) {
			p.KubernetesVersion, p.PodSecurity.Version = "1.35.2", "v1.35"
			p.ControlPlane.Kubelet.SeccompAuditProfile, p.Tenants[1].SeccompAudit = true, true
		}, []string{"tenants[1].seccompAudit"}},
		{"seccomp audit on Kubernetes 1.36", func(p *Profile) {
			p.ControlPlane.Kubelet.SeccompAuditProfile, p.Tenants[1].SeccompAudit = true, true
		}, nil},
		{"a registry host label of 63 characters", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{label63 + ".example.com"} }, nil},
		{"a registry host label of 64 characters", func(p *Profile) { p.Guardrails.AllowedRegistries = []string{label63 + "a.example.com"} }, []string{"guardrails.allowedRegistries[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			tc.change(p)
			var got []string
			for _, e := range ValidateProfile(p) {
				got = append(got, e.Field)
			}
			assert.Equal(t, tc.want, got, "%q", errorsOf(ValidateProfile(p)))
		})
	}
}

// TestLoggingPortBoundaries: a syslog destination's port from 1 to 65535.
func TestLoggingPortBoundaries(t *testing.T) {
	for port, ok := range map[int]bool{0: false, 1: true, 514: true, 65535: true, 65536: false} {
		p := validProfile()
		p.Logging.Enabled = true
		p.Logging.Outputs = []LogOutput{{Type: "syslog", Host: "siem.example.com", Port: port, TLS: true}}
		SetDefaultsProfile(p)
		p.Logging.Outputs[0].Port = port
		errs := ValidateLogging(&p.Logging, field.NewPath("logging"))
		if ok {
			assert.Empty(t, errorsOf(errs), "port %d", port)
		} else if assert.Len(t, errs, 1, "port %d", port) {
			assert.Equal(t, "logging.outputs[0].port", errs[0].Field)
		}
	}
}

// TestHasSuffix: a string is its own suffix; a shorter one has no longer suffix.
func TestHasSuffix(t *testing.T) {
	assert.True(t, hasSuffix(":latest", ":latest"))
	assert.True(t, hasSuffix("fluent-bit:latest", ":latest"))
	assert.False(t, hasSuffix("latest", ":latest"))
	assert.False(t, hasSuffix("fluent-bit:3.2", ":latest"))
}

// TestShortenKeepsWhatFits: a value of exactly max characters is kept whole; one more is cut.
func TestShortenKeepsWhatFits(t *testing.T) {
	assert.Equal(t, strings.Repeat("é", 80), Shorten(strings.Repeat("é", 80), 80))
	assert.NotEqual(t, strings.Repeat("é", 81), Shorten(strings.Repeat("é", 81), 80))
}

// TestRulesNeedResourcesAndVerbsNotAPIGroups: a rule lists its resources and verbs; an empty apiGroups
// list is the core group's.
func TestRulesNeedResourcesAndVerbsNotAPIGroups(t *testing.T) {
	got := ValidateRules([]Rule{{Resources: []string{"pods"}, Verbs: []string{"get"}}, {APIGroups: []string{""}, Verbs: []string{"get"}}, {APIGroups: []string{""}, Resources: []string{"pods"}}}, field.NewPath("rules"))
	var fields []string
	for _, e := range got {
		fields = append(fields, e.Field)
	}
	assert.Equal(t, []string{"rules[1].resources", "rules[2].verbs"}, fields)
}

// TestAProfileFileOfTheLargestSizeIsRead: a file of exactly MaxProfileFileSize bytes is read; one byte
// more is refused for its size.
func TestAProfileFileOfTheLargestSizeIsRead(t *testing.T) {
	dir := t.TempDir()
	body := "kubernetesVersion: 1.36.3\n#"
	at := filepath.Join(dir, "at.yaml")
	require.NoError(t, os.WriteFile(at, []byte(body+strings.Repeat("x", MaxProfileFileSize-len(body))), 0o600))
	data, err := readProfileFile(at)
	require.NoError(t, err)
	assert.Len(t, data, MaxProfileFileSize)

	over := filepath.Join(dir, "over.yaml")
	require.NoError(t, os.WriteFile(over, []byte(body+strings.Repeat("x", MaxProfileFileSize+1-len(body))), 0o600))
	_, err = readProfileFile(over)
	assert.ErrorContains(t, err, "larger than")
}

// TestFieldTypeFollowsThePath: the Go type at a field path of the profile, through structs, pointers,
// slices and maps; nil for a path that is not there.
func TestFieldTypeFollowsThePath(t *testing.T) {
	profile := reflect.TypeOf(Profile{})
	for _, tc := range []struct {
		path []string
		want reflect.Type
	}{
		{[]string{"tenants", "[0]", "name"}, reflect.TypeOf("")},
		{[]string{"tenants", "[0]", "podSecurity"}, reflect.TypeOf(PodSecurity{})},
		{[]string{"tenants", "[0]", "podSecurity", "enforce"}, reflect.TypeOf("")},
		{[]string{"dns", "podLabels", "[k8s-app]"}, reflect.TypeOf("")},
		{[]string{"tenants", "[0]", "nosuch"}, nil},
		{[]string{"kubernetesVersion", "[0]"}, nil},
		{[]string{"kubernetesVersion", "below"}, nil},
	} {
		assert.Equal(t, tc.want, fieldType(profile, tc.path), "%v", tc.path)
	}
}
