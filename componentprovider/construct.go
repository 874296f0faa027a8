package componentprovider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/kubeharden/kubeharden/components/descriptor"
	"github.com/kubeharden/kubeharden/config"
)

// Construct builds the component typ names, as a program in another language asked for it through the
// engine, by its descriptor: its plain inputs (sections of the profile) make a profile document, which is
// decoded, defaulted and validated once (config.Load), then the Go component is made with the resolved
// profile and its string inputs. An input that must be plain (the profile decides which resources exist)
// and is not known yet, and any invalid input, is an error naming the field, before anything is
// registered.
func Construct(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, options pulumi.ResourceOption) (*provider.ConstructResult, error) {
	in, err := inputs.Map()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(Components, func(c descriptor.Component) bool { return c.Token == typ })
	if i < 0 {
		return nil, fmt.Errorf("%s: unknown component type %q", Name, typ)
	}
	c := Components[i]
	plain, strs := map[string]any{}, map[string]pulumi.StringInput{}
	for _, input := range c.Inputs {
		if input.Type == descriptor.String {
			strs[input.Name] = stringInput(in[input.Name])
			continue
		}
		v, ok := awaitPlain(ctx, in[input.Name])
		if !ok {
			return nil, fmt.Errorf("%s: input %q is not known yet; it decides which resources exist, so it must be a plain value", Name, input.Name)
		}
		if v == nil {
			if !input.Required {
				continue
			}
			v = map[string]any{}
		}
		if _, isMap := v.(map[string]any); !isMap {
			return nil, fmt.Errorf("%s: input %q: want an object, have %T", Name, input.Name, v)
		}
		plain[input.Name] = v
	}
	profile, err := config.Load(config.Sources{Stack: c.Profile(plain), Environ: []string{}})
	if err != nil {
		if c.ProfileInput != "" {
			// A lone tenant is read as the profile's only one: its fields are the input's.
			return nil, fmt.Errorf("input %q: %s", c.ProfileInput, strings.ReplaceAll(err.Error(), "tenants[0].", c.ProfileInput+"."))
		}
		return nil, fmt.Errorf("input %q: %s", c.Inputs[0].Name, err)
	}
	res, err := c.New(ctx, name, profile, strs, options)
	if err != nil {
		return nil, err
	}
	return provider.NewConstructResult(res)
}

// awaitPlain waits for an input's value (a construct input arrives as an output, resolved when the
// program gave a value): JSON-like values, and false when it is not known yet.
func awaitPlain(ctx *pulumi.Context, in pulumi.Input) (any, bool) {
	if in == nil {
		return nil, true
	}
	out, ok := in.(pulumi.Output)
	if !ok {
		return in, true
	}
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), out)
	if err != nil || !r.Known {
		return nil, false
	}
	// Through JSON: nested outputs and typed maps become plain maps, lists and scalars.
	data, err := json.Marshal(r.Value)
	if err != nil {
		return nil, false
	}
	var plain any
	if err := json.Unmarshal(data, &plain); err != nil {
		return nil, false
	}
	return plain, true
}

// stringInput is a string input kept as an output, so that a secret stays one.
func stringInput(in pulumi.Input) pulumi.StringInput {
	if in == nil {
		return nil
	}
	return pulumi.ToOutput(in).ApplyT(func(v any) (string, error) {
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("want a string, have %T", v)
		}
		return s, nil
	}).(pulumi.StringOutput)
}
