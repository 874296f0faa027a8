package config

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// setDefaultsMonitoring fills the monitoring section's namespace, scraper and threshold.
func setDefaultsMonitoring(m *Monitoring) {
	setDefault(&m.Namespace, "monitoring")
	setDefault(&m.Scraper.Namespace, "monitoring")
	setDefault(&m.Scraper.Name, "prometheus-k8s")
	if m.DeniedPerMinute == 0 {
		m.DeniedPerMinute = 10
	}
}

// ValidateMonitoring checks the monitoring section: names Kubernetes accepts, labels it accepts, a
// positive threshold.
func ValidateMonitoring(m *Monitoring, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, n := range []struct {
		path  *field.Path
		value string
	}{
		{path.Child("namespace"), m.Namespace},
		{path.Child("scraper", "namespace"), m.Scraper.Namespace},
		{path.Child("scraper", "name"), m.Scraper.Name},
	} {
		for _, msg := range validation.IsDNS1123Label(n.value) {
			errs = append(errs, field.Invalid(n.path, n.value, msg))
		}
	}
	for k, v := range m.RuleLabels {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(path.Child("ruleLabels").Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(path.Child("ruleLabels").Key(k), v, msg))
		}
	}
	if m.DeniedPerMinute < 1 {
		errs = append(errs, field.Invalid(path.Child("deniedPerMinute"), m.DeniedPerMinute, "must be at least 1"))
	}
	return errs
}
