package detections

import (
	"bytes"
	"encoding/json"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// fieldChange is what a write's recorded request body does to one field of its object.
type fieldChange struct {
	// Known is false when the event holds no body that says: none recorded (a policy at Metadata level,
	// a server-side apply's YAML body, which the JSON log drops), or one that is not JSON.
	Known bool
	// Touched is true when the write sets or removes the field; Removed when it removes it.
	Touched, Removed bool
	// Value is the value it sets.
	Value any
}

// changeOf reads from ev's request body what it does to the field at path (JSON names, "metadata",
// "labels", "pod-security.kubernetes.io/enforce"):
//   - an update carries the whole object: a field it leaves out is removed;
//   - a merge, strategic merge or server-side apply patch (a JSON object) changes what it names: null
//     removes, a field left out is left alone;
//   - a JSON patch (a list of operations) changes the paths its operations name, or a parent of them.
func changeOf(ev *auditv1.Event, path ...string) fieldChange {
	if ev.RequestObject == nil || len(ev.RequestObject.Raw) == 0 {
		return fieldChange{}
	}
	raw := bytes.TrimSpace(ev.RequestObject.Raw)
	if len(raw) > 0 && raw[0] == '[' {
		return jsonPatchChange(raw, path)
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return fieldChange{}
	}
	var node any = obj
	for _, key := range path {
		m, ok := node.(map[string]any)
		if !ok { // null or another value in place of a parent object: the field goes with it
			return fieldChange{Known: true, Touched: true, Removed: node == nil}
		}
		child, present := m[key]
		if !present {
			if ev.Verb == "update" {
				return fieldChange{Known: true, Touched: true, Removed: true}
			}
			return fieldChange{Known: true}
		}
		node = child
	}
	return fieldChange{Known: true, Touched: true, Removed: node == nil, Value: node}
}

// jsonPatchChange is what a JSON patch (RFC 6902) does to the field at path. An operation on the field
// or on a parent of it changes it; a move or copy into it sets a value the patch does not hold.
func jsonPatchChange(raw []byte, path []string) fieldChange {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(raw, &ops) != nil {
		return fieldChange{}
	}
	out := fieldChange{Known: true}
	for _, op := range ops {
		opPath := pointerTokens(op.Path)
		if len(opPath) > len(path) || !equalTokens(opPath, path[:len(opPath)]) || op.Op == "test" {
			continue
		}
		rest := path[len(opPath):]
		switch op.Op {
		case "remove":
			out = fieldChange{Known: true, Touched: true, Removed: true}
		case "add", "replace":
			var v any
			if json.Unmarshal(op.Value, &v) != nil {
				return fieldChange{}
			}
			for _, key := range rest {
				m, ok := v.(map[string]any)
				if !ok {
					v = nil
					break
				}
				v = m[key]
			}
			out = fieldChange{Known: true, Touched: true, Removed: v == nil, Value: v}
		default: // move, copy: the value comes from the object, which the log does not hold
			return fieldChange{}
		}
	}
	return out
}

// pointerTokens splits a JSON pointer ("/metadata/labels/a~1b") into its unescaped tokens.
func pointerTokens(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

func equalTokens(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
