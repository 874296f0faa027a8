package policypack

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// preview is what ReadPreview reads of `pulumi preview --json`: each step's resource as it would be.
type preview struct {
	Steps []struct {
		Op       string        `json:"op"`
		NewState *previewState `json:"newState"`
		OldState *previewState `json:"oldState"`
	} `json:"steps"`
}

type previewState struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// ReadPreview reads the output of `pulumi preview --json`: the resources the stack would hold after the
// update, each with its outputs as the preview knows them (its inputs where it gives no outputs); an
// unchanged resource ("same", listed with --show-sames) as the state has it. The
// preview writes a value not known until the update as the engine's unknown sentinel, read back as not
// known; a secret it writes as "[secret]", which is judged as that string.
func ReadPreview(data []byte) ([]Resource, error) {
	var p preview
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("reading `pulumi preview --json` output: %w", err)
	}
	var out []Resource
	for _, s := range p.Steps {
		switch s.Op {
		case "delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace", "read-discard":
			continue // gone after the update
		}
		state := s.NewState
		if state == nil && s.Op == "same" {
			state = s.OldState
		}
		if state == nil {
			continue
		}
		props := state.Outputs
		if len(props) == 0 {
			props = state.Inputs
		}
		out = append(out, Resource{URN: state.URN, Type: state.Type, Properties: JSONValue(props).AsMap()})
	}
	return out, nil
}

// JSONValue is a JSON value (as encoding/json decodes one) as a property value; the engine's unknown
// sentinel string is a value not yet known.
func JSONValue(v any) property.Value {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]property.Value, len(v))
		for k, e := range v {
			m[k] = JSONValue(e)
		}
		return property.New(property.NewMap(m))
	case []any:
		a := make([]property.Value, len(v))
		for i, e := range v {
			a[i] = JSONValue(e)
		}
		return property.New(property.NewArray(a))
	case string:
		if v == plugin.UnknownStringValue {
			return property.New(property.Computed)
		}
		return property.New(v)
	case bool:
		return property.New(v)
	case float64:
		return property.New(v)
	}
	return property.Value{} // null
}
