package report_test

import (
	"testing"

	. "github.com/kubeharden/kubeharden/check/checktest"

	. "github.com/kubeharden/kubeharden/controls"
	. "github.com/kubeharden/kubeharden/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnExemptionCoversOnlyItsControlAndItsObjects checks an unlabelled namespace (it fails
// namespace-pod-security, and nothing else) with one exemption at a time: only an exemption whose control is the
// finding's, and whose object pattern (if any) matches the finding's object, moves the finding aside; any
// other leaves the check failing and is reported unused.
func TestAnExemptionCoversOnlyItsControlAndItsObjects(t *testing.T) {
	const fixture = "../controls/testdata/namespace-pod-security/fail/unlabelled.yaml"
	bare, err := CheckManifests(DefaultControls(), "1.36.3", fixture)
	require.NoError(t, err)
	require.Len(t, bare.FindingsOf("namespace-pod-security"), 1)
	object := bare.FindingsOf("namespace-pod-security")[0].Object
	require.Equal(t, "Namespace/team", object)

	for _, tc := range []struct {
		name    string
		exempt  Exemption
		covered bool
	}{
		{"another control, every object", Exemption{Control: "rbac-pod-exec", Reason: "r"}, false},
		{"another control, this object", Exemption{Control: "rbac-pod-exec", Object: object, Reason: "r"}, false},
		{"another control, a pattern that matches this object", Exemption{Control: "rbac-pod-exec", Object: "Namespace/*", Reason: "r"}, false},
		{"this control, another object", Exemption{Control: "namespace-pod-security", Object: "Namespace/other", Reason: "r"}, false},
		{"this control, a pattern of another kind", Exemption{Control: "namespace-pod-security", Object: "Deployment/*", Reason: "r"}, false},
		{"this control, this object", Exemption{Control: "namespace-pod-security", Object: object, Reason: "r"}, true},
		{"this control, a pattern that matches", Exemption{Control: "namespace-pod-security", Object: "Namespace/te*", Reason: "r"}, true},
		{"this control, every object", Exemption{Control: "namespace-pod-security", Reason: "r"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Check(CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3", Paths: []string{fixture},
				Exemptions: []Exemption{tc.exempt}})
			require.NoError(t, err)
			// Every other control's findings are untouched, whatever the exemption.
			for _, c := range bare.Controls {
				if c.ID == "namespace-pod-security" {
					continue
				}
				assert.Equal(t, bare.FindingsOf(c.ID), r.FindingsOf(c.ID), c.ID)
				assert.Empty(t, r.ExemptedOf(c.ID), c.ID)
			}
			status := map[string]Status{}
			for _, c := range r.Controls {
				status[c.ID] = c.Status
			}
			if tc.covered {
				assert.Empty(t, r.FindingsOf("namespace-pod-security"))
				require.Len(t, r.ExemptedOf("namespace-pod-security"), 1)
				assert.Equal(t, "r", r.ExemptedOf("namespace-pod-security")[0].Reason)
				assert.Equal(t, StatusExempt, status["namespace-pod-security"])
				assert.Empty(t, r.UnusedExemptions)
			} else {
				assert.Equal(t, bare.FindingsOf("namespace-pod-security"), r.FindingsOf("namespace-pod-security"))
				assert.Empty(t, r.ExemptedOf("namespace-pod-security"))
				assert.Equal(t, StatusFail, status["namespace-pod-security"])
				assert.Equal(t, []Exemption{tc.exempt}, r.UnusedExemptions)
			}
			if tc.covered {
				assert.Equal(t, ExitPass, r.ExitCode(), "the one failing finding is exempt")
			} else {
				assert.Equal(t, ExitFail, r.ExitCode(), "the namespace still fails")
			}
		})
	}
}

// TestAnExemptionCoversOneFindingOnce: two exemptions that both match a finding exempt it once, with the
// first one's reason; the second is unused.
func TestAnExemptionCoversOneFindingOnce(t *testing.T) {
	r, err := Check(CheckOptions{Catalog: DefaultControls(), KubernetesVersion: "1.36.3",
		Paths: []string{"../controls/testdata/namespace-pod-security/fail/unlabelled.yaml"},
		Exemptions: []Exemption{
			{Control: "namespace-pod-security", Object: "Namespace/team", Reason: "first"},
			{Control: "namespace-pod-security", Reason: "second"},
		}})
	require.NoError(t, err)
	require.Len(t, r.ExemptedOf("namespace-pod-security"), 1)
	assert.Equal(t, "first", r.ExemptedOf("namespace-pod-security")[0].Reason)
	assert.Equal(t, []Exemption{{Control: "namespace-pod-security", Reason: "second"}}, r.UnusedExemptions)
}
