package child

import (
	"strings"
	"testing"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/contract"
)

func TestFieldManagerIsTheStacksAndFitsTheAPIServersLimit(t *testing.T) {
	var short, long string
	_, err := componenttest.Run(func(ctx *pulumi.Context) error { short = FieldManager(ctx); return nil })
	require.NoError(t, err)
	assert.Equal(t, "kubeharden/kubeharden/test", short)

	stack := strings.Repeat("s", 100)
	rec := &componenttest.Recorder{}
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error { long = FieldManager(ctx); return nil },
		pulumi.WithMocks(strings.Repeat("p", 100), stack, rec)))
	assert.Len(t, long, contract.MaxFieldManager)
	assert.True(t, strings.HasPrefix(long, "kubeharden/ppp"), long)

	var other string
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error { other = FieldManager(ctx); return nil },
		pulumi.WithMocks(strings.Repeat("p", 100), stack[:99]+"t", rec)))
	assert.NotEqual(t, long, other, "two long stack names that share the cut prefix still differ")
}

func TestObjectMetaKeepsTheComponentsAnnotationsAndAddsTheFieldManager(t *testing.T) {
	got := map[string]map[string]string{}
	_, err := componenttest.Run(func(ctx *pulumi.Context) error {
		for name, in := range map[string]pulumi.StringMapInput{
			"none":   nil,
			"map":    pulumi.StringMap{"a": pulumi.String("1")},
			"output": pulumi.StringMap{"b": pulumi.String("2")}.ToStringMapOutput(),
			"theirs": pulumi.StringMap{contract.FieldManagerAnnotation: pulumi.String("other")},
		} {
			meta := ObjectMeta(ctx, &metav1.ObjectMetaArgs{Name: pulumi.String(name), Annotations: in})
			ctx.Export(name, meta.ToObjectMetaOutput().Annotations().ApplyT(func(a map[string]string) map[string]string { got[name] = a; return a }))
		}
		return nil
	})
	require.NoError(t, err)
	m := "kubeharden/kubeharden/test"
	assert.Equal(t, map[string]string{contract.FieldManagerAnnotation: m}, got["none"])
	assert.Equal(t, map[string]string{"a": "1", contract.FieldManagerAnnotation: m}, got["map"])
	assert.Equal(t, map[string]string{"b": "2", contract.FieldManagerAnnotation: m}, got["output"])
	assert.Equal(t, map[string]string{contract.FieldManagerAnnotation: m}, got["theirs"], "the stack's manager wins")
}
