package manifests

import (
	"bytes"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Most of a release bundle's bytes are CustomResourceDefinitions and custom resources, which no control
// inspects. headScan reads only what a document says of itself at its top level, so that such a
// document costs a scan of its lines, not a parse: it is counted as a skipped kind and never decoded.
//
// It answers only where the top level is certain: every line that starts in column 0 is a plain key
// ("name:"), exactly one of them is apiVersion and one kind, each with a plain one-word value that the
// next line does not continue (it starts in column 0), and no
// line opens a quoted scalar or a flow collection that it does not close (the only YAML constructs that
// may continue on a line less indented than themselves, where a line that looks like a top-level key
// could be inside a string). Anything else (a List, anchors, tags, flow style, JSON, a kind any scheme
// knows) goes to the readers that parse the whole document. What headScan skips is not checked for
// YAML errors below its top level: no control reads it.

// headScan returns the kind of a document whose kind no control inspects, and true; false when it is
// not sure, or the kind is one a reader must decode.
func headScan(doc []byte) (schema.GroupVersionKind, bool) {
	var apiVersion, kind []byte
	seenAPIVersion, seenKind, first := 0, 0, true
	valueOpen := false // the last key was apiVersion or kind: an indented line would continue its value
	for rest := doc; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		trimmed := bytes.TrimLeft(line, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' && len(trimmed) == len(line) {
			continue
		}
		if valueOpen && len(trimmed) < len(line) {
			return schema.GroupVersionKind{}, false
		}
		if trimmed[0] == '#' {
			continue
		}
		if opensMultiline(trimmed) {
			return schema.GroupVersionKind{}, false
		}
		indented := len(trimmed) < len(line)
		if indented {
			if first {
				return schema.GroupVersionKind{}, false // an indented top level
			}
			continue
		}
		first = false
		key, value, ok := plainKey(line)
		if !ok {
			return schema.GroupVersionKind{}, false
		}
		valueOpen = false
		switch string(key) {
		case "apiVersion":
			valueOpen = true
			apiVersion, seenAPIVersion = value, seenAPIVersion+1
		case "kind":
			kind, seenKind, valueOpen = value, seenKind+1, true
		case "items":
			return schema.GroupVersionKind{}, false // a List: its items are read one by one
		}
	}
	if seenAPIVersion != 1 || seenKind != 1 || !plainWord(apiVersion) || !plainWord(kind) {
		return schema.GroupVersionKind{}, false
	}
	gv, err := schema.ParseGroupVersion(string(apiVersion))
	if err != nil || gv.Group == KubeadmGroup {
		return schema.GroupVersionKind{}, false
	}
	gvk := gv.WithKind(string(kind))
	if _, class := newTyped(gvk); class != classOther {
		return schema.GroupVersionKind{}, false
	}
	return gvk, true
}

// plainKey splits a column-0 line "key: value # comment" whose key is a plain word; ok is false for
// anything else (a sequence, a quoted or complex key, an anchor, a document marker).
func plainKey(line []byte) (key, value []byte, ok bool) {
	i := 0
	for i < len(line) && (isKeyChar(line[i]) && line[i] != ' ') {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != ':' || !isKeyStart(line[0]) {
		return nil, nil, false
	}
	rest := line[i+1:]
	if len(rest) > 0 && rest[0] != ' ' {
		return nil, nil, false
	}
	return line[:i], trimComment(bytes.TrimSpace(rest)), true
}

// plainWord is true for a one-word plain scalar such as apps/v1 or Widget, which YAML reads as that
// string and nothing else: it starts with a letter (no number, such as 00 or 1e3) and is no YAML 1.1
// word (yes, null, ...).
func plainWord(s []byte) bool {
	if len(s) == 0 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') || yaml11Special(s) {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '/' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// opensMultiline is true when a line (its indentation removed) starts a value with a quote or a flow
// bracket that the line does not close: such a scalar may go on over following lines at any indentation.
// A value starts the line, follows a sequence's "- ", or follows a key's ": ".
func opensMultiline(line []byte) bool {
	for {
		if v, ok := bytes.CutPrefix(line, []byte("- ")); ok {
			line = bytes.TrimLeft(v, " ")
			continue
		}
		break
	}
	if unclosed(line) {
		return true
	}
	if i := bytes.Index(line, []byte(": ")); i >= 0 {
		return unclosed(bytes.TrimLeft(line[i+2:], " "))
	}
	return false
}

// unclosed is true when s starts a quoted scalar or flow collection that does not end on it.
func unclosed(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	switch s[0] {
	case '"':
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return false
			}
		}
		return true
	case '\'':
		for i := 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++ // an escaped quote
					continue
				}
				return false
			}
		}
		return true
	case '[', '{':
		depth := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '[', '{':
				depth++
			case ']', '}':
				depth--
			case '"', '\'':
				if unclosed(s[i:]) {
					return true
				}
				i += closingQuote(s[i:])
			}
		}
		return depth > 0
	}
	return false
}

// closingQuote is the index of the quote that closes the quoted scalar s starts with (s is closed).
func closingQuote(s []byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case s[0] == '"' && s[i] == '\\':
			i++
		case s[i] == s[0] && s[0] == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == s[0]:
			return i
		}
	}
	return len(s) - 1
}
