package fastyaml

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Convert converts one YAML document to JSON, quickly, when it is written in the plain block
// style that Kubernetes manifests almost always use: block mappings and sequences, one-line scalars
// (plain, single- or double-quoted), one-line flow collections, and literal block scalars (|, |-, |+).
//
// It gives up (ok false) on anything whose meaning it is not sure to share with sigs.k8s.io/yaml, the
// YAML 1.1 reader every other path uses: anchors, aliases, tags, directives, folded scalars, multi-line
// plain or quoted scalars, complex keys, duplicate keys, tabs, non-decimal numbers and the YAML 1.1
// words (yes, no, on, off, ...). The caller then uses sigs.k8s.io/yaml. FuzzBlockYAMLToJSON checks that
// whenever it answers, it answers what sigs.k8s.io/yaml does.
//
// It also returns the top-level apiVersion and kind when they are plain strings, and whether the
// document has a top-level "items" (a List, which the caller reads the slow way).
func Convert(doc []byte) (out []byte, head Head, ok bool) {
	var p Parser
	out, head, ok = p.Convert(doc)
	return out, head, ok
}

// Convert is the package's Convert on a parser whose buffers are reused: the JSON it returns is valid
// until the next call.
func (p *Parser) Convert(doc []byte) (out []byte, head Head, ok bool) {
	if !printable(doc) {
		return nil, Head{}, false
	}
	p.lines, p.keys, p.out, p.i, p.virtual = p.lines[:0], p.keys[:0], p.out[:0], 0, -1
	p.finalBreak = bytes.HasSuffix(doc, []byte("\n"))
	for len(doc) > 0 {
		i := bytes.IndexByte(doc, '\n')
		var line []byte
		if i < 0 {
			line, doc = doc, nil
		} else {
			line, doc = doc[:i], doc[i+1:]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			return nil, Head{}, false // a lone carriage return breaks the line for YAML
		}
		p.lines = append(p.lines, line)
	}
	p.skipBlank()
	if p.i >= len(p.lines) {
		return nil, Head{}, false // empty, or comments only: the caller decides
	}
	indent, rest, good := p.line(p.i)
	if !good || isSeqItem(rest) {
		return nil, Head{}, false // a top-level sequence or scalar is not an object
	}
	p.head = &head
	if !p.mapping(indent) {
		return nil, Head{}, false
	}
	p.skipBlank()
	if p.i < len(p.lines) {
		return nil, Head{}, false
	}
	return p.out, head, true
}

