package config

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"
)

// Decode decodes a profile document (JSON-like values) strictly into a Profile, through the strict JSON
// decoder Kubernetes uses (sigs.k8s.io/json): every unknown or duplicate key is an error with its path,
// and so is a value of the wrong type. A number where text belongs is read as its text (`limitsCPU: 4`),
// and text that spells a number or a boolean where one belongs is read as that value, as YAML and
// `pulumi config set --path` write them. It neither defaults nor validates.
func Decode(doc map[string]any) (*Profile, field.ErrorList) {
	if doc == nil {
		doc = map[string]any{}
	}
	for {
		data, err := json.Marshal(doc)
		if err != nil {
			return nil, field.ErrorList{field.Invalid(field.NewPath("profile"), "", err.Error())}
		}
		p := &Profile{}
		strict, err := kjson.UnmarshalStrict(data, p)
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && coerce(doc, typeErr) {
			continue // the value is read as its text, or its text as the value: decode again
		}
		var errs field.ErrorList
		for _, e := range strict {
			errs = append(errs, strictError(e, reflect.TypeOf(Profile{})))
		}
		switch {
		case typeErr != nil: // the decoder stops at the first value of the wrong type
			errs = append(errs, wrongType(doc, typeErr))
		case err != nil:
			errs = append(errs, field.Invalid(field.NewPath("profile"), "", err.Error()))
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return p, nil
	}
}

// DecodeStrict decodes JSON into v (a pointer to a struct) as Decode does a profile: an unknown key is
// refused with its path and the keys allowed there, a duplicate key with its path. It is for the other
// versioned files kubeharden reads, such as a fleet file; a value of the wrong type is reported with
// the decoder's own message.
func DecodeStrict(data []byte, v any) field.ErrorList {
	strict, err := kjson.UnmarshalStrict(data, v)
	var errs field.ErrorList
	for _, e := range strict {
		errs = append(errs, strictError(e, reflect.TypeOf(v).Elem()))
	}
	if err != nil {
		errs = append(errs, field.Invalid(field.NewPath(strings.ToLower(reflect.TypeOf(v).Elem().Name())), "", err.Error()))
	}
	return errs
}

// strictError turns a strict decoding error into a field error: an unknown key names the keys its place
// allows (and the right spelling, keys being case-sensitive); a duplicate key is a duplicate. The path
// is the decoder's own (kjson.FieldError); only whether the key is unknown or repeated comes from its
// text, which the decoder does not give otherwise.
func strictError(e error, root reflect.Type) *field.Error {
	var fe kjson.FieldError
	if !errors.As(e, &fe) {
		return field.Invalid(field.NewPath("profile"), "", e.Error())
	}
	duplicate := strings.HasPrefix(fe.Error(), "duplicate field")
	at := fe.FieldPath()
	segments := splitPath(at)
	var parent reflect.Type
	if len(segments) > 0 {
		parent = fieldType(root, segments[:len(segments)-1])
	}
	if parent == nil {
		// The key's own text holds a "." or a "[" (no key of a profile does), so its place cannot be told.
		kind := "unknown"
		if duplicate {
			kind = "duplicate"
		}
		return field.Invalid(field.NewPath("profile"), at, kind+" key: a profile's keys are words such as tenants or podSecurity")
	}
	key := segments[len(segments)-1]
	path := fieldPath(segments)
	if duplicate {
		return field.Duplicate(path, key)
	}
	allowed := jsonNames(parent)
	err := field.NotSupported(path, key, allowed)
	for _, a := range allowed {
		if strings.EqualFold(a, key) {
			err.Detail += "; keys are case-sensitive: write " + a
		}
	}
	return err
}

// coerce reads, at the place of a type error, a number as its text where text belongs, and text that
// spells a number or boolean as that value where one belongs. It returns false when it changed nothing.
func coerce(doc map[string]any, e *json.UnmarshalTypeError) bool {
	path, v, set := locate(doc, splitField(e.Field), e.Value)
	if path == nil {
		return false
	}
	switch x := v.(type) {
	case float64:
		if e.Type.Kind() == reflect.String {
			set(strconv.FormatFloat(x, 'f', -1, 64))
			return true
		}
	case string:
		switch e.Type.Kind() {
		case reflect.Int:
			if n, err := strconv.Atoi(x); err == nil {
				set(n)
				return true
			}
		case reflect.Bool:
			if b, err := strconv.ParseBool(x); err == nil {
				set(b)
				return true
			}
		}
	}
	return false
}

// wrongType is the field error of a value that does not fit its field's type, with its full path
// (list indices included) and the value itself.
func wrongType(doc map[string]any, e *json.UnmarshalTypeError) *field.Error {
	path, value, _ := locate(doc, splitField(e.Field), e.Value)
	if path == nil {
		path, value = fieldPath(append([]string{"profile"}, splitField(e.Field)...)), e.Value
	}
	detail := "must be a single value, not a list or a map"
	switch e.Type.Kind() {
	case reflect.Struct, reflect.Map:
		detail = "must be a map"
	case reflect.Slice:
		detail = "must be a list"
	case reflect.Int:
		detail = "must be a whole number"
	case reflect.Bool:
		detail = "must be true or false"
	}
	return field.Invalid(path, value, detail)
}

// locate finds the value a type error is about. The error names the field by its keys but no list
// index or map key, so locate walks doc along the keys through every element of the lists and maps on
// the way, to the first value of the JSON kind the error names (kind: "string", "number", "number 0.5",
// "bool", "array", "object"). It returns the value's full path, the value, and a function that replaces
// it in doc; a nil path when nothing matched.
func locate(doc map[string]any, keys []string, kind string) (*field.Path, any, func(any)) {
	var walk func(v any, keys []string, path *field.Path, set func(any)) (*field.Path, any, func(any))
	walk = func(v any, keys []string, path *field.Path, set func(any)) (*field.Path, any, func(any)) {
		if len(keys) == 0 && strings.HasPrefix(kind, jsonKind(v)) && jsonKind(v) != "" {
			return path, v, set
		}
		switch x := v.(type) {
		case []any:
			for i := range x {
				if p, found, s := walk(x[i], keys, path.Index(i), func(n any) { x[i] = n }); p != nil {
					return p, found, s
				}
			}
		case map[string]any:
			if len(keys) == 0 { // the values of a map of strings
				for _, k := range slices.Sorted(maps.Keys(x)) {
					if p, found, s := walk(x[k], nil, path.Key(k), func(n any) { x[k] = n }); p != nil {
						return p, found, s
					}
				}
				return nil, nil, nil
			}
			child, ok := x[keys[0]]
			if !ok {
				return nil, nil, nil
			}
			next := field.NewPath(keys[0])
			if path != nil {
				next = path.Child(keys[0])
			}
			return walk(child, keys[1:], next, func(n any) { x[keys[0]] = n })
		}
		return nil, nil, nil
	}
	return walk(doc, keys, nil, func(any) {})
}

// jsonKind is the JSON kind of v as json.UnmarshalTypeError spells it.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64, int:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

// splitField splits a type error's field ("tenants.quota.pods") into its keys.
func splitField(f string) []string {
	if f == "" {
		return nil
	}
	return strings.Split(f, ".")
}

// splitPath splits a strict error's path ("tenants[0].quota.cpu") into keys and "[0]" indices.
func splitPath(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			out = append(out, key)
		}
		for rest != "" {
			index, more, _ := strings.Cut(rest, "]")
			out = append(out, "["+index+"]")
			rest = strings.TrimPrefix(more, "[")
		}
	}
	return out
}

// fieldPath is the field.Path of keys and "[0]" indices.
func fieldPath(segments []string) *field.Path {
	var path *field.Path
	for _, s := range segments {
		switch {
		case strings.HasPrefix(s, "["):
			n, _ := strconv.Atoi(strings.Trim(s, "[]"))
			path = path.Index(n)
		case path == nil:
			path = field.NewPath(s)
		default:
			path = path.Child(s)
		}
	}
	return path
}

// fieldType is the Go type at segments (keys and indices) below t, nil when there is none.
func fieldType(t reflect.Type, segments []string) reflect.Type {
	for _, s := range segments {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if strings.HasPrefix(s, "[") {
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Map {
				return nil
			}
			t = t.Elem()
			continue
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := structField(t, s)
		if !ok {
			return nil
		}
		t = f.Type
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// structField is t's field whose JSON name is name.
func structField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonNames are the JSON names of a struct type's fields, in order.
func jsonNames(t reflect.Type) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			names = append(names, jsonName(f))
		}
	}
	return names
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
