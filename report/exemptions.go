package report

import (
	pathpkg "path"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
)

// Exemption excuses a control's findings, for one object or for all of them, with the reason an auditor
// reads. It is the profile's own type (compliance.exemptions), defined once in package config.
type Exemption = config.ControlExemption

// exemptionMatches is true when the exemption covers a finding.
func exemptionMatches(e Exemption, f controls.Finding) bool {
	if e.Control != f.Control {
		return false
	}
	if e.Object == "" {
		return true
	}
	ok, _ := pathpkg.Match(e.Object, f.Object)
	return ok
}

// ExemptedFinding is a finding an exemption covers, with its reason.
type ExemptedFinding struct {
	controls.Finding
	Reason string `json:"reason"`
}
