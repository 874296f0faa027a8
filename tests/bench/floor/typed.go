package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// constructors are the pulumi-kubernetes SDK's constructors of the kinds kubeharden makes, by type token:
// what a plain program calls, with the options each adds (the kind's type aliases, the plugin version)
// and the typed resource it returns, whose outputs the SDK resolves.
var constructors = map[string]any{
	"kubernetes:core/v1:Namespace":                                                corev1.NewNamespace,
	"kubernetes:core/v1:ResourceQuota":                                            corev1.NewResourceQuota,
	"kubernetes:core/v1:LimitRange":                                               corev1.NewLimitRange,
	"kubernetes:core/v1:ServiceAccount":                                           corev1.NewServiceAccount,
	"kubernetes:core/v1:ServiceAccountPatch":                                      corev1.NewServiceAccountPatch,
	"kubernetes:core/v1:ConfigMap":                                                corev1.NewConfigMap,
	"kubernetes:core/v1:Secret":                                                   corev1.NewSecret,
	"kubernetes:core/v1:Service":                                                  corev1.NewService,
	"kubernetes:apps/v1:DaemonSet":                                                appsv1.NewDaemonSet,
	"kubernetes:apps/v1:Deployment":                                               appsv1.NewDeployment,
	"kubernetes:networking.k8s.io/v1:NetworkPolicy":                               networkingv1.NewNetworkPolicy,
	"kubernetes:rbac.authorization.k8s.io/v1:Role":                                rbacv1.NewRole,
	"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding":                         rbacv1.NewRoleBinding,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole":                         rbacv1.NewClusterRole,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding":                  rbacv1.NewClusterRoleBinding,
	"kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy":        admissionv1.NewValidatingAdmissionPolicy,
	"kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding": admissionv1.NewValidatingAdmissionPolicyBinding,
	"kubernetes:admissionregistration.k8s.io/v1:MutatingAdmissionPolicy":          admissionv1.NewMutatingAdmissionPolicy,
	"kubernetes:admissionregistration.k8s.io/v1:MutatingAdmissionPolicyBinding":   admissionv1.NewMutatingAdmissionPolicyBinding,
	"kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration":   admissionv1.NewValidatingWebhookConfiguration,
	"kubernetes:policy/v1:PodDisruptionBudget":                                    policyv1.NewPodDisruptionBudget,
	"kubernetes:scheduling.k8s.io/v1:PriorityClass":                               schedulingv1.NewPriorityClass,
}

// typedArgs are the SDK's argument types a plain program writes inside a kind's own: each struct's Args
// (corev1.LimitRangeItemArgs for a corev1.LimitRangeItem) and each list's Array, found by the plain type
// they stand for. A field whose type is not here is given as a resolved output instead (see outputOf),
// which a plain program would not write; registerTyped counts those fields, so that the benchmark can say
// how much of the floor is not written as a plain program would write it.
var typedArgs = argsByPlainType(
	metav1.ObjectMetaArgs{}, metav1.ObjectMetaPatchArgs{}, metav1.LabelSelectorArgs{},
	metav1.LabelSelectorRequirementArgs{}, metav1.LabelSelectorRequirementArray{},
	networkingv1.NetworkPolicySpecArgs{}, networkingv1.NetworkPolicyEgressRuleArgs{}, networkingv1.NetworkPolicyEgressRuleArray{},
	networkingv1.NetworkPolicyIngressRuleArgs{}, networkingv1.NetworkPolicyIngressRuleArray{},
	networkingv1.NetworkPolicyPeerArgs{}, networkingv1.NetworkPolicyPeerArray{},
	networkingv1.NetworkPolicyPortArgs{}, networkingv1.NetworkPolicyPortArray{}, networkingv1.IPBlockArgs{},
	corev1.ResourceQuotaSpecArgs{}, corev1.LimitRangeSpecArgs{}, corev1.LimitRangeItemArgs{}, corev1.LimitRangeItemArray{},
	rbacv1.PolicyRuleArgs{}, rbacv1.PolicyRuleArray{}, rbacv1.RoleRefArgs{}, rbacv1.SubjectArgs{}, rbacv1.SubjectArray{},
	rbacv1.AggregationRuleArgs{},
)

// argsByPlainType keys each Args type by "<package>.<Name>" and each Array type by "<package>.<Name>[]",
// Name being the plain type's: the SDK names them NameArgs and NameArray beside Name.
func argsByPlainType(types ...any) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, v := range types {
		t := reflect.TypeOf(v)
		switch name := t.Name(); {
		case strings.HasSuffix(name, "Args"):
			out[t.PkgPath()+"."+strings.TrimSuffix(name, "Args")] = t
		case strings.HasSuffix(name, "Array"):
			out[t.PkgPath()+"."+strings.TrimSuffix(name, "Array")+"[]"] = t
		default:
			panic("not an Args or Array type: " + t.String())
		}
	}
	return out
}

