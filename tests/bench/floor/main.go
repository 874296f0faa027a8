package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/tests/bench/floorfile"
)

type object struct{ pulumi.CustomResourceState }

type component struct{ pulumi.ResourceState }

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		content, err := os.ReadFile(os.Getenv(floorfile.ObjectsEnv))
		if err != nil {
			return fmt.Errorf("%s: %w", floorfile.ObjectsEnv, err)
		}
		var floor floorfile.Floor
		if err := json.Unmarshal(content, &floor); err != nil {
			return fmt.Errorf("%s: %w", floorfile.ObjectsEnv, err)
		}
		args := &kubernetes.ProviderArgs{}
		if floor.Provider.RenderYamlToDirectory != "" {
			args.RenderYamlToDirectory = pulumi.String(floor.Provider.RenderYamlToDirectory)
		}
		if floor.Provider.Kubeconfig != "" {
			args.Kubeconfig = pulumi.ToSecret(pulumi.String(floor.Provider.Kubeconfig)).(pulumi.StringOutput)
		}
		provider, err := kubernetes.NewProvider(ctx, floor.Provider.Name, args)
		if err != nil {
			return err
		}
		registered := map[string]pulumi.Resource{}
		outputs := 0 // fields of typed arguments given as outputs (see typedArgs)
		for _, o := range floor.Objects {
			opts := []pulumi.ResourceOption{}
			if parent, ok := registered[o.Parent]; ok {
				opts = append(opts, pulumi.Parent(parent))
			}
			var dependsOn []pulumi.Resource
			for _, urn := range o.DependsOn {
				if r, ok := registered[urn]; ok {
					dependsOn = append(dependsOn, r)
				}
			}
			if len(dependsOn) > 0 {
				opts = append(opts, pulumi.DependsOn(dependsOn))
			}
			if o.AliasNoParent {
				opts = append(opts, pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
			}
			if o.Component {
				var c component
				if err := ctx.RegisterComponentResource(o.Type, o.Name, &c, opts...); err != nil {
					return fmt.Errorf("%s %s: %w", o.Type, o.Name, err)
				}
				registered[o.URN] = &c
				continue
			}
			opts = append(opts, pulumi.Provider(provider))
			var res pulumi.Resource
			if floor.Typed {
				var n int
				if res, n, err = registerTyped(ctx, o.Type, o.Name, o.Inputs, opts); err != nil {
					return err
				}
				outputs += n
			} else {
				var untyped object
				if err := ctx.RegisterResource(o.Type, o.Name, toInput(o.Inputs).(pulumi.Map), &untyped, opts...); err != nil {
					return fmt.Errorf("%s %s: %w", o.Type, o.Name, err)
				}
				res = &untyped
			}
			if o.URN != "" {
				registered[o.URN] = res
			}
		}
		ctx.Export("objects", pulumi.Int(len(floor.Objects)))
		if floor.Typed {
			if err := ctx.Log.Info(fmt.Sprintf("%s%d", floorfile.FieldsAsOutputsLog, outputs), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// toInput turns a decoded JSON value into the Pulumi input of the same shape.
func toInput(v any) pulumi.Input {
	switch v := v.(type) {
	case map[string]any:
		m := make(pulumi.Map, len(v))
		for k, e := range v {
			m[k] = toInput(e)
		}
		return m
	case []any:
		a := make(pulumi.Array, len(v))
		for i, e := range v {
			a[i] = toInput(e)
		}
		return a
	case string:
		return pulumi.String(v)
	case float64:
		return pulumi.Float64(v)
	case bool:
		return pulumi.Bool(v)
	default:
		return pulumi.Any(v)
	}
}
