package check_test

import (
	"bytes"
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
)

// renderFileSet writes kubeharden's control-plane file set for a profile under a folder standing for /.
func renderFileSet(t *testing.T, distribution string, change func(p *config.Profile)) string {
	t.Helper()
	dir := t.TempDir()
	p := &config.Profile{ControlPlane: config.ControlPlane{Distribution: distribution}}
	if change != nil {
		change(p)
	}
	r, err := config.Resolve(p)
	require.NoError(t, err)
	b, err := pki.Generate(pki.Options{ServiceIP: "10.96.0.1"})
	require.NoError(t, err)
	key, err := controlplane.NewEncryptionKey("key-1")
	require.NoError(t, err)
	files, err := controlplane.Render(controlplane.Inputs{Profile: r, PKI: b, EncryptionKeys: []controlplane.EncryptionKey{key}})
	require.NoError(t, err)
	require.NoError(t, controlplane.WriteFiles(dir, files))
	return dir
}

func statuses(r *Report) map[string]Status {
	out := map[string]Status{}
	for _, c := range r.Controls {
		out[c.ID] = c.Status
	}
	return out
}

// TestKubeadmFileSetPassesEveryControlPlaneControl checks the file set kubeharden renders for kubeadm, as
// `kubeharden files write` lays it out: every control-plane control is evaluated from it and passes, with
// evidence naming the files.
func TestKubeadmFileSetPassesEveryControlPlaneControl(t *testing.T) {
	for _, oidc := range []bool{false, true} {
		dir := renderFileSet(t, "kubeadm", func(p *config.Profile) {
			if oidc {
				p.ControlPlane.OIDC = config.OIDC{IssuerURL: "https://issuer.example.com", Audiences: []string{"kubernetes"}}
			}
		})
		r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
		require.NoError(t, err)
		require.Empty(t, r.Errors)
		st := statuses(r)
		for _, c := range DefaultControls() {
			if c.Inspects == ScopeControlPlane {
				assert.Equal(t, StatusPass, st[c.ID], "oidc=%v %s: %+v", oidc, c.ID, r.Findings)
			}
		}
		var evidence []string
		for _, c := range r.Controls {
			for _, e := range c.Evidence {
				evidence = append(evidence, e.Path)
			}
		}
		assert.Contains(t, evidence, dir+"/etc/kubernetes/encryption-config.yaml")
		assert.Contains(t, evidence, dir+"/etc/kubernetes/audit-policy.yaml")
		assert.Contains(t, evidence, dir+"/etc/kubernetes/kubeadm-config.yaml")
		// The file set stands for a whole cluster: the cluster-wide controls are evaluated, and fail
		// without the in-cluster objects.
		assert.Equal(t, StatusFail, st["log-collection"])
		assert.Equal(t, StatusFail, st["admission-guardrails"])
	}
}

// TestK3sFileSetIsReadWithK3sDefaults checks k3s's config.yaml: its flags count on top of what k3s sets
// by itself; encryption is k3s's own secrets-encryption, and the kubelet flags are not inspected.
func TestK3sFileSetIsReadWithK3sDefaults(t *testing.T) {
	dir := renderFileSet(t, "k3s", nil)
	r, err := CheckManifests(DefaultControls(), "1.36.3", dir)
	require.NoError(t, err)
	require.Empty(t, r.Errors)
	st := statuses(r)
	for _, id := range []string{"apiserver-access", "audit-logging", "control-plane-tls", "controller-manager-and-scheduler", "admission-pod-security-defaults", "encryption-at-rest"} {
		assert.Equal(t, StatusPass, st[id], "%s: %+v", id, r.Findings)
	}
	assert.Equal(t, StatusNotEvaluated, st["kubelet-settings"])
}

