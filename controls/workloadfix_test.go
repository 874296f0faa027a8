package controls

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEachPodSecurityReasonNamesItsField: a finding of workload-pod-security names the field below the
// container that Pod Security's check reads, for every check that reads a container, so that a person
// (and SARIF) is pointed at the line to change; a reason it does not know falls back to securityContext.
func TestEachPodSecurityReasonNamesItsField(t *testing.T) {
	for reason, want := range map[string]string{
		"privileged":                         "securityContext.privileged",
		"allowPrivilegeEscalation != false":  "securityContext.allowPrivilegeEscalation",
		"unrestricted capabilities":          "securityContext.capabilities",
		"non-default capabilities":           "securityContext.capabilities.add",
		"runAsNonRoot != true":               "securityContext.runAsNonRoot",
		"runAsUser=0":                        "securityContext.runAsUser",
		"seccompProfile":                     "securityContext.seccompProfile.type",
		"seLinuxOptions":                     "securityContext.seLinuxOptions",
		"procMount":                          "securityContext.procMount",
		"hostPort":                           "ports",
		"hostProcess":                        "securityContext.windowsOptions.hostProcess",
		"probe or lifecycle host":            "livenessProbe",
		"forbidden AppArmor profile":         "securityContext.appArmorProfile.type",
		"forbidden AppArmor profiles":        "securityContext.appArmorProfile.type",
		"a reason Pod Security may add next": "securityContext",
	} {
		field, remedy := containerFix(reason)
		assert.Equal(t, want, field, reason)
		assert.NotEmpty(t, remedy, reason)
	}
}
