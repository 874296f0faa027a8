package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden/internal/jsonmerge"
	"github.com/kubeharden/kubeharden/internal/limitread"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// APIVersion and Kind name the profile's schema. A profile may leave them out (every profile written
// before they existed does); one that names another version or kind is refused.
const (
	APIVersion = "kubeharden.io/v1alpha1"
	Kind       = "Profile"
)

// EnvOverride is an environment variable that overrides one profile field.
type EnvOverride struct {
	// Var is the variable's name.
	Var string
	// Path is the field it sets, as the profile spells it (dotted JSON names).
	Path string
}

// EnvOverrides are the environment variables that override the profile, and the only ones: a field
// not listed here is set in the profile file or the stack config.
var EnvOverrides = []EnvOverride{
	{"KUBEHARDEN_KUBERNETESVERSION", "kubernetesVersion"},
	{"KUBEHARDEN_PODSECURITY_ENFORCE", "podSecurity.enforce"},
	{"KUBEHARDEN_PODSECURITY_AUDIT", "podSecurity.audit"},
	{"KUBEHARDEN_PODSECURITY_WARN", "podSecurity.warn"},
	{"KUBEHARDEN_PODSECURITY_VERSION", "podSecurity.version"},
	{"KUBEHARDEN_DNS_NAMESPACE", "dns.namespace"},
	{"KUBEHARDEN_CONTROLPLANE_AUDIT_MAXAGE", "controlPlane.audit.maxAge"},
}

// Sources are the places a profile is read from. Later sources override earlier ones:
// the profile file, then the Pulumi stack config, then the environment (EnvOverrides only).
type Sources struct {
	// File is a YAML or JSON profile file; empty means none.
	File string
	// Stack is the profile object from the Pulumi stack config (key kubeharden:profile); nil means none.
	Stack map[string]any
	// Environ is the environment, as os.Environ returns it; nil means the process environment.
	Environ []string
}

// Load reads a profile from its sources into one document, decodes it strictly once (an unknown or
// duplicate key, or a value of the wrong type, is refused with its field path), fills the defaults once
// and validates the result once. The error lists the problems with their field paths. The profile it
// returns is resolved (Resolve).
func Load(src Sources) (Resolved, error) {
	doc := map[string]any{}
	if src.File != "" {
		data, err := readProfileFile(src.File)
		if err != nil {
			return Resolved{}, err
		}
		if doc, err = parseProfileFile(data, src.File); err != nil {
			return Resolved{}, err
		}
	}
	if src.Stack != nil {
		stack, err := jsonCopy(src.Stack)
		if err != nil {
			return Resolved{}, fmt.Errorf("the stack's kubeharden:profile: %w", err)
		}
		doc = jsonmerge.Merge(doc, stack).(map[string]any)
	}
	if errs := applyEnvironment(doc, src.Environ); len(errs) > 0 {
		return Resolved{}, NewInvalidProfileError(errs)
	}
	p, errs := Decode(doc)
	if len(errs) > 0 {
		return Resolved{}, NewInvalidProfileError(errs)
	}
	return Resolve(p)
}

// MaxProfileFileSize is the largest profile file Load reads: a profile is tens of lines, and a file of
// megabytes is a mistake (or a YAML bomb's cousin) that is refused before it is parsed.
const MaxProfileFileSize = 1 << 20

// parseProfileFile parses a profile file's YAML or JSON into a document (an empty one for an empty file).
func parseProfileFile(data []byte, name string) (map[string]any, error) {
	var doc map[string]any
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing profile file %s: %w", name, err)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	return doc, nil
}

// readProfileFile reads a profile file of at most MaxProfileFileSize bytes.
func readProfileFile(name string) ([]byte, error) {
	data, err := limitread.File(name, MaxProfileFileSize)
	var tooLarge *limitread.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("profile file %s: %w; a profile is a short YAML or JSON document", name, err)
	case err != nil:
		return nil, fmt.Errorf("reading profile file: %w", err)
	}
	return data, nil
}