// printable is true when doc has only the characters YAML allows in a stream: tab, line breaks and
// printable Unicode, no byte order mark.
func printable(doc []byte) bool {
	for i := 0; i < len(doc); {
		c := doc[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(doc[i:])
		if r == utf8.RuneError || r >= 0x80 && r <= 0x9f && r != 0x85 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size
	}
	return true
}

// Head is what a document says of itself at its top level.
type Head struct {
	APIVersion, Kind string
	HasItems         bool
}

// Parser converts documents one after another with the same buffers; its zero value is ready.
type Parser struct {
	lines [][]byte
	i     int
	out   []byte
	head  *Head // set while the top-level mapping's keys are read
	// keys holds the keys of the mappings being read, for the duplicate check; each mapping owns its tail.
	keys [][]byte
	// virtual is a line read as something else: "- key: value" read again as "  key: value", the first
	// line of the sequence item's mapping; -1 when none.
	virtual       int
	virtualIndent int
	virtualRest   []byte
	// finalBreak is false when the document's last line has no line break, which a literal block
	// scalar ending there does not get either.
	finalBreak bool
}

// line returns the indentation and the rest of line i; false for a tab in the indentation.
func (p *Parser) line(i int) (int, []byte, bool) {
	if i == p.virtual {
		return p.virtualIndent, p.virtualRest, true
	}
	return p.split(p.lines[i])
}

// split returns a line's indentation and the rest; false for a tab in the indentation.
func (p *Parser) split(line []byte) (int, []byte, bool) {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	if n < len(line) && line[n] == '\t' {
		return 0, nil, false
	}
	return n, line[n:], true
}

// skipBlank moves past empty and comment-only lines.
func (p *Parser) skipBlank() {
	for p.i < len(p.lines) {
		_, rest, ok := p.line(p.i)
		if !ok || len(rest) != 0 && rest[0] != '#' {
			return
		}
		p.i++
	}
}

// peek returns the indentation and rest of the next content line; false at the end or on a tab.
func (p *Parser) peek() (int, []byte, bool) {
	p.skipBlank()
	if p.i >= len(p.lines) {
		return -1, nil, false
	}
	return p.line(p.i)
}

func isSeqItem(rest []byte) bool {
	return len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')
}

// node reads the block node whose first line is the next content line, at indentation indent.
func (p *Parser) node(indent int) bool {
	_, rest, ok := p.peek()
	if !ok {
		return false
	}
	if isSeqItem(rest) {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

// mapping reads a block mapping whose keys sit at indentation indent.
func (p *Parser) mapping(indent int) bool {
	head := p.head
	p.head = nil
	p.out = append(p.out, '{')
	keysFrom := len(p.keys)
	defer func() { p.keys = p.keys[:keysFrom] }()
	for first := true; ; first = false {
		ind, rest, ok := p.peek()
		if !ok {
			if p.i < len(p.lines) {
				return false // a tab
			}
			break
		}
		if ind < indent {
			break
		}
		if ind > indent || isSeqItem(rest) {
			return false
		}
		key, after, ok := parseKey(rest)
		if !ok {
			return false
		}
		for _, k := range p.keys[keysFrom:] {
			if bytes.Equal(k, key) {
				return false // a duplicate key: leave it to the full reader
			}
		}
		p.keys = append(p.keys, key)
		if !first {
			p.out = append(p.out, ',')
		}
		p.out = appendJSONString(p.out, key)
		p.out = append(p.out, ':')
		p.i++
		start := len(p.out)
		if !p.value(indent, after, true) {
			return false
		}
		if head != nil {
			v := p.out[start:]
			switch string(key) {
			case "apiVersion", "kind":
				if v[0] != '"' || bytes.IndexByte(v, '\\') >= 0 {
					return false
				}
				s := string(v[1 : len(v)-1])
				if key[0] == 'a' {
					head.APIVersion = s
				} else {
					head.Kind = s
				}
			case "items":
				head.HasItems = true
			}
		}
	}
	p.out = append(p.out, '}')
	return true
}

// sequence reads a block sequence whose dashes sit at indentation indent.
func (p *Parser) sequence(indent int) bool {
	p.out = append(p.out, '[')
	for first := true; ; first = false {
		ind, rest, ok := p.peek()
		if !ok {
			if p.i < len(p.lines) {
				return false
			}
			break
		}
		if ind < indent || (ind == indent && !isSeqItem(rest)) {
			break
		}
		if ind > indent {
			return false
		}
		if !first {
			p.out = append(p.out, ',')
		}
		pad := 1
		for pad < len(rest) && rest[pad] == ' ' {
			pad++
		}
		item := rest[pad:]
		if _, _, isKey := parseKey(item); isKey {
			// "- key: value": a mapping whose keys sit where this key starts. The line is read again as
			// that mapping's first line, as if the dash were a space.
			p.virtual, p.virtualIndent, p.virtualRest = p.i, indent+pad, item
			if !p.mapping(indent + pad) {
				return false
			}
			continue
		}
		p.i++
		if !p.value(indent, item, false) {
			return false
		}
	}
	p.out = append(p.out, ']')
	return true
}

// value reads what follows "key:" or "- " on a line: a scalar or flow collection on the line, a block
// scalar, or else (nothing on the line) a block node on the following lines, more indented than indent
// (or, after a key, a sequence at the key's own indentation).
func (p *Parser) value(indent int, rest []byte, afterKey bool) bool {
	rest = trimComment(bytes.TrimLeft(rest, " "))
	if len(rest) == 0 {
		ind, next, ok := p.peek()
		switch {
		case ok && ind > indent:
			return p.node(ind)
		case ok && afterKey && ind == indent && isSeqItem(next):
			return p.sequence(ind)
		case !ok && p.i < len(p.lines):
			return false // a tab
		}
		p.out = append(p.out, "null"...)
		return true
	}
	switch rest[0] {
	case '|':
		return p.literal(indent, rest)
	case '[', '{':
		v, tail, ok := appendFlow(p.out, rest, 0)
		if !ok || len(trimComment(tail)) != 0 {
			return false
		}
		p.out = v
	case '"', '\'':
		v, tail, ok := appendQuoted(p.out, rest)
		if !ok || len(trimComment(tail)) != 0 {
			return false
		}
		p.out = v
	default:
		v, ok := appendScalar(p.out, rest)
		if !ok {
			return false
		}
		p.out = v
	}
	// The node ends on its line: a more indented line after it would continue a multi-line scalar.
	if ind, _, ok := p.peek(); ok && ind > indent {
		return false
	} else if !ok && p.i < len(p.lines) {
		return false
	}
	return true
}

// literal reads a literal block scalar (|, |- or |+) whose lines are more indented than indent.
func (p *Parser) literal(indent int, header []byte) bool {
	chomp := byte(0)
	h := header[1:]
	if len(h) > 0 && (h[0] == '-' || h[0] == '+') {
		chomp, h = h[0], h[1:]
	}
	if len(trimComment(h)) != 0 || (len(h) > 0 && h[0] != ' ') {
		return false // an indentation indicator, or something else after the header
	}
	var body []byte
	blockIndent := -1
	trailing := 0 // empty lines seen since the last content line
	for ; p.i < len(p.lines); p.i++ {
		line := p.lines[p.i]
		n := 0
		for n < len(line) && line[n] == ' ' {
			n++
		}
		if n == len(line) { // empty, or spaces only
			if blockIndent < 0 {
				return false // leading empty lines: their indentation decides the block's, leave it
			}
			if n > blockIndent {
				return false // a space-only line with content spaces
			}
			trailing++
			continue
		}
		if line[n] == '\t' && (blockIndent < 0 || n < blockIndent) {
			return false
		}
		if blockIndent < 0 {
			if n <= indent {
				break // an empty block scalar
			}
			blockIndent = n
		}
		if n < blockIndent {
			if n > indent {
				return false // less indented than the block, more than its parent: malformed
			}
			break
		}
		for ; trailing > 0; trailing-- {
			body = append(body, '\n')
		}
		body = append(body, line[blockIndent:]...)
		if p.i < len(p.lines)-1 || p.finalBreak {
			body = append(body, '\n')
		}
	}
	switch chomp {
	case '-':
		body = bytes.TrimRight(body, "\n")
	case '+':
		for ; trailing > 0; trailing-- {
			body = append(body, '\n')
		}
	}
	if !utf8.Valid(body) {
		return false
	}
	p.out = appendJSONString(p.out, body)
	return true
}

// trimComment drops a trailing comment (a # after a space, or at the start) and trailing spaces.
func trimComment(s []byte) []byte {
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				inDouble = false
			}
		case inSingle:
			if c == '\'' {
				inSingle = false
			}
		case c == '"' && (i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == '{' || s[i-1] == ','):
			inDouble = true
		case c == '\'' && (i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == '{' || s[i-1] == ','):
			inSingle = true
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return bytes.TrimRight(s[:i], " ")
		}
	}
	return bytes.TrimRight(s, " ")
}

