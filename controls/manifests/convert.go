package manifests

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"k8s.io/apimachinery/pkg/runtime"
)

func runtimeFromUnstructured(u map[string]any, obj runtime.Object) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u, obj)
}

// decodeJSON decodes JSON that blockYAMLToJSON wrote into a typed object. The fast reader has already
// refused duplicate keys and invalid UTF-8, so the decoder need not look again.
func decodeJSON(data []byte, typed any) error {
	return jsonv2.Unmarshal(data, typed, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}
