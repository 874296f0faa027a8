package detections

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// updateGoldenEnv, set to 1, rewrites the golden files instead of comparing with them.
const updateGoldenEnv = "KUBEHARDEN_UPDATE_GOLDEN"

// exportRules are the catalog and the tamper rules of tamperRules' baseline, as `detections export
// --profile` writes them.
func exportRules(t *testing.T) []Rule { return append(DefaultRules(), tamperRules(t)...) }

// TestExportIsTheGoldenFiles: each format's export is its golden file (KUBEHARDEN_UPDATE_GOLDEN=1 go
// test ./detections -run TestExportIsTheGoldenFiles rewrites them), and an unknown format is refused.
func TestExportIsTheGoldenFiles(t *testing.T) {
	for _, format := range ExportFormats {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, Export(&out, format, exportRules(t)))
			golden := filepath.Join("testdata", "export", format+".yaml")
			if os.Getenv(updateGoldenEnv) == "1" {
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out.String())
		})
	}
	assert.ErrorContains(t, Export(io.Discard, "splunk", DefaultRules()), `format "splunk": supported values: sigma, falco`)
}

// TestTheSigmaRulesMatchWhatTheRulesDo reads the exported Sigma rules back as Sigma defines them (each
// detection map's fields ANDed, a list's values ORed, wildcards, null for an absent field, the gte
// modifier; the condition `1 of selection_* and not 1 of filter_*`) and evaluates them on every event of
// the corpus: each matches exactly where its rule's fields do.
func TestTheSigmaRulesMatchWhatTheRulesDo(t *testing.T) {
	rules := exportRules(t)
	var out bytes.Buffer
	require.NoError(t, Export(&out, "sigma", rules))
	sigma := map[string]map[string]any{} // name -> detection
	dec := yaml.NewDecoder(&out)
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		if name, ok := doc["name"].(string); ok {
			sigma[name] = doc["detection"].(map[string]any)
			assert.NotEmpty(t, doc["id"])
			assert.Equal(t, map[string]any{"product": "kubernetes", "service": "audit"}, doc["logsource"])
		} else {
			require.Contains(t, doc, "correlation", "a document that is not a rule is a correlation")
		}
	}
	require.Len(t, sigma, len(rules))
	events := corpusEvents(t)
	for _, r := range rules {
		detection := sigma["kubeharden_"+strings.ReplaceAll(r.ID, "-", "_")]
		require.NotNil(t, detection, r.ID)
		matched := 0
		for _, line := range events {
			var ev map[string]any
			require.NoError(t, json.Unmarshal(line, &ev))
			want := fieldsMatch(r.Fields, ev)
			if !assert.Equal(t, want, sigmaMatches(t, detection, ev), "%s on %s", r.ID, line) {
				return
			}
			if want {
				matched++
			}
		}
		assert.Positive(t, matched, r.ID)
	}
}

// sigmaMatches evaluates a Sigma detection, in the form the export writes, on an event.
func sigmaMatches(t *testing.T, detection map[string]any, ev map[string]any) bool {
	var selections, filters bool
	for name, v := range detection {
		if name == "condition" {
			c := v.(string)
			require.True(t, c == "selection_1" || c == "1 of selection_*" || c == "selection_1 and not 1 of filter_*" || c == "1 of selection_* and not 1 of filter_*", c)
			continue
		}
		m := sigmaMap(t, v.(map[string]any), ev)
		if strings.HasPrefix(name, "selection_") {
			selections = selections || m
		} else {
			require.True(t, strings.HasPrefix(name, "filter_"), name)
			filters = filters || m
		}
	}
	return selections && !filters
}