// parseKey reads "key:" at the start of s (a plain or quoted key) and returns the key, what follows the
// colon, and true; false when s does not start with a key this reader accepts.
func parseKey(s []byte) (key, after []byte, ok bool) {
	if len(s) == 0 {
		return nil, nil, false
	}
	var i int
	switch s[0] {
	case '"', '\'':
		v, tail, good := appendQuoted(nil, s)
		if !good || len(tail) == 0 || tail[0] != ':' {
			return nil, nil, false
		}
		str, err := strconv.Unquote(string(v))
		if err != nil {
			return nil, nil, false
		}
		key, i = []byte(str), len(s)-len(tail)
	default:
		if !isKeyStart(s[0]) {
			return nil, nil, false
		}
		for i = 1; i < len(s); i++ {
			c := s[i]
			if c == ':' {
				break
			}
			if !isKeyChar(c) {
				return nil, nil, false
			}
		}
		if i == len(s) {
			return nil, nil, false
		}
		key = s[:i]
		if yaml11Special(key) {
			return nil, nil, false
		}
	}
	// s[i] is the colon: it must end the line or be followed by a space. YAML limits an implicit key
	// to 1024 characters; a long key is left to the full reader.
	if i+1 < len(s) && s[i+1] != ' ' || i > 512 {
		return nil, nil, false
	}
	return key, s[i+1:], true
}

func isKeyStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '/'
}

func isKeyChar(c byte) bool {
	return isKeyStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// yaml11Special is true for the words YAML 1.1 reads as booleans or null, whatever their case.
func yaml11Special(s []byte) bool {
	if len(s) > 5 {
		return false
	}
	var lower [5]byte
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(s)]) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~":
		return true
	}
	return false
}

// appendScalar resolves a plain scalar's text; false for anything YAML 1.1 might read otherwise.
func appendScalar(out, s []byte) ([]byte, bool) {
	switch c := s[0]; {
	case bytes.Contains(s, []byte(": ")) || s[len(s)-1] == ':' || bytes.Contains(s, []byte(" #")):
		return out, false
	case string(s) == "true" || string(s) == "false" || string(s) == "null":
		return append(out, s...), true
	case string(s) == "~":
		return append(out, "null"...), true
	case yaml11Special(s):
		return out, false
	case bytes.IndexByte(s, '\t') >= 0:
		return out, false
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if isDecimalInt(s) {
			return append(out, s...), true
		}
		if isQuantityString(s) {
			return appendJSONString(out, s), true
		}
		if c == '-' && len(s) > 1 && (s[1] >= 'a' && s[1] <= 'z' || s[1] >= 'A' && s[1] <= 'Z' || s[1] == '-') {
			break // a string such as "-foo" or "--flag"
		}
		return out, false
	case c == '&' || c == '*' || c == '!' || c == '%' || c == '@' || c == '`' || c == '?' || c == '|' ||
		c == '>' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '"' || c == '\'' || c == ':':
		return out, false
	}
	if !utf8.Valid(s) {
		return out, false
	}
	return appendJSONString(out, s), true
}

// isQuantityString is true for [0-9]+(.[0-9]+)? followed by a Kubernetes quantity suffix or %, such as
// 500m, 128Mi or 25%: no YAML 1.1 number, boolean or timestamp looks like that, so it is a string.
func isQuantityString(s []byte) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	switch string(s[i:]) {
	case "m", "k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "%":
		return true
	}
	return false
}

