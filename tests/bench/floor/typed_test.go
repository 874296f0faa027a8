package main

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
)

func TestRegisterTypedSendsTheInputsThroughTheKindsConstructor(t *testing.T) {
	objects := []struct {
		typ, name string
		inputs    map[string]any
	}{
		{"kubernetes:rbac.authorization.k8s.io/v1:Role", "viewer", map[string]any{
			"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
			"metadata": map[string]any{"name": "viewer", "namespace": "team-a", "labels": map[string]any{"a": "b"}},
			"rules":    []any{map[string]any{"apiGroups": []any{""}, "resources": []any{"pods"}, "verbs": []any{"get", "list"}}},
		}},
		{"kubernetes:networking.k8s.io/v1:NetworkPolicy", "dns", map[string]any{
			"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
			"metadata": map[string]any{"name": "allow-dns", "namespace": "team-a"},
			"spec": map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Egress"},
				"egress": []any{map[string]any{"ports": []any{map[string]any{"protocol": "UDP", "port": float64(53)}}}}},
		}},
		{"kubernetes:core/v1:ServiceAccountPatch", "default-sa", map[string]any{
			"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": false,
			"metadata": map[string]any{"name": "default", "namespace": "team-a"},
		}},
	}
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		for _, o := range objects {
			_, outputs, err := registerTyped(ctx, o.typ, o.name, o.inputs, nil)
			if err != nil {
				return err
			}
			assert.Zero(t, outputs, "%s: every field is written as the SDK's argument type", o.typ)
		}
		return nil
	})
	require.NoError(t, err)
	for _, o := range objects {
		got := rec.ByType(o.typ)
		require.Len(t, got, 1, o.typ)
		assert.Equal(t, resource.NewPropertyMapFromMap(o.inputs), got[0].Inputs, "%s: the inputs arrive as they were given", o.typ)
	}
	aliases := rec.ByType(objects[0].typ)[0].Aliases
	var types []string
	for _, a := range aliases {
		types = append(types, a.GetSpec().GetType())
	}
	assert.Contains(t, types, "kubernetes:rbac.authorization.k8s.io/v1beta1:Role", "the SDK constructor's type aliases come along")
}

func TestRegisterTypedRefusesAKindNotInItsTable(t *testing.T) {
	_, err := componenttest.Run(func(ctx *pulumi.Context) error {
		_, _, err := registerTyped(ctx, "kubernetes:example.com/v1:Widget", "w", map[string]any{"kind": "Widget"}, nil)
		return err
	})
	require.ErrorContains(t, err, "no pulumi-kubernetes constructor for kubernetes:example.com/v1:Widget")
}

func TestRegisterTypedCountsAFieldItCannotWriteAsAnArgument(t *testing.T) {
	var outputs int
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		var err error
		// No Args type of the DaemonSet's spec is in typedArgs: the spec is given as an output.
		_, outputs, err = registerTyped(ctx, "kubernetes:apps/v1:DaemonSet", "agent", map[string]any{
			"apiVersion": "apps/v1", "kind": "DaemonSet",
			"metadata": map[string]any{"name": "agent"},
			"spec":     map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "agent"}}},
		}, nil)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 1, outputs)
	got := rec.ByType("kubernetes:apps/v1:DaemonSet")
	require.Len(t, got, 1)
	assert.Equal(t, "agent", got[0].Inputs["spec"].ObjectValue()["selector"].ObjectValue()["matchLabels"].ObjectValue()["app"].StringValue())
}