func sigmaMap(t *testing.T, fields map[string]any, ev map[string]any) bool {
	for key, v := range fields {
		path, modifier, _ := strings.Cut(key, "|")
		got := valuesAt(ev, strings.Split(path, "."))
		if modifier == "gte" {
			if len(got) == 0 {
				return false
			}
			c, _ := strconv.Atoi(got[0])
			if c < v.(int) {
				return false
			}
			continue
		}
		require.Empty(t, modifier, key)
		var values []any
		if list, ok := v.([]any); ok {
			values = list
		} else {
			values = []any{v}
		}
		ok := false
		for _, want := range values {
			if want == nil {
				ok = ok || len(got) == 0 || got[0] == ""
				continue
			}
			for _, g := range got {
				ok = ok || glob(want.(string), g)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestTheFalcoRulesMatchWhatTheRulesDo parses each exported Falco condition (the subset of Falco's
// grammar the export writes: and, or, not, parentheses, =, in, intersects, startswith, glob, exists) and
// evaluates it on every event of the corpus through the k8saudit fields it names: each matches exactly
// where its rule's fields do, but for the selections the export says Falco cannot express (those rules
// match less, never more).
func TestTheFalcoRulesMatchWhatTheRulesDo(t *testing.T) {
	rules := exportRules(t)
	var out bytes.Buffer
	require.NoError(t, Export(&out, "falco", rules))
	var docs []map[string]any
	require.NoError(t, yaml.Unmarshal(out.Bytes(), &docs))
	require.Contains(t, docs[0], "required_plugin_versions")
	byName := map[string]map[string]any{}
	for _, d := range docs[1:] {
		byName[d["rule"].(string)] = d
		assert.Equal(t, "k8s_audit", d["source"])
	}
	require.Len(t, byName, len(rules))
	fieldPaths := map[string]string{}
	for key, f := range falcoFields {
		fieldPaths[f.field] = key
	}
	events := corpusEvents(t)
	for _, r := range rules {
		d := byName["kubeharden "+r.ID]
		require.NotNil(t, d, r.ID)
		cond := d["condition"].(string)
		narrower := strings.Contains(d["desc"].(string), "Not expressible in the k8saudit fields")
		for _, line := range events {
			var ev map[string]any
			require.NoError(t, json.Unmarshal(line, &ev))
			p := &falcoParser{t: t, tokens: falcoTokens(t, cond), ev: ev, paths: fieldPaths}
			got := p.expr()
			require.Equal(t, len(p.tokens), p.pos, "%s: the whole condition is read: %s", r.ID, cond)
			want := fieldsMatch(r.Fields, ev)
			if narrower && !want {
				assert.False(t, got, "%s matches where the rule does not: %s", r.ID, line)
			} else if !narrower {
				if !assert.Equal(t, want, got, "%s on %s", r.ID, line) {
					return
				}
			}
		}
	}
}

// falcoTokens splits a condition into words, quoted strings and parentheses.
func falcoTokens(t *testing.T, s string) []string {
	var out []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, string(c))
			i++
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			out = append(out, s[i:j+1])
			i = j + 1
		default:
			j := i
			for depth := 0; j < len(s) && (depth > 0 || (s[j] != ' ' && s[j] != '(' && s[j] != ')' && s[j] != ',')); j++ {
				if s[j] == '[' {
					depth++
				} else if s[j] == ']' {
					depth--
				}
			}
			require.Greater(t, j, i, "at %q", s[i:])
			out = append(out, s[i:j])
			i = j
		}
	}
	return out
}

type falcoParser struct {
	t      *testing.T
	tokens []string
	pos    int
	ev     map[string]any
	paths  map[string]string
}

func (p *falcoParser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *falcoParser) next() string { s := p.peek(); p.pos++; return s }

func (p *falcoParser) expr() bool {
	v := p.term()
	for p.peek() == "or" {
		p.next()
		v = p.term() || v
	}
	return v
}

func (p *falcoParser) term() bool {
	v := p.factor()
	for p.peek() == "and" {
		p.next()
		v = p.factor() && v
	}
	return v
}

func (p *falcoParser) factor() bool {
	switch p.peek() {
	case "not":
		p.next()
		return !p.factor()
	case "(":
		p.next()
		v := p.expr()
		require.Equal(p.t, ")", p.next())
		return v
	}
	values := p.field(p.next())
	switch op := p.next(); op {
	case "exists":
		return len(values) > 0
	case "=", "startswith", "glob":
		s, err := strconv.Unquote(p.next())
		require.NoError(p.t, err)
		for _, v := range values {
			if op == "=" && v == s || op == "startswith" && strings.HasPrefix(v, s) || op == "glob" && glob(s, v) {
				return true
			}
		}
		return false
	case "in", "intersects":
		require.Equal(p.t, "(", p.next())
		var list []string
		for p.peek() != ")" {
			if tok := p.next(); tok != "," {
				s, err := strconv.Unquote(tok)
				require.NoError(p.t, err)
				list = append(list, s)
			}
		}
		p.next()
		for _, v := range values {
			for _, s := range list {
				if v == s {
					return true
				}
			}
		}
		return false
	default:
		p.t.Fatalf("operator %q", op)
		return false
	}
}

// field is the values of a k8saudit field on the event.
func (p *falcoParser) field(name string) []string {
	if ptr, ok := strings.CutPrefix(name, "json.value[/"); ok {
		return valuesAt(p.ev, strings.Split(strings.TrimSuffix(ptr, "]"), "/"))
	}
	key, ok := p.paths[name]
	require.True(p.t, ok, "a k8saudit field the export does not write: %s", name)
	if key == FieldManagerKey {
		return fieldManagerOf(p.ev)
	}
	return valuesAt(p.ev, strings.Split(key, "."))
}
