package config

import "encoding/json"

// DeepCopy is a copy of the profile that shares nothing with it (no slice, map or pointer), so that
// defaulting a copy never writes into the caller's profile.
func (p *Profile) DeepCopy() *Profile { return deepCopy(p) }

// DeepCopy is a copy of the guardrails section that shares nothing with it.
func (g *Guardrails) DeepCopy() *Guardrails { return deepCopy(g) }

// deepCopy goes through the JSON form, which holds every field of the profile's types.
func deepCopy[T any](in *T) *T {
	if in == nil {
		return nil
	}
	data, err := json.Marshal(in)
	if err != nil {
		panic("config: a profile value that does not marshal: " + err.Error()) // only strings, numbers, lists and maps
	}
	out := new(T)
	if err := json.Unmarshal(data, out); err != nil {
		panic("config: a profile value that does not unmarshal: " + err.Error())
	}
	return out
}
