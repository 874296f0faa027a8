package componentprovider

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/kubeharden/kubeharden/components/baseline"
	"github.com/kubeharden/kubeharden/components/controlplanecomponent"
	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/components/logging"
	"github.com/kubeharden/kubeharden/components/rbac"
	"github.com/kubeharden/kubeharden/components/tenant"
	"github.com/kubeharden/kubeharden/config"
)

// Construct builds the component typ names, as a program in another language asked for it through the
// engine: its typed inputs are decoded, defaulted and validated as the profile is everywhere
// (config.Load), then the Go component is made with them. An input that must be plain (the profile
// decides which resources exist) and is not known yet, and any invalid input, is an error naming the
// field, before anything is registered.
func Construct(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, options pulumi.ResourceOption) (*provider.ConstructResult, error) {
	in, err := inputs.Map()
	if err != nil {
		return nil, err
	}
	switch typ {
	case baseline.BaselineType:
		profile, err := profileInput(ctx, in, "profile", func(v any) map[string]any { return asMap(v) })
		if err != nil {
			return nil, err
		}
		b, err := baseline.NewBaseline(ctx, name, &baseline.BaselineArgs{Profile: profile}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(b)
	case tenant.NamespaceType:
		// The tenant, with the profile-wide settings it inherits, read as a profile of one tenant.
		profile, err := profileInput(ctx, in, "tenant", func(v any) map[string]any {
			p := map[string]any{"tenants": []any{v}}
			for _, key := range []string{"podSecurity", "dns"} {
				if x, ok := awaitPlain(ctx, in[key]); ok && x != nil {
					p[key] = x
				}
			}
			return p
		})
		if err != nil {
			return nil, err
		}
		ns, err := tenant.NewNamespace(ctx, name, &tenant.NamespaceArgs{Profile: profile, Tenant: profile.Tenants[0].Name}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(ns)
	case controlplanecomponent.ControlPlaneType:
		profile, err := profileInput(ctx, in, "profile", func(v any) map[string]any { return asMap(v) })
		if err != nil {
			return nil, err
		}
		cp, err := controlplanecomponent.NewControlPlane(ctx, name, &controlplanecomponent.ControlPlaneArgs{
			Profile: profile, PKI: stringInput(in["pki"]), EncryptionKeys: stringInput(in["encryptionKeys"]),
		}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(cp)
	case guardrails.GuardrailsType:
		profile, err := profileInput(ctx, in, "guardrails", func(v any) map[string]any { return map[string]any{"guardrails": v} })
		if err != nil {
			return nil, err
		}
		g, err := guardrails.NewGuardrails(ctx, name, &guardrails.GuardrailsArgs{Profile: profile}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(g)
	case rbac.ClusterRBACType:
		profile, err := profileInput(ctx, in, "rbac", func(v any) map[string]any { return map[string]any{"rbac": v} })
		if err != nil {
			return nil, err
		}
		r, err := rbac.NewClusterRBAC(ctx, name, &rbac.ClusterRBACArgs{Profile: profile}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(r)
	case logging.LogAgentType:
		profile, err := profileInput(ctx, in, "logging", func(v any) map[string]any {
			l := asMap(v)
			if l != nil {
				l["enabled"] = true
			}
			return map[string]any{"logging": l}
		})
		if err != nil {
			return nil, err
		}
		agent, err := logging.NewLogAgent(ctx, name, &logging.LogAgentArgs{Profile: profile}, options)
		if err != nil {
			return nil, err
		}
		return provider.NewConstructResult(agent)
	}
	return nil, fmt.Errorf("%s: unknown component type %q", Name, typ)
}

// profileInput reads the plain input key, makes the profile object of it (as kubeharden:profile would
// hold it) and loads it: decoded, defaulted and validated once, with every problem's field path.
func profileInput(ctx *pulumi.Context, in pulumi.Map, key string, profile func(v any) map[string]any) (config.Resolved, error) {
	v, ok := awaitPlain(ctx, in[key])
	if !ok {
		return config.Resolved{}, fmt.Errorf("%s: input %q is not known yet; it decides which resources exist, so it must be a plain value", Name, key)
	}
	if v == nil {
		v = map[string]any{}
	}
	if _, isMap := v.(map[string]any); !isMap {
		return config.Resolved{}, fmt.Errorf("%s: input %q: want an object, have %T", Name, key, v)
	}
	p, err := config.Load(config.Sources{Stack: profile(v), Environ: []string{}})
	if err != nil {
		// A lone tenant is read as the profile's only one: its fields are the input's.
		return config.Resolved{}, fmt.Errorf("input %q: %s", key, strings.ReplaceAll(err.Error(), "tenants[0].", key+"."))
	}
	return p, nil
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

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
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