// isDecimalInt is true for -?(0|[1-9][0-9]*) within 18 digits, but not -0.
func isDecimalInt(s []byte) bool {
	if string(s) == "-0" {
		return false
	}
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendQuoted appends a single- or double-quoted scalar that closes on its line, and returns what
// follows it.
func appendQuoted(out, s []byte) ([]byte, []byte, bool) {
	q := s[0]
	var buf []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case q == '\'' && c == '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				buf = append(buf, '\'')
				i++
				continue
			}
			return appendJSONString(out, buf), s[i+1:], utf8.Valid(buf)
		case q == '"' && c == '"':
			return appendJSONString(out, buf), s[i+1:], utf8.Valid(buf)
		case q == '"' && c == '\\':
			if i+1 >= len(s) {
				return out, nil, false
			}
			i++
			switch e := s[i]; e {
			case '\\', '"': // not "\/", which YAML 1.1 does not have
				buf = append(buf, e)
			case 'n':
				buf = append(buf, '\n')
			case 't':
				buf = append(buf, '\t')
			case 'r':
				buf = append(buf, '\r')
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'u':
				if i+4 >= len(s) {
					return out, nil, false
				}
				r, err := strconv.ParseUint(string(s[i+1:i+5]), 16, 32)
				if err != nil || (r >= 0xD800 && r <= 0xDFFF) {
					return out, nil, false
				}
				buf = utf8.AppendRune(buf, rune(r))
				i += 4
			default:
				return out, nil, false
			}
		default:
			buf = append(buf, c)
		}
	}
	return out, nil, false // not closed on this line
}

// appendFlow appends a one-line flow sequence or mapping of scalars and flow collections, and returns
// what follows it.
func appendFlow(out, s []byte, depth int) ([]byte, []byte, bool) {
	if depth > 32 {
		return out, nil, false
	}
	open := s[0]
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	out = append(out, open)
	s = s[1:]
	var keys [][]byte
	for first := true; ; first = false {
		s = bytes.TrimLeft(s, " ")
		if len(s) == 0 {
			return out, nil, false
		}
		if s[0] == closing {
			return append(out, closing), s[1:], true
		}
		if !first {
			if s[0] != ',' {
				return out, nil, false
			}
			s = bytes.TrimLeft(s[1:], " ")
			if len(s) == 0 || s[0] == closing {
				return out, nil, false // a trailing comma: leave it
			}
			out = append(out, ',')
		}
		if open == '{' {
			var key []byte
			var ok bool
			if s[0] == '"' || s[0] == '\'' {
				var v []byte
				v, s, ok = appendQuoted(nil, s)
				str, err := strconv.Unquote(string(v))
				if !ok || err != nil || len(s) == 0 || s[0] != ':' {
					return out, nil, false
				}
				key, s = []byte(str), s[1:]
			} else {
				key, s, ok = parseKey(s)
				if !ok {
					return out, nil, false
				}
			}
			for _, k := range keys {
				if bytes.Equal(k, key) {
					return out, nil, false
				}
			}
			keys = append(keys, key)
			out = appendJSONString(out, key)
			out = append(out, ':')
			s = bytes.TrimLeft(s, " ")
			if len(s) == 0 {
				return out, nil, false
			}
		}
		var ok bool
		switch s[0] {
		case '[', '{':
			out, s, ok = appendFlow(out, s, depth+1)
		case '"', '\'':
			out, s, ok = appendQuoted(out, s)
		default:
			end := 0
			for end < len(s) && s[end] != ',' && s[end] != ']' && s[end] != '}' && s[end] != '#' {
				end++
			}
			text := bytes.TrimRight(s[:end], " ")
			if len(text) == 0 || (end < len(s) && s[end] == '#') || !flowSafe(text) {
				return out, nil, false
			}
			out, ok = appendScalar(out, text)
			s = s[end:]
		}
		if !ok {
			return out, nil, false
		}
	}
}

// flowSafe is true for a plain scalar inside a flow collection made only of letters, digits and _ . / = -:
// the flow context gives other characters (? : # and the indicators) meanings this reader leaves to the
// full reader.
func flowSafe(s []byte) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '/' || c == '=' || c == '-') {
			return false
		}
	}
	return true
}

// appendJSONString appends s as a JSON string.
func appendJSONString(out, s []byte) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"':
			out = append(out, '\\', '"')
		case '\\':
			out = append(out, '\\', '\\')
		case '\n':
			out = append(out, '\\', 'n')
		case '\t':
			out = append(out, '\\', 't')
		case '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
