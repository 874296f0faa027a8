package config

import "encoding/json"

// DeepCopy is a copy of the profile that shares nothing with it (no slice, map or pointer), so that
// defaulting a copy never writes into the caller's profile. It goes through the profile's JSON form,
// which holds every field.
func (p *Profile) DeepCopy() *Profile {
	if p == nil {
		return nil
	}
	data, err := json.Marshal(p)
	if err != nil {
		panic("config: a profile that does not marshal: " + err.Error()) // only strings, numbers, lists and maps
	}
	out := &Profile{}
	if err := json.Unmarshal(data, out); err != nil {
		panic("config: a profile that does not unmarshal: " + err.Error())
	}
	return out
}
