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
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/components/controlplanecomponent"
	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
)

// Name and Version are the package's, as the schema and the plugin give them.
const (
	Name    = "kubeharden"
	Version = "0.1.0"
)

// typeToken is the schema token of a profile type: kubeharden:index:<Go type name>.
func typeToken(t reflect.Type) string { return Name + ":index:" + t.Name() }

// component is a component the provider constructs: its type token (the one its Go constructor
// registers), its description, and its inputs and outputs as schema properties.
type component struct {
	token       string
	description string
	inputs      map[string]map[string]any
	required    []string
	outputs     map[string]map[string]any
}

func ref(t reflect.Type) map[string]any { return map[string]any{"$ref": "#/types/" + typeToken(t)} }

func str(description string, secret bool) map[string]any {
	p := map[string]any{"type": "string", "description": description}
	if secret {
		p["secret"] = true
	}
	return p
}

func stringList(description string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": description}
}

var (
	profileType = reflect.TypeOf(config.Profile{})
	fileOutput  = map[string]any{"type": "array", "items": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}
)

// components are the public components, in the schema's order.
func components() []component {
	withDescription := func(p map[string]any, d string) map[string]any {
		out := map[string]any{"description": d}
		for k, v := range p {
			out[k] = v
		}
		return out
	}
	return []component{
		{
			token:       baseline.BaselineType,
			description: "Everything a hardening profile asks for: a hardened namespace per tenant, the cluster-wide RBAC, the admission guardrails and the log agent.",
			inputs:      map[string]map[string]any{"profile": withDescription(ref(profileType), "The hardening profile; every field has a hardened default, so {} is a hardened profile.")},
			required:    []string{"profile"},
			outputs:     map[string]map[string]any{"namespaces": stringList("The tenant namespaces, in profile order.")},
		},
		{
			token:       tenant.NamespaceType,
			description: "A hardened tenant namespace: Pod Security labels, default-deny network policies with DNS egress, a quota, a limit range, RBAC roles and a default ServiceAccount without a token.",
			inputs: map[string]map[string]any{
				"tenant":      withDescription(ref(reflect.TypeOf(config.Tenant{})), "The tenant."),
				"podSecurity": withDescription(ref(reflect.TypeOf(config.PodSecurity{})), "The profile-wide Pod Security levels the tenant inherits where it sets none (default: restricted everywhere)."),
				"dns":         withDescription(ref(reflect.TypeOf(config.DNS{})), "Where the cluster DNS runs (default: kube-system, k8s-app=kube-dns)."),
			},
			required: []string{"tenant"},
			outputs: map[string]map[string]any{
				"namespaceName":      str("The name of the Kubernetes namespace.", false),
				"podSecurityEnforce": str("The Pod Security level enforced in the namespace.", false),
			},
		},
		{
			token:       controlplanecomponent.ControlPlaneType,
			description: "The hardened control-plane file set (encryption at rest, audit policy, admission configuration, PKI, component flags) as outputs; it creates no resources.",
			inputs: map[string]map[string]any{
				"profile":        withDescription(ref(profileType), "The hardening profile."),
				"pki":            str("The JSON of the PKI bundle, as `kubeharden pki init` stores it in kubeharden:pki.", true),
				"encryptionKeys": str("The JSON list of encryption keys, the encrypting key first, as `kubeharden encryption-key init` stores it.", true),
			},
			required: []string{"profile", "pki", "encryptionKeys"},
			outputs: map[string]map[string]any{
				"files":               withDescription(fileOutput, "The public files (certificates, policies): each a map of path, mode (octal) and content."),
				"sensitiveFiles":      withDescription(map[string]any{"type": "array", "items": fileOutput["items"], "secret": true}, "The files that hold a private or encryption key, in the same form."),
				"cloudInit":           str("A #cloud-config document that writes every file with its mode.", true),
				"certificateExpiries": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}, "description": "Each certificate's expiry (RFC 3339), by name."},
				"apiServerFlags":      stringList("kube-apiserver's hardened flags."),
			},
		},
		{
			token:       guardrails.GuardrailsType,
			description: "The admission guardrails beyond Pod Security, in the namespaces that carry kubeharden's tenant label: ValidatingAdmissionPolicies and their bindings (engine native), or Gatekeeper ConstraintTemplates and Constraints.",
			inputs:      map[string]map[string]any{"guardrails": withDescription(ref(reflect.TypeOf(config.Guardrails{})), "The rules' settings (engine, allowed registries, actions); {} refuses everything the rules forbid.")},
			required:    []string{"guardrails"},
			outputs:     map[string]map[string]any{"policyNames": stringList("The names of the admission policies (native) or constraints (gatekeeper).")},
		},
		{
			token:       rbac.ClusterRBACType,
			description: "The cluster-wide RBAC: the cluster reader and auditor roles, their bindings to the subjects named, and the break-glass bindings to cluster-admin, each with its reason.",
			inputs:      map[string]map[string]any{"rbac": withDescription(ref(reflect.TypeOf(config.RBAC{})), "The subjects to bind and the break-glass bindings.")},
			required:    []string{"rbac"},
			outputs: map[string]map[string]any{
				"clusterRoles":       stringList("The names of the cluster roles."),
				"breakGlassBindings": stringList("The names of the break-glass bindings to cluster-admin."),
			},
		},
		{
			token:       logging.LogAgentType,
			description: "The Fluent Bit log agent: a DaemonSet reading the nodes' logs through read-only mounts, in a namespace of its own with only what it needs.",
			inputs:      map[string]map[string]any{"logging": withDescription(ref(reflect.TypeOf(config.Logging{})), "The log agent's settings (outputs, image, namespace).")},
			required:    []string{"logging"},
			outputs:     map[string]map[string]any{"namespace": str("The agent's namespace.", false)},
		},
	}
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
	for _, c := range components() {
		resources[c.token] = map[string]any{
			"isComponent": true, "description": c.description,
			"inputProperties": c.inputs, "requiredInputs": c.required,
			"properties": c.outputs, "required": sortedKeys(c.outputs),
		}
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

func sortedKeys(m map[string]map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
