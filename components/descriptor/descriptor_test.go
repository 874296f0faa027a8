package descriptor

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
)

type widget struct {
	pulumi.ResourceState

	Name  pulumi.StringOutput      `pulumi:"name"`
	Names pulumi.StringArrayOutput `pulumi:"names"`
}

// TestRegisterOutputsHoldsTheComponentToItsFields: outputs that are exactly the struct's pulumi-tagged
// fields are registered; an output the struct does not name, or one it names and the map leaves out,
// fails the component.
func TestRegisterOutputsHoldsTheComponentToItsFields(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outputs func(w *widget) pulumi.Map
		wantErr string
	}{
		{"its fields", func(w *widget) pulumi.Map { return pulumi.Map{"name": w.Name, "names": w.Names} }, ""},
		{"an output no field names", func(w *widget) pulumi.Map {
			return pulumi.Map{"name": w.Name, "names": w.Names, "secretSauce": w.Name}
		}, "registers the outputs [name names secretSauce]; its pulumi-tagged fields, which its schema describes, are [name names]"},
		{"a field left out", func(w *widget) pulumi.Map { return pulumi.Map{"name": w.Name} }, "registers the outputs [name]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := componenttest.Run(func(ctx *pulumi.Context) error {
				w := &widget{}
				if err := ctx.RegisterComponentResource("kubeharden:test:Widget", "w", w); err != nil {
					return err
				}
				w.Name, w.Names = pulumi.String("a").ToStringOutput(), pulumi.ToStringArray([]string{"a"}).ToStringArrayOutput()
				return RegisterOutputs(ctx, w, tc.outputs(w))
			})
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.wantErr)
		})
	}
	assert.Equal(t, []string{"name", "names"}, []string{OutputsOf((*widget)(nil))[0].Name, OutputsOf((*widget)(nil))[1].Name})
}
