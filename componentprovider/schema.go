package componentprovider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/components/controlplanecomponent"
	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Name and Version are the package's, as the schema and the plugin give them.
const (
	Name    = "kubeharden"
	Version = "0.1.0"
)

// typeToken is the schema token of a profile type: kubeharden:index:<Go type name>.
func typeToken(t reflect.Type) string { return Name + ":index:" + t.Name() }

// Components are the components the provider constructs, each by its descriptor (beside its Args), in
// the schema's order: the only list of them.
var Components = []descriptor.Component{
	baseline.Descriptor, tenant.Descriptor, controlplanecomponent.Descriptor, guardrails.Descriptor, rbac.Descriptor, logging.Descriptor,
}

var profileType = reflect.TypeOf(config.Profile{})

// outputSchema is the schema type of an output field's Go type.
func outputSchema(t reflect.Type) (map[string]any, error) {
	strs := map[string]any{"type": "string"}
	switch t {
	case reflect.TypeOf(pulumi.StringOutput{}):
		return map[string]any{"type": "string"}, nil
	case reflect.TypeOf(pulumi.StringArrayOutput{}):
		return map[string]any{"type": "array", "items": strs}, nil
	case reflect.TypeOf(pulumi.StringMapOutput{}):
		return map[string]any{"type": "object", "additionalProperties": strs}, nil
	case reflect.TypeOf(pulumi.MapArrayOutput{}):
		return map[string]any{"type": "array", "items": map[string]any{"type": "object", "additionalProperties": strs}}, nil
	}
	return nil, fmt.Errorf("no schema type for an output of type %s", t)
}

// resourceSchema is a component's schema: its inputs and outputs, from its descriptor.
func resourceSchema(c descriptor.Component) (map[string]any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	inputs, outputs := map[string]any{}, map[string]any{}
	var required, outputNames []string
	for _, in := range c.Inputs {
		p := map[string]any{"description": in.Description}
		if in.Type == descriptor.String {
			p["type"] = "string"
		} else {
			p["$ref"] = "#/types/" + typeToken(in.Type)
		}
		if in.Secret {
			p["secret"] = true
		}
		inputs[in.Name] = p
		if in.Required {
			required = append(required, in.Name)
		}
	}
	for _, o := range descriptor.OutputsOf(c.Resource) {
		p, err := outputSchema(o.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", c.Token, o.Name, err)
		}
		p["description"] = c.Outputs[o.Name]
		if slices.Contains(c.SecretOutputs, o.Name) {
			p["secret"] = true
		}
		outputs[o.Name] = p
		outputNames = append(outputNames, o.Name)
	}
	sort.Strings(outputNames)
	return map[string]any{
		"isComponent": true, "description": c.Description,
		"inputProperties": inputs, "requiredInputs": required,
		"properties": outputs, "required": outputNames,
	}, nil
}

// Schema is the package schema of the component provider: the components, their inputs and outputs, and
// the profile's types, generated from the config package's Go types (configDir is its source folder,
// whose doc comments become the descriptions), so that a field is defined in one place.
func Schema(configDir string) ([]byte, error) {
	docs, err := readDocs(configDir)
	if err != nil {
		return nil, err
	}
	types := map[string]any{}
	var addType func(t reflect.Type) (map[string]any, error)
	property := func(t reflect.Type, description string) (map[string]any, error) {
		p := map[string]any{}
		if description != "" {
			p["description"] = description
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.String:
			p["type"] = "string"
		case reflect.Bool:
			p["type"] = "boolean"
		case reflect.Int, reflect.Int32, reflect.Int64:
			p["type"] = "integer"
		case reflect.Slice:
			items, err := addType(t.Elem())
			if err != nil {
				return nil, err
			}
			p["type"], p["items"] = "array", items
		case reflect.Map:
			if t.Key().Kind() != reflect.String {
				return nil, fmt.Errorf("%s: a map's keys must be strings", t)
			}
			values, err := addType(t.Elem())
			if err != nil {
				return nil, err
			}
			p["type"], p["additionalProperties"] = "object", values
		case reflect.Struct:
			if _, err := addType(t); err != nil {
				return nil, err
			}
			p["$ref"] = "#/types/" + typeToken(t)
		default:
			return nil, fmt.Errorf("%s: no schema type for %s", t, t.Kind())
		}
		return p, nil
	}
	addType = func(t reflect.Type) (map[string]any, error) {
		if t.Kind() != reflect.Struct {
			return property(t, "")
		}
		token := typeToken(t)
		if _, done := types[token]; done {
			return map[string]any{"$ref": "#/types/" + token}, nil
		}
		if t.PkgPath() != profileType.PkgPath() {
			return nil, fmt.Errorf("%s: only the config package's types go into the schema", t)
		}
		props := map[string]any{}
		types[token] = map[string]any{"type": "object", "description": docs[t.Name()], "properties": props}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			p, err := property(f.Type, docs[t.Name()+"."+f.Name])
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
			}
			props[name] = p
		}
		return map[string]any{"$ref": "#/types/" + token}, nil
	}
	for _, t := range []reflect.Type{profileType} {
		if _, err := addType(t); err != nil {
			return nil, err
		}
	}

	resources := map[string]any{}
	for _, c := range Components {
		r, err := resourceSchema(c)
		if err != nil {
			return nil, err
		}
		resources[c.Token] = r
	}
	schema := map[string]any{
		"name": Name, "version": Version, "displayName": "kubeharden",
		"description": "Reusable Pulumi components that make a new Kubernetes cluster start hardened to the NSA/CISA Kubernetes Hardening Guide v1.2 and the CIS Kubernetes Benchmark.",
		"keywords":    []string{"kubernetes", "security", "hardening", "category/cloud", "kind/component"},
		"license":     "Apache-2.0",
		"resources":   resources,
		"types":       types,
		"language": map[string]any{
			"nodejs": map[string]any{"packageName": "@kubeharden/kubeharden", "respectSchemaVersion": true, "dependencies": map[string]string{"@pulumi/pulumi": "^3.0.0"}},
			"python": map[string]any{"packageName": "pulumi_kubeharden", "respectSchemaVersion": true, "requires": map[string]string{"pulumi": ">=3.0.0,<4.0.0"}},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(schema); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readDocs reads the doc comments of the config package's types ("Profile") and their fields
// ("Profile.Tenants"), each as one line of text.
func readDocs(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_types.go"))
	if err != nil {
		return nil, err
	}
	files = append(files, filepath.Join(dir, "types.go"))
	docs := map[string]string{}
	fset := token.NewFileSet()
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("reading the config package's docs: %w", err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				doc := ts.Doc
				if doc == nil {
					doc = g.Doc
				}
				docs[ts.Name.Name] = oneLine(doc)
				for _, field := range st.Fields.List {
					for _, n := range field.Names {
						docs[ts.Name.Name+"."+n.Name] = oneLine(field.Doc)
					}
				}
			}
		}
	}
	return docs, nil
}

func oneLine(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.Join(strings.Fields(g.Text()), " ")
}
