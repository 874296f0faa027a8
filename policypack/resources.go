package policypack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/kubeharden/kubeharden/controls/preview"
)

// resourceOf is what the pack sees of one resource of a preview or an update (the engine gives a stack
// policy each resource's outputs, which for a resource being created are its checked inputs), as the
// catalog's inputs read it.
func resourceOf(r policyx.AnalyzerResource) preview.Resource {
	m, _ := jsonValue(property.New(r.Properties)).(map[string]any)
	return preview.Resource{URN: r.URN, Type: r.Type, Properties: m}
}

// jsonValue is v as a JSON value: a value not known until the update is preview.Unknown, a secret is its
// plaintext; an asset, archive or resource reference stays as it is, which the inputs refuse to judge.
func jsonValue(v property.Value) any {
	switch {
	case v.IsComputed():
		return preview.Unknown{}
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		out := make([]any, 0, v.AsArray().Len())
		for _, e := range v.AsArray().All {
			out = append(out, jsonValue(e))
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, e := range v.AsMap().All {
			out[k] = jsonValue(e)
		}
		return out
	}
	return v
}
