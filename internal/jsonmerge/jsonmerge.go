// Package jsonmerge lays one JSON value over another as a JSON merge patch does (RFC 7396, without its
// null-deletes): maps merge key by key at every depth, anything else in the patch replaces what the base
// holds. The profile's sources (file, stack config, environment) and a preview's <Kind>Patch over its
// object are merged by it.
package jsonmerge

// Merge is patch laid over base, as new maps: neither is changed, though values that are not maps are
// shared with them.
func Merge(base, patch any) any {
	b, okB := base.(map[string]any)
	p, okP := patch.(map[string]any)
	if !okB || !okP {
		return patch
	}
	out := make(map[string]any, len(b)+len(p))
	for k, v := range b {
		out[k] = v
	}
	for k, v := range p {
		out[k] = Merge(b[k], v)
	}
	return out
}
