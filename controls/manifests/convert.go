package manifests

import (
	"k8s.io/apimachinery/pkg/runtime"
)

func runtimeFromUnstructured(u map[string]any, obj runtime.Object) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u, obj)
}
