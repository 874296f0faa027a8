package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// registryPattern is a registry host (DNS name or IP, optional port) and optional path, lower case, no
// scheme and no wildcard: the prefix of an image reference.
var registryPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
})

// ValidateGuardrails checks the guardrails: registries that parse, known rules and actions.
func ValidateGuardrails(g *Guardrails, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(GuardrailEngines, g.Engine) {
		errs = append(errs, field.NotSupported(path.Child("engine"), g.Engine, GuardrailEngines))
	}
	for i, r := range g.AllowedRegistries {
		rp := path.Child("allowedRegistries").Index(i)
		if !registryPattern().MatchString(r) {
			errs = append(errs, field.Invalid(rp, r,
				"must be a registry host with an optional port and path, such as registry.k8s.io or ghcr.io/acme (no scheme, no wildcard)"))
			continue
		}
		host, _, _ := strings.Cut(r, "/")
		host, _, _ = strings.Cut(host, ":")
		for _, msg := range validation.IsDNS1123Subdomain(host) {
			errs = append(errs, field.Invalid(rp, r, "the registry host "+msg))
		}
		for _, label := range strings.Split(host, ".") {
			if len(label) > validation.DNS1123LabelMaxLength {
				errs = append(errs, field.Invalid(rp, r, fmt.Sprintf("the registry host has a label longer than %d characters", validation.DNS1123LabelMaxLength)))
				break
			}
		}
	}
	for _, r := range slices.Sorted(maps.Keys(g.Actions)) {
		ap := path.Child("actions").Key(r)
		if !slices.Contains(GuardrailRules, r) {
			errs = append(errs, field.NotSupported(ap, r, GuardrailRules))
			continue
		}
		if !slices.Contains(GuardrailActions, g.Actions[r]) {
			errs = append(errs, field.NotSupported(ap, g.Actions[r], GuardrailActions))
		}
	}
	return errs
}
