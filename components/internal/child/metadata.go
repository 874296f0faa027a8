package child

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/contract"
)

// FieldManager is the server-side apply field manager of the objects kubeharden makes in the running
// stack (contract.StackFieldManager).
func FieldManager(ctx *pulumi.Context) string {
	return contract.StackFieldManager(ctx.Project(), ctx.Stack())
}

// ObjectMeta is the metadata of an object a component makes: meta as the component wrote it, with the
// field manager annotation added (contract.FieldManagerAnnotation). Every Kubernetes object of every
// component takes its metadata through here or ObjectMetaPatch; a baseline test checks that none is
// without it.
func ObjectMeta(ctx *pulumi.Context, meta *metav1.ObjectMetaArgs) *metav1.ObjectMetaArgs {
	out := *meta
	out.Annotations = withFieldManager(ctx, meta.Annotations)
	return &out
}

// ObjectMetaPatch is ObjectMeta for a patch of an object the cluster made (such as a namespace's default
// ServiceAccount): the patch is applied as the stack's field manager too.
func ObjectMetaPatch(ctx *pulumi.Context, meta *metav1.ObjectMetaPatchArgs) *metav1.ObjectMetaPatchArgs {
	out := *meta
	out.Annotations = withFieldManager(ctx, meta.Annotations)
	return &out
}

// withFieldManager is annotations with the stack's field manager set; the stack's manager wins over one
// already there.
func withFieldManager(ctx *pulumi.Context, annotations pulumi.StringMapInput) pulumi.StringMapInput {
	manager := FieldManager(ctx)
	switch a := annotations.(type) {
	case nil:
		return pulumi.StringMap{contract.FieldManagerAnnotation: pulumi.String(manager)}
	case pulumi.StringMap:
		merged := pulumi.StringMap{}
		for k, v := range a {
			merged[k] = v
		}
		merged[contract.FieldManagerAnnotation] = pulumi.String(manager)
		return merged
	default:
		return a.ToStringMapOutput().ApplyT(func(a map[string]string) map[string]string {
			merged := map[string]string{}
			for k, v := range a {
				merged[k] = v
			}
			merged[contract.FieldManagerAnnotation] = manager
			return merged
		}).(pulumi.StringMapOutput)
	}
}