// Resolve is the one place a profile is defaulted and validated (its exemptions included): on a deep
// copy of p, so that p stays as the caller wrote it, which it returns as a Resolved. Load resolves what it
// decodes; a program that writes its profile in Go resolves it here, once, and gives the components the
// Resolved. Resolving a resolved profile's copy (Resolved.Profile) gives the same profile.
func Resolve(p *Profile) (Resolved, error) {
	if p == nil {
		return Resolved{}, errors.New("a profile is required")
	}
	out, errs := resolve(p)
	if len(errs) > 0 {
		return Resolved{}, NewInvalidProfileError(errs)
	}
	return Resolved{out}, nil
}

// resolve defaults and validates a deep copy of p and returns it with its problems.
func resolve(p *Profile) (*Profile, field.ErrorList) {
	out := p.DeepCopy()
	SetDefaultsProfile(out)
	return out, ValidateProfile(out)
}

// MergeDocuments merges profile documents in order into a new one: a later one overrides an earlier one
// key by key (maps merge, anything else replaces), as the stack config overrides the profile file. The
// documents are not changed.
func MergeDocuments(docs ...map[string]any) (map[string]any, error) {
	doc := map[string]any{}
	for _, d := range docs {
		c, err := jsonCopy(d)
		if err != nil {
			return nil, err
		}
		doc = jsonmerge.Merge(doc, c).(map[string]any)
	}
	return doc, nil
}

// ResolveDocuments is Load for profile documents a caller has already read, such as a fleet's shared
// profile and one cluster's overrides: merged (MergeDocuments), decoded strictly once, defaulted and
// validated. No environment variable applies. The problems come back as a list with their field paths,
// for the caller to place under its own.
func ResolveDocuments(docs ...map[string]any) (Resolved, field.ErrorList) {
	doc, err := MergeDocuments(docs...)
	if err != nil {
		return Resolved{}, field.ErrorList{field.Invalid(field.NewPath("profile"), "", err.Error())}
	}
	p, errs := Decode(doc)
	if len(errs) > 0 {
		return Resolved{}, errs
	}
	out, errs := resolve(p)
	if len(errs) > 0 {
		return Resolved{}, errs
	}
	return Resolved{out}, nil
}

// ErrInvalidProfile is wrapped by every error that reports a profile's contents, as opposed to a file
// that cannot be read.
var ErrInvalidProfile = errors.New("invalid kubeharden profile")

// NewInvalidProfileError turns a field.ErrorList into one error, wrapping ErrInvalidProfile, that lists
// every problem on a line of its own, its values cut to a readable length (ShortenErrors).
func NewInvalidProfileError(errs field.ErrorList) error {
	lines := make([]string, len(errs))
	for i, e := range ShortenErrors(errs) {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Errorf("%w: %d problem(s):\n%s", ErrInvalidProfile, len(errs), strings.Join(lines, "\n"))
}

// applyEnvironment sets the fields EnvOverrides name from the environment (nil: the process's, each
// variable read with os.LookupEnv), typed as the field is.
func applyEnvironment(doc map[string]any, environ []string) field.ErrorList {
	lookup := os.LookupEnv
	if environ != nil {
		lookup = func(name string) (string, bool) {
			for _, kv := range environ {
				if k, v, ok := strings.Cut(kv, "="); ok && k == name {
					return v, true
				}
			}
			return "", false
		}
	}
	var errs field.ErrorList
	for _, o := range EnvOverrides {
		raw, ok := lookup(o.Var)
		if !ok {
			continue
		}
		keys := strings.Split(o.Path, ".")
		var value any = raw
		if t := fieldType(reflect.TypeOf(Profile{}), keys); t != nil && t.Kind() == reflect.Int {
			n, err := strconv.Atoi(raw)
			if err != nil {
				errs = append(errs, field.Invalid(field.NewPath(keys[0], keys[1:]...), raw, "must be a whole number (from "+o.Var+")"))
				continue
			}
			value = n
		}
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = value
	}
	return errs
}

// jsonCopy is m as JSON values (maps of strings, lists, strings, float64s, booleans), sharing nothing
// with it.
func jsonCopy(m map[string]any) (map[string]any, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(data, &out)
}
