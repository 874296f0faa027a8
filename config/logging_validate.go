package config

import (
	"regexp"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var taggedImage = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(@sha256:[a-f0-9]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$`)
})

// ValidateLogging checks the log agent's settings: a pinned image, a reasoned Pod Security level, TLS to
// every off-cluster output.
func ValidateLogging(l *Logging, path *field.Path) field.ErrorList {
	if !l.Enabled {
		return nil
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(l.Namespace) {
		errs = append(errs, field.Invalid(path.Child("namespace"), l.Namespace, msg))
	}
	if reservedNamespaces[l.Namespace] {
		errs = append(errs, field.Forbidden(path.Child("namespace"), "the log agent gets a namespace of its own"))
	}
	if !taggedImage().MatchString(l.Image) || hasSuffix(l.Image, ":latest") {
		errs = append(errs, field.Invalid(path.Child("image"), l.Image, "must carry a version tag other than latest, or a digest"))
	}
	errs = append(errs, ValidatePodSecurity(&l.PodSecurity, path.Child("podSecurity"), false)...)
	if len(l.Outputs) == 0 {
		errs = append(errs, field.Required(path.Child("outputs"), "where the logs go; stdout for development"))
	}
	for i, o := range l.Outputs {
		op := path.Child("outputs").Index(i)
		if !slices.Contains(LogOutputTypes, o.Type) {
			errs = append(errs, field.NotSupported(op.Child("type"), o.Type, LogOutputTypes))
			continue
		}
		if o.Type == "stdout" {
			continue
		}
		if o.Host == "" {
			errs = append(errs, field.Required(op.Child("host"), "the destination's host name"))
		}
		if o.Port < 1 || o.Port > 65535 {
			errs = append(errs, field.Invalid(op.Child("port"), o.Port, "must be a port from 1 to 65535"))
		}
		if !o.TLS {
			errs = append(errs, field.Forbidden(op.Child("tls"), "logs leave the cluster over TLS only (guide: audit logging and threat detection)"))
		}
	}
	return errs
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
