package detections

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// fieldsMatch is what a Fields means on an event, as its JSON holds it: the reference the Sigma and
// Falco exports mirror, and the test holds to each rule's Go condition.
func fieldsMatch(f Fields, ev map[string]any) bool {
	matches := func(list []Selection) bool {
		for _, s := range list {
			if selectionMatches(s, ev) {
				return true
			}
		}
		return false
	}
	return matches(f.Match) && !matches(f.Except)
}

func selectionMatches(s Selection, ev map[string]any) bool {
	for key, want := range s {
		var got []string
		switch key {
		case FieldManagerKey:
			got = fieldManagerOf(ev)
		case RefusedKey:
			threshold, err := strconv.Atoi(want[0])
			if err != nil {
				panic(err)
			}
			codes := valuesAt(ev, []string{"responseStatus", "code"})
			if len(codes) == 0 {
				return false
			}
			if c, _ := strconv.Atoi(codes[0]); c < threshold {
				return false
			}
			continue
		default:
			got = valuesAt(ev, strings.Split(key, "."))
		}
		if !anyValueMatches(want, got) {
			return false
		}
	}
	return true
}

// fieldManagerOf is the requestURI's fieldManager parameter, none when it has none.
func fieldManagerOf(ev map[string]any) []string {
	uri, _ := ev["requestURI"].(string)
	if u, err := url.Parse(uri); err == nil && u.Query().Has("fieldManager") {
		return []string{u.Query().Get("fieldManager")}
	}
	return nil
}

func anyValueMatches(want, got []string) bool {
	for _, w := range want {
		if w == "" && (len(got) == 0 || got[0] == "") {
			return true
		}
		for _, g := range got {
			if w != "" && glob(w, g) {
				return true
			}
		}
	}
	return false
}

// valuesAt are the values at path in v, through every element of a list on the way; none when absent.
func valuesAt(v any, path []string) []string {
	if len(path) == 0 {
		switch x := v.(type) {
		case nil:
			return nil
		case string:
			return []string{x}
		case bool:
			return []string{strconv.FormatBool(x)}
		case float64:
			return []string{strconv.FormatFloat(x, 'f', -1, 64)}
		case []any:
			var out []string
			for _, e := range x {
				out = append(out, valuesAt(e, nil)...)
			}
			return out
		default:
			return []string{"<object>"}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		return valuesAt(x[path[0]], path[1:])
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, valuesAt(e, path)...)
		}
		return out
	}
	return nil
}

// corpusEvents are real and made events for the rules: the real API server's log (the technique suite),
// the command's test logs, and every event of the tamper rules' cases.
func corpusEvents(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, line := range bytes.Split(readRealLog(t), []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	logs, err := filepath.Glob("../cmd/kubeharden/testdata/audit-*.log")
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	for _, p := range logs {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				out = append(out, line)
			}
		}
	}
	for _, c := range tamperCases() {
		data, err := json.Marshal(c.ev)
		require.NoError(t, err)
		out = append(out, data)
	}
	anonymous := writeEvent("system:anonymous", "get", "", "pods", "shop", "web", "", "")
	anonymous.ResponseStatus.Code = 403
	made := []*auditv1.Event{anonymous,
		// a stack's own apply of a guardrail, its field manager escaped as client-go sends it and not
		writeEvent(deployer, "patch", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", "kubeharden-image-tag", "{}", "?fieldManager="+url.QueryEscape(stackManager)),
		writeEvent(deployer, "patch", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", "kubeharden-image-tag", "{}", "?dryRun=All&fieldManager="+stackManager+"&force=true"),
		writeEvent(deployer, "patch", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", "kubeharden-image-tag", "{}", "?fieldManager=kubectl"),
		// the cluster DNS's configuration, by a person and by the control plane
		writeEvent("mallory", "patch", "", "configmaps", "kube-system", "coredns", `{"data":{"Corefile":"."}}`, ""),
		writeEvent("system:serviceaccount:kube-system:generic-garbage-collector", "delete", "", "configmaps", "kube-system", "coredns", "", ""),
		writeEvent("mallory", "get", "", "configmaps", "kube-system", "coredns", "", ""),
	}
	for _, ev := range made {
		data, err := json.Marshal(ev)
		require.NoError(t, err)
		out = append(out, data)
	}
	return out
}

// TestEachRulesFieldsSayWhatItsGoConditionDoes: on every event of the corpus, a rule's field selections
// match exactly where its Go condition does, or, where the rule says they are approximate, wherever it
// does and maybe more; and each rule's fields match somewhere, so none is held to nothing.
func TestEachRulesFieldsSayWhatItsGoConditionDoes(t *testing.T) {
	tamper := tamperRules(t)
	rules := append(DefaultRules(), tamper...)
	events := corpusEvents(t)
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			both, goOnly, fieldsOnly := 0, 0, 0
			for _, line := range events {
				var ev auditv1.Event
				require.NoError(t, json.Unmarshal(line, &ev))
				var generic map[string]any
				require.NoError(t, json.Unmarshal(line, &generic))
				var goMatch bool
				if r.Match != nil {
					_, goMatch = r.Match(&ev)
				} else {
					goMatch = fieldsMatch(r.Fields, generic) // a correlation: its events, counted below
				}
				fm := fieldsMatch(r.Fields, generic)
				switch {
				case goMatch && fm:
					both++
				case goMatch:
					goOnly++
					t.Errorf("the Go condition matches and the fields do not: %s", line)
				case fm:
					fieldsOnly++
					if r.Fields.Approximate == "" {
						t.Errorf("the fields match and the Go condition does not: %s", line)
					}
				}
			}
			assert.Positive(t, both, "the fields match no event of the corpus")
			t.Logf("%s: both %d, fields only %d", r.ID, both, fieldsOnly)
		})
	}
}

// TestGlobMatchesAsSigmaDoes: "*" any run, `\*` an asterisk.
func TestGlobMatchesAsSigmaDoes(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"system:node:*", "system:node:worker-1", true},
		{"system:node:*", "system:nodes", false},
		{"*", "", true},
		{"*", "anything", true},
		{`\*`, "*", true},
		{`\*`, "get", false},
		{"a*c*e", "abcde", true},
		{"a*c*e", "abcdf", false},
		{"kubeharden/*", "kubeharden/kubeharden/dev", true},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	} {
		assert.Equal(t, c.want, glob(c.pattern, c.s), "%q %q", c.pattern, c.s)
	}
}
