package child

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Options are the options of a component's children: parented to the component (so they inherit its
// providers) and aliased to the component's own parent, or to no parent, where they were registered
// before the component existed. A stack made by an earlier kubeharden then keeps these objects: the
// engine finds them under their old URNs instead of creating them anew and deleting the old ones.
func Options(component pulumi.Resource, opts ...pulumi.ResourceOption) ([]pulumi.ResourceOption, error) {
	o, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, err
	}
	before := pulumi.Alias{NoParent: pulumi.Bool(true)}
	if o.Parent != nil {
		before = pulumi.Alias{Parent: o.Parent}
	}
	return []pulumi.ResourceOption{pulumi.Parent(component), pulumi.Aliases([]pulumi.Alias{before})}, nil
}
