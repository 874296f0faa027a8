package preview

import (
	"encoding/json"
	"fmt"
)

// UnknownSentinel is how the Pulumi engine writes a value not known until the update in JSON
// (the SDK's plugin.UnknownStringValue; a test holds them equal).
const UnknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Unknown is a property value not known until the update runs.
type Unknown struct{}

// Resource is one resource of a preview or an update: its URN, type token and properties as JSON values
// (maps, slices, strings, float64, bool, nil), with Unknown where a value is not yet known. A secret is
// its plaintext, which never leaves the process: findings name fields, not values.
type Resource struct {
	URN        string
	Type       string
	Properties map[string]any
}

// previewJSON is what ReadPreview reads of `pulumi preview --json`: each step's resource as it would be.
type previewJSON struct {
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
// unchanged resource ("same", listed with --show-sames) as the state has it. The preview writes a value
// not known until the update as the engine's unknown sentinel, read back as Unknown; a secret it writes
// as "[secret]", which is judged as that string.
func ReadPreview(data []byte) ([]Resource, error) {
	var p previewJSON
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
		m, _ := withUnknowns(props).(map[string]any)
		out = append(out, Resource{URN: state.URN, Type: state.Type, Properties: m})
	}
	return out, nil
}

// withUnknowns is v with the engine's unknown sentinel strings made Unknown.
func withUnknowns(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = withUnknowns(e)
		}
	case []any:
		for i, e := range v {
			v[i] = withUnknowns(e)
		}
	case string:
		if v == UnknownSentinel {
			return Unknown{}
		}
	}
	return v
}
