package fastyaml

import "bytes"

// ScanHead returns the apiVersion and kind a document gives at its top level, and true, only where the
// top level is certain: every line that starts in column 0 is a plain key ("name:"), exactly one of them
// is apiVersion and one kind, each with a plain one-word value that the next line does not continue (it
// starts in column 0), no line opens a quoted scalar or a flow collection that it does not close (the
// only YAML constructs that may continue on a line less indented than themselves, where a line that
// looks like a top-level key could be inside a string), and there is no top-level items (a List). It
// reads lines, never parses: what it answers for is not checked for YAML errors below its top level.
func ScanHead(doc []byte) (apiVersion, kind string, ok bool) {
	var av, k []byte
	seenAPIVersion, seenKind, first := 0, 0, true
	valueOpen := false // the last key was apiVersion or kind: an indented line would continue its value
	var sc scanState
	for rest := doc; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if sc.inside() {
			// A quoted scalar or flow collection going on, or a block scalar's content: not keys. Only a
			// line in column 0 could be mistaken for one; the scan does not guess.
			if len(trimmed) > 0 && indent == 0 {
				return "", "", false
			}
			sc.next(trimmed, indent)
			continue
		}
		if len(trimmed) == 0 || trimmed[0] == '#' && indent == 0 {
			continue
		}
		if valueOpen && indent > 0 {
			return "", "", false
		}
		if trimmed[0] == '#' {
			continue
		}
		sc.start(trimmed, indent)
		if indent > 0 {
			if first {
				return "", "", false // an indented top level
			}
			continue
		}
		first = false
		key, value, ok := plainKey(line)
		if !ok {
			return "", "", false
		}
		valueOpen = false
		switch string(key) {
		case "apiVersion":
			av, seenAPIVersion, valueOpen = value, seenAPIVersion+1, true
		case "kind":
			k, seenKind, valueOpen = value, seenKind+1, true
		case "items":
			return "", "", false // a List: its items are read one by one
		}
	}
	if sc.inside() && !sc.block || seenAPIVersion != 1 || seenKind != 1 || !plainWord(av) || !plainWord(k) {
		return "", "", false
	}
	return string(av), string(k), true
}

// PeekHead returns what the document's first lines in column 0 that look like "apiVersion: " and
// "kind: " say, and true when there are both: a guess, cheaper than ScanHead, for a caller that only
// spares work with it (a wrong guess must send a document to the parsing readers, never past them).
func PeekHead(doc []byte) (apiVersion, kind string, ok bool) {
	var av, k []byte
	for rest := doc; len(rest) > 0 && (av == nil || k == nil); {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimRight(line, " \r")
		if v, ok := bytes.CutPrefix(line, []byte("apiVersion: ")); ok && av == nil {
			av = bytes.TrimLeft(v, " ")
		} else if v, ok := bytes.CutPrefix(line, []byte("kind: ")); ok && k == nil {
			k = bytes.TrimLeft(v, " ")
		}
	}
	if av == nil || k == nil {
		return "", "", false
	}
	return string(av), string(k), true
}

// scanState is what goes on past the end of a line: a quoted scalar (quote), a flow collection (depth,
// with the quote of a scalar inside it), or a block scalar's content (block, more indented than
// blockIndent).
type scanState struct {
	quote       byte
	depth       int
	block       bool
	blockIndent int
}

func (s *scanState) inside() bool { return s.quote != 0 || s.depth > 0 || s.block }

// start reads a line outside any of them: where a value starts (the line's start, after "- ", after
// ": "), a quote or bracket opens, and "|" or ">" opens a block scalar.
func (s *scanState) start(trimmed []byte, indent int) {
	v := trimmed
	for {
		if rest, ok := bytes.CutPrefix(v, []byte("- ")); ok {
			v = bytes.TrimLeft(rest, " ")
			continue
		}
		break
	}
	if len(v) > 0 && (v[0] == '"' || v[0] == '\'' || v[0] == '[' || v[0] == '{') {
		s.scan(v)
		return
	}
	if i := bytes.Index(v, []byte(": ")); i >= 0 {
		v = skipProperties(bytes.TrimLeft(v[i+2:], " "))
	} else if bytes.HasSuffix(v, []byte(":")) {
		return
	}
	switch {
	case len(v) > 0 && (v[0] == '"' || v[0] == '\'' || v[0] == '[' || v[0] == '{'):
		s.scan(v)
	case len(v) > 0 && (v[0] == '|' || v[0] == '>'):
		s.block, s.blockIndent = true, indent
	}
}

// next reads a line inside a quoted scalar, a flow collection or a block scalar.
func (s *scanState) next(trimmed []byte, indent int) {
	if s.block {
		if len(trimmed) > 0 && indent <= s.blockIndent {
			s.block = false
			s.start(trimmed, indent)
		}
		return
	}
	s.scan(trimmed)
}

// scan follows quotes and brackets along v.
func (s *scanState) scan(v []byte) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case s.quote == '"' && c == '\\':
			i++
		case s.quote == '\'' && c == '\'' && i+1 < len(v) && v[i+1] == '\'':
			i++
		case s.quote != 0 && c == s.quote:
			s.quote = 0
		case s.quote != 0:
		case c == '"' || c == '\'':
			s.quote = c
		case c == '[' || c == '{':
			s.depth++
		case c == ']' || c == '}':
			s.depth--
		case c == '#' && s.depth == 0 && (i == 0 || v[i-1] == ' '):
			return // a comment
		}
		if s.quote == 0 && s.depth <= 0 {
			s.depth = 0
			return // the value ended: what follows on the line is no value of ours
		}
	}
}

// skipProperties drops an anchor (&a) and a tag (!t) in front of a value.
func skipProperties(v []byte) []byte {
	for len(v) > 0 && (v[0] == '&' || v[0] == '!') {
		i := bytes.IndexByte(v, ' ')
		if i < 0 {
			return nil
		}
		v = bytes.TrimLeft(v[i:], " ")
	}
	return v
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
