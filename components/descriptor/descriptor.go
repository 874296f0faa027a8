package descriptor

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/config"
)

// Input is one input of a component.
type Input struct {
	// Name is the input's name in the schema and in a program.
	Name        string
	Description string
	// Type is a type of the config package (the input is that section of the profile, a plain value:
	// it decides which resources exist), or String for a string that may come from another resource.
	Type     reflect.Type
	Secret   bool
	Required bool
}

// String is the Type of a string input.
var String = reflect.TypeOf("")

// Component describes a component.
type Component struct {
	// Token is the type token the component registers under ("kubeharden:<module>:<Type>").
	Token       string
	Description string
	Inputs      []Input
	// Resource is the component's resource struct (a nil pointer of its type does): its fields tagged
	// `pulumi:"name"` are its outputs.
	Resource any
	// Outputs describe each output, by its name.
	Outputs map[string]string
	// SecretOutputs are the outputs that are secret.
	SecretOutputs []string
	// ProfileInput is the input whose problems a profile's errors are reported under (the tenant's
	// "tenants[0]." fields become "tenant."); empty when the input is the whole profile.
	ProfileInput string
	// Profile makes the profile document (as kubeharden:profile holds it) of the plain inputs, by name.
	Profile func(plain map[string]any) map[string]any
	// New makes the component of the resolved profile and the other inputs (the strings), by name.
	New func(ctx *pulumi.Context, name string, profile config.Resolved, strings map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error)
}

// Output is one output: its name and the Go type of its field.
type Output struct {
	Name string
	Type reflect.Type
}

// OutputsOf are the `pulumi:"..."` fields of a component's resource struct, in order.
func OutputsOf(resource any) []Output {
	t := reflect.TypeOf(resource)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []Output
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); name != "" {
			out = append(out, Output{Name: name, Type: f.Type})
		}
	}
	return out
}

// Validate checks a descriptor: a token, a description, inputs of a known kind, a constructor, and a
// description for exactly the outputs its resource struct has.
func (c Component) Validate() error {
	switch {
	case !strings.HasPrefix(c.Token, "kubeharden:") || strings.Count(c.Token, ":") != 2:
		return fmt.Errorf("component %q: the token must be kubeharden:<module>:<Type>", c.Token)
	case c.Description == "" || c.Resource == nil || c.New == nil || c.Profile == nil:
		return fmt.Errorf("component %s: needs a description, its resource struct, a profile and a constructor", c.Token)
	}
	for _, in := range c.Inputs {
		if in.Name == "" || in.Description == "" {
			return fmt.Errorf("component %s: an input needs a name and a description", c.Token)
		}
		if in.Type != String && (in.Type == nil || in.Type.Kind() != reflect.Struct || in.Type.PkgPath() != reflect.TypeOf(config.Profile{}).PkgPath()) {
			return fmt.Errorf("component %s: input %s: a type of the config package or a string", c.Token, in.Name)
		}
	}
	var names []string
	for _, o := range OutputsOf(c.Resource) {
		names = append(names, o.Name)
	}
	described := make([]string, 0, len(c.Outputs))
	for n := range c.Outputs {
		described = append(described, n)
	}
	sort.Strings(names)
	sort.Strings(described)
	if !slices.Equal(names, described) {
		return fmt.Errorf("component %s: its outputs are %v, its descriptor describes %v", c.Token, names, described)
	}
	for _, s := range c.SecretOutputs {
		if !slices.Contains(names, s) {
			return fmt.Errorf("component %s: secret output %s is not an output", c.Token, s)
		}
	}
	return nil
}

// RegisterOutputs registers the component's outputs, which must be exactly its resource struct's
// `pulumi:"..."` fields: an output the struct (and so the schema) does not name, or one it names and
// outputs leave out, is an error.
func RegisterOutputs(ctx *pulumi.Context, resource pulumi.ComponentResource, outputs pulumi.Map) error {
	var want, have []string
	for _, o := range OutputsOf(resource) {
		want = append(want, o.Name)
	}
	for n := range outputs {
		have = append(have, n)
	}
	sort.Strings(want)
	sort.Strings(have)
	if !slices.Equal(want, have) {
		return fmt.Errorf("%T registers the outputs %v; its pulumi-tagged fields, which its schema describes, are %v", resource, have, want)
	}
	return ctx.RegisterResourceOutputs(resource, outputs)
}

// WholeProfile is the Profile of a component whose input name is the whole profile.
func WholeProfile(name string) func(plain map[string]any) map[string]any {
	return func(plain map[string]any) map[string]any { m, _ := plain[name].(map[string]any); return m }
}

// Section is the Profile of a component whose input name is the profile's section of the same name.
func Section(name string) func(plain map[string]any) map[string]any {
	return func(plain map[string]any) map[string]any { return map[string]any{name: plain[name]} }
}
