package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// EnvPrefix is the prefix of the environment variables that override scalar profile fields:
// KUBEHARDEN_KUBERNETESVERSION, KUBEHARDEN_PODSECURITY_ENFORCE, KUBEHARDEN_DNS_NAMESPACE and so on.
const EnvPrefix = "KUBEHARDEN"

// Sources are the places a profile is read from. Later sources override earlier ones:
// the profile file, then the Pulumi stack config, then the environment.
type Sources struct {
	// File is a YAML or JSON profile file; empty means none.
	File string
	// Stack is the profile object from the Pulumi stack config (key kubeharden:profile); nil means none.
	Stack map[string]any
	// Environ is the environment, as os.Environ returns it; nil means the process environment.
	Environ []string
}

// Load reads a profile from its sources, refuses unknown keys and values of the wrong type, fills the
// defaults and validates the result. The error lists every problem with its field path.
func Load(src Sources) (*Profile, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if src.File != "" {
		f, err := os.Open(src.File)
		if err != nil {
			return nil, fmt.Errorf("reading profile file: %w", err)
		}
		defer f.Close()
		if err := v.ReadConfig(f); err != nil {
			return nil, fmt.Errorf("parsing profile file %s: %w", src.File, err)
		}
	}
	if src.Stack != nil {
		if err := v.MergeConfigMap(src.Stack); err != nil {
			return nil, fmt.Errorf("merging the stack's kubeharden:profile: %w", err)
		}
	}
	env := envMap(src.Environ)
	for _, key := range scalarKeys(reflect.TypeOf(Profile{}), "") {
		name := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		if val, ok := env[name]; ok {
			v.Set(key, val)
		}
	}

	raw := v.AllSettings()
	if errs := checkShape(raw, reflect.TypeOf(Profile{}), nil); len(errs) > 0 {
		return nil, NewInvalidProfileError(errs)
	}
	var p Profile
	if err := v.Unmarshal(&p, func(dc *mapstructure.DecoderConfig) {
		dc.TagName = "json"
		dc.ErrorUnused = true
		dc.WeaklyTypedInput = true // `cpu: 1` in YAML is the quantity "1"
	}); err != nil {
		return nil, fmt.Errorf("decoding profile: %w", err)
	}
	SetDefaultsProfile(&p)
	if errs := ValidateProfile(&p); len(errs) > 0 {
		return nil, NewInvalidProfileError(errs)
	}
	return &p, nil
}

// ErrInvalidProfile is wrapped by every error that reports a profile's contents, as opposed to a file
// that cannot be read.
var ErrInvalidProfile = errors.New("invalid kubeharden profile")

// NewInvalidProfileError turns a field.ErrorList into one error, wrapping ErrInvalidProfile, that lists
// every problem on a line of its own.
func NewInvalidProfileError(errs field.ErrorList) error {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Errorf("%w: %d problem(s):\n%s", ErrInvalidProfile, len(errs), strings.Join(lines, "\n"))
}

func envMap(environ []string) map[string]string {
	if environ == nil {
		environ = os.Environ()
	}
	m := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// scalarKeys lists the dotted, lower-cased keys of the string fields reachable from t through structs
// (not through lists or maps): the fields an environment variable can set.
func scalarKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.ToLower(jsonName(f))
		ft := f.Type
		switch ft.Kind() {
		case reflect.String, reflect.Int, reflect.Bool:
			keys = append(keys, prefix+name)
		case reflect.Struct:
			keys = append(keys, scalarKeys(ft, prefix+name+".")...)
		}
	}
	return keys
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// checkShape walks a decoded YAML value against the Go type it must fill and reports unknown keys and
// values of the wrong kind, with field paths in the profile's own spelling. Viper folds keys to lower
// case, so keys are matched without regard to case.
func checkShape(val any, t reflect.Type, path *field.Path) field.ErrorList {
	if val == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := asMap(val)
		if !ok {
			return field.ErrorList{field.Invalid(pathOr(path), val, "must be a map")}
		}
		fields := map[string]reflect.StructField{}
		var allowed []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fields[strings.ToLower(jsonName(f))] = f
			allowed = append(allowed, jsonName(f))
		}
		var errs field.ErrorList
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, known := fields[strings.ToLower(k)]
			if !known {
				errs = append(errs, field.NotSupported(child(path, k), k, allowed))
				continue
			}
			errs = append(errs, checkShape(m[k], f.Type, child(path, jsonName(f)))...)
		}
		return errs
	case reflect.Slice:
		list, ok := val.([]any)
		if !ok {
			return field.ErrorList{field.Invalid(pathOr(path), val, "must be a list")}
		}
		var errs field.ErrorList
		for i, item := range list {
			errs = append(errs, checkShape(item, t.Elem(), pathOr(path).Index(i))...)
		}
		return errs
	case reflect.Map:
		m, ok := asMap(val)
		if !ok {
			return field.ErrorList{field.Invalid(pathOr(path), val, "must be a map of strings")}
		}
		var errs field.ErrorList
		for _, k := range slices.Sorted(maps.Keys(m)) {
			errs = append(errs, checkShape(m[k], t.Elem(), pathOr(path).Key(k))...)
		}
		return errs
	case reflect.Int:
		switch n := val.(type) {
		case int, int64, uint64:
			return nil
		case float64:
			if n == float64(int64(n)) {
				return nil
			}
		case string:
			if _, err := strconv.Atoi(n); err == nil {
				return nil
			}
		}
		return field.ErrorList{field.Invalid(pathOr(path), val, "must be a whole number")}
	case reflect.Bool:
		switch b := val.(type) {
		case bool:
			return nil
		case string:
			if _, err := strconv.ParseBool(b); err == nil {
				return nil
			}
		}
		return field.ErrorList{field.Invalid(pathOr(path), val, "must be true or false")}
	case reflect.String:
		switch val.(type) {
		case string, int, int64, float64, uint64, bool:
			return nil
		}
		return field.ErrorList{field.Invalid(pathOr(path), val, "must be a single value, not a list or a map")}
	}
	return nil
}

func asMap(val any) (map[string]any, bool) {
	switch m := val.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out, true
	}
	return nil, false
}

func child(path *field.Path, name string) *field.Path {
	if path == nil {
		return field.NewPath(name)
	}
	return path.Child(name)
}

func pathOr(path *field.Path) *field.Path {
	if path == nil {
		return field.NewPath("profile")
	}
	return path
}