// TestMissingFileIsNotEvaluatedNotPassed checks that a flag naming a file the inputs lack leaves the
// control not evaluated, saying which file to add, rather than passing it.
func TestMissingFileIsNotEvaluatedNotPassed(t *testing.T) {
	r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/apiserver-access/pass/kubeadm-hardened.yaml")
	require.NoError(t, err)
	for _, c := range r.Controls {
		if c.ID == "encryption-at-rest" {
			assert.Equal(t, StatusNotEvaluated, c.Status)
			assert.Equal(t, "kube-apiserver --encryption-provider-config names /etc/kubernetes/encryption-config.yaml, which is not among the inputs; add it to check it", c.NotEvaluated)
		}
	}
	assert.Equal(t, StatusPass, statuses(r)["apiserver-access"])
}

func TestExemptions(t *testing.T) {
	fixture := "../controls/testdata/network-default-deny/fail/no-policy.yaml"
	t.Run("an exemption turns a failure into exempt, with its reason in every format", func(t *testing.T) {
		r, err := Check(CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3", Paths: []string{fixture},
			Exemptions: []Exemption{
				{Control: "network-default-deny", Object: "Namespace/te*", Reason: "legacy batch jobs, moving by 2027-03"},
				{Control: "rbac-no-wildcards", Object: "ClusterRole/old", Reason: "stale"},
			}})
		require.NoError(t, err)
		assert.Empty(t, r.Findings)
		require.Len(t, r.Exempted, 1)
		assert.Equal(t, "Namespace/team", r.Exempted[0].Object)
		assert.Equal(t, "legacy batch jobs, moving by 2027-03", r.Exempted[0].Reason)
		assert.Equal(t, StatusExempt, statuses(r)["network-default-deny"])
		assert.Equal(t, []Exemption{{Control: "rbac-no-wildcards", Object: "ClusterRole/old", Reason: "stale"}}, r.UnusedExemptions)
		assert.Equal(t, ExitPass, r.ExitCode())
		for format, want := range map[string]string{
			"text":  "Namespace/team (../controls/testdata/network-default-deny/fail/no-policy.yaml:1)\n  EXEMPT network-default-deny\n      no NetworkPolicy in the namespace denies all ingress and egress\n      reason: legacy batch jobs, moving by 2027-03\n",
			"json":  `"reason":"legacy batch jobs, moving by 2027-03"`,
			"sarif": `"justification": "legacy batch jobs, moving by 2027-03"`,
			"junit": `<skipped message="exempt">Namespace/team: legacy batch jobs, moving by 2027-03</skipped>`,
		} {
			var out bytes.Buffer
			require.NoError(t, r.Write(&out, format, false))
			assert.Contains(t, out.String(), want, format)
		}
	})
	t.Run("an exemption for another object leaves the failure", func(t *testing.T) {
		r, err := Check(CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3", Paths: []string{fixture},
			Exemptions: []Exemption{{Control: "network-default-deny", Object: "Namespace/other", Reason: "r"}}})
		require.NoError(t, err)
		assert.Len(t, r.Findings, 1)
		assert.Equal(t, ExitFail, r.ExitCode())
	})
}

// TestTwoControlPlanesAreNotMixed checks that two control planes among the inputs leave the control-plane
// controls not evaluated, saying why, while everything else is still checked.
func TestTwoControlPlanesAreNotMixed(t *testing.T) {
	r, err := CheckManifests(DefaultControls(), "1.36.3", "../controls/testdata/apiserver-access/pass/kubeadm-hardened.yaml",
		"../controls/testdata/apiserver-access/fail/anonymous-always-allow.yaml", "../controls/testdata/rbac-no-wildcards/fail/wildcard-verb.yaml")
	require.NoError(t, err)
	for _, c := range r.Controls {
		if c.Inspects == ScopeControlPlane {
			assert.Equal(t, StatusNotEvaluated, c.Status, c.ID)
			assert.Contains(t, c.NotEvaluated, "the inputs describe more than one control plane (kube-apiserver flags in ../controls/testdata/apiserver-access/pass/kubeadm-hardened.yaml and in ../controls/testdata/apiserver-access/fail/anonymous-always-allow.yaml)")
		}
	}
	assert.Equal(t, StatusFail, statuses(r)["rbac-no-wildcards"])
}
