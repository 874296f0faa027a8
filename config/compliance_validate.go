package config

import (
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateCompliance checks the exemptions' shape (ValidateExemption). That each control exists is
// checked against the catalog when a check runs (controls.ValidateExemptions).
func ValidateCompliance(c *Compliance, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range c.Exemptions {
		errs = append(errs, ValidateExemption(&c.Exemptions[i], p.Child("exemptions").Index(i))...)
	}
	return errs
}

// ValidateExemption checks one exemption's shape: a control and a reason, and a well-formed object
// pattern.
func ValidateExemption(e *ControlExemption, ep *field.Path) field.ErrorList {
	var errs field.ErrorList
	if strings.TrimSpace(e.Control) == "" {
		errs = append(errs, field.Required(ep.Child("control"), "the ID of the exempted control"))
	}
	if strings.TrimSpace(e.Reason) == "" {
		errs = append(errs, field.Required(ep.Child("reason"), "an exemption must say why; the reason appears in every report"))
	}
	if _, err := path.Match(e.Object, ""); err != nil {
		errs = append(errs, field.Invalid(ep.Child("object"), e.Object, "not a valid pattern: "+err.Error()))
	}
	return errs
}