// registerTyped registers one object as a plain program does: through its kind's constructor, with
// typed arguments built from the inputs. The inputs are decoded from JSON into the kind's plain arguments
// (the Args type's element type, whose fields carry the property names), then each set field becomes the
// SDK's argument of the same name: pulumi.String, pulumi.StringMap, &metav1.ObjectMetaArgs{...} and so
// on. It returns the resource and how many fields it had to give as outputs (see typedArgs).
func registerTyped(ctx *pulumi.Context, typ, name string, inputs map[string]any, opts []pulumi.ResourceOption) (pulumi.Resource, int, error) {
	constructor, ok := constructors[typ]
	if !ok {
		return nil, 0, fmt.Errorf("no pulumi-kubernetes constructor for %s in the floor's table: add it", typ)
	}
	fn := reflect.ValueOf(constructor)
	argsType := fn.Type().In(2).Elem() // func(*pulumi.Context, string, *XArgs, ...pulumi.ResourceOption) (*X, error)
	plainType := reflect.New(argsType).Interface().(pulumi.Input).ElementType()

	content, err := json.Marshal(inputs)
	if err != nil {
		return nil, 0, err
	}
	plain := reflect.New(plainType)
	if err := json.Unmarshal(content, plain.Interface()); err != nil {
		return nil, 0, fmt.Errorf("%s %s: decoding its inputs into %s: %w", typ, name, plainType, err)
	}
	args := reflect.New(argsType)
	var c converter
	if err := c.fields(plain.Elem(), inputs, args.Elem()); err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", typ, name, err)
	}

	in := []reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(name), args}
	for _, o := range opts {
		in = append(in, reflect.ValueOf(&o).Elem())
	}
	results := fn.Call(in)
	if err, _ := results[1].Interface().(error); err != nil {
		return nil, 0, err
	}
	return results[0].Interface().(pulumi.Resource), c.outputs, nil
}

// converter turns plain values into the SDK's arguments, counting the fields it gave as outputs.
type converter struct{ outputs int }

// fields sets each field of args (an Args struct) that the inputs name, from the plain struct v they were
// decoded into.
func (c *converter) fields(v reflect.Value, inputs map[string]any, args reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ",")
		raw, set := inputs[key]
		if !set {
			continue
		}
		target := args.FieldByName(t.Field(i).Name)
		if !target.IsValid() {
			return fmt.Errorf("%s has no field %s", args.Type(), t.Field(i).Name)
		}
		value := c.value(v.Field(i), raw, target.Type())
		if !value.Type().AssignableTo(target.Type()) {
			return fmt.Errorf("%s.%s: neither an argument nor an output of %s fits %s", args.Type(), t.Field(i).Name,
				v.Field(i).Type(), target.Type())
		}
		target.Set(value)
	}
	return nil
}

// value is v, a plain value decoded from raw, as an argument assignable to dest (an Args field's input
// type) or, where there is none, as an output of v's type (which fields checks fits dest).
func (c *converter) value(v reflect.Value, raw any, dest reflect.Type) reflect.Value {
	var out reflect.Value
	switch t := v.Type(); {
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface:
		if !v.IsNil() {
			return c.value(v.Elem(), raw, dest)
		}
	case t.Kind() == reflect.Struct:
		object, isObject := raw.(map[string]any)
		if a, ok := typedArgs[t.PkgPath()+"."+t.Name()]; ok && isObject {
			args := reflect.New(a)
			if c.fields(v, object, args.Elem()) == nil {
				out = args
			}
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		items, isList := raw.([]any)
		if a, ok := typedArgs[t.Elem().PkgPath()+"."+t.Elem().Name()+"[]"]; ok && isList && len(items) == v.Len() {
			list := reflect.MakeSlice(a, 0, v.Len())
			for i := range v.Len() {
				list = reflect.Append(list, c.value(v.Index(i), items[i], a.Elem()))
			}
			out = list
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list := make(pulumi.StringArray, v.Len())
		for i := range list {
			list[i] = pulumi.String(v.Index(i).String())
		}
		out = reflect.ValueOf(list)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String:
		m := make(pulumi.StringMap, v.Len())
		for _, k := range v.MapKeys() {
			m[k.String()] = pulumi.String(v.MapIndex(k).String())
		}
		out = reflect.ValueOf(m)
	case t.Kind() == reflect.String:
		out = reflect.ValueOf(pulumi.String(v.String()))
	case t.Kind() == reflect.Bool:
		out = reflect.ValueOf(pulumi.Bool(v.Bool()))
	case t.Kind() == reflect.Int:
		out = reflect.ValueOf(pulumi.Int(int(v.Int())))
	case t.Kind() == reflect.Float64 && v.Float() == float64(int(v.Float())):
		out = reflect.ValueOf(pulumi.Int(int(v.Float()))) // an int-or-string port, as a program writes it
	}
	if out.IsValid() && out.Type().AssignableTo(dest) {
		return out
	}
	c.outputs++
	return reflect.ValueOf(outputOf(v))
}

// anyType is the type of an AnyOutput's value.
var anyType = reflect.TypeOf((*any)(nil)).Elem()

// outputOf is v as a resolved output of v's own type (the SDK's output type registered for it, such as
// metav1.ObjectMetaPtrOutput for a *metav1.ObjectMeta), holding v itself. pulumi.ToOutput would copy v
// to look for outputs inside it and make its nil maps and slices empty ones, which the engine would then
// receive as {} and [] where kubeharden sends nothing.
func outputOf(v reflect.Value) pulumi.Output {
	fn := reflect.MakeFunc(reflect.FuncOf([]reflect.Type{anyType}, []reflect.Type{v.Type()}, false),
		func([]reflect.Value) []reflect.Value { return []reflect.Value{v} })
	return pulumi.Any(nil).ApplyT(fn.Interface())
}
