package config

import (
	"path"
	"slices"
	"strings"

	"github.com/kubeharden/kubeharden/contract"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateCompliance checks each exemption (ValidateExemption), once, as the profile is resolved.
func ValidateCompliance(c *Compliance, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range c.Exemptions {
		errs = append(errs, ValidateExemption(&c.Exemptions[i], p.Child("exemptions").Index(i))...)
	}
	return errs
}

// ValidateExemption checks one exemption: a control of the catalog (contract.ControlIDs), a reason, and a
// well-formed object pattern.
func ValidateExemption(e *ControlExemption, ep *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case strings.TrimSpace(e.Control) == "":
		errs = append(errs, field.Required(ep.Child("control"), "the ID of the exempted control"))
	case !slices.Contains(contract.ControlIDs, e.Control):
		errs = append(errs, field.NotSupported(ep.Child("control"), e.Control, contract.ControlIDs))
	}
	if strings.TrimSpace(e.Reason) == "" {
		errs = append(errs, field.Required(ep.Child("reason"), "an exemption must say why; the reason appears in every report"))
	}
	if _, err := path.Match(e.Object, ""); err != nil {
		errs = append(errs, field.Invalid(ep.Child("object"), e.Object, "not a valid pattern: "+err.Error()))
	}
	return errs
}
