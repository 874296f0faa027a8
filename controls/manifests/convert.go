package manifests

import (
	"bufio"
	"bytes"

	"k8s.io/apimachinery/pkg/runtime"
)

func runtimeFromUnstructured(u map[string]any, obj runtime.Object) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u, obj)
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(data)) }
