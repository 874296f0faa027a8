package detections

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// Severity is how urgent an alert is.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Needs is what a rule needs the audit policy to record: the level (Metadata, or Request for a rule
// that reads the request body) of the requests it reads (for a rule over any request, a sample one).
// The audit-detection-coverage control asks the API server's own policy evaluator the level of each.
type Needs struct {
	Level    auditv1.Level
	Requests []Request
}

// Request is a kind of request a rule reads.
type Request struct {
	Verb, Group string
	// Resource is the resource, with its subresource after a slash ("pods/exec").
	Resource   string
	Namespaced bool
}

// requests are verb on each of resources in group.
func requests(verb, group string, namespaced bool, resources ...string) []Request {
	out := make([]Request, len(resources))
	for i, r := range resources {
		out[i] = Request{Verb: verb, Group: group, Resource: r, Namespaced: namespaced}
	}
	return out
}

// anyRequest is the sample request of a rule over any request: a get of a pod.
var anyRequest = []Request{{Verb: "get", Resource: "pods", Namespaced: true}}

// Rule is one detection rule.
type Rule struct {
	ID, Title string
	// Detects says what the rule sees in the audit log, and Why why it matters.
	Detects, Why string
	// MITRE is the MITRE ATT&CK for Containers technique (T1609, ...); ThreatMatrix the Microsoft Threat
	// Matrix for Kubernetes technique.
	MITRE, ThreatMatrix string
	// Guide is the NSA/CISA Kubernetes Hardening Guide v1.2 section.
	Guide    string
	Severity Severity
	Needs    Needs
	// Match is the rule's condition on one event: the alert's detail when it matches.
	Match func(ev *auditv1.Event) (detail string, ok bool)
	// Correlate, for a rule over several events (Match is then nil), is given each event with the rule's
	// own state, and returns the detail of an alert when the events seen so far make one.
	Correlate func(ev *auditv1.Event, state *Window) (detail string, ok bool)
	// Fields is the condition as field selections, for Sigma and Falco (Export); a test holds it to
	// Match on the real audit log.
	Fields Fields
}

// Alert is a rule matched by an event.
type Alert struct {
	Rule         string    `json:"rule"`
	Title        string    `json:"title"`
	Severity     Severity  `json:"severity"`
	MITRE        string    `json:"mitre"`
	ThreatMatrix string    `json:"threatMatrix"`
	Time         time.Time `json:"time"`
	AuditID      string    `json:"auditID"`
	User         string    `json:"user"`
	SourceIPs    []string  `json:"sourceIPs,omitempty"`
	Verb         string    `json:"verb"`
	Object       string    `json:"object"`
	Code         int32     `json:"code,omitempty"`
	Detail       string    `json:"detail"`
}

var defaultRules []func() Rule

// addRule registers a rule constructor; each rule file calls it from init().
func addRule(f func() Rule) { defaultRules = append(defaultRules, f) }

// DefaultRules are fresh copies of every registered rule, by ID, validated as the catalog is first
// built: a rule that breaks the catalog's rules (Validate) is a programming error, and panics in the
// first test that builds the catalog.
func DefaultRules() []Rule {
	out := buildRules()
	if err := rulesError(); err != nil {
		panic(err)
	}
	return out
}

func buildRules() []Rule {
	out := make([]Rule, len(defaultRules))
	for i, f := range defaultRules {
		out[i] = f()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// rulesError is what is wrong with the registered catalog (validateRules), found once.
var rulesError = sync.OnceValue(validateRules)

func validateRules() error {
	if err := Validate(buildRules()); err != nil {
		return fmt.Errorf("the detection catalog: %w", err)
	}
	return nil
}

// Validate checks a catalog: unique IDs, every descriptive field, a known severity and level, and
// exactly one of Match and Correlate.
func Validate(rules []Rule) error {
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case r.ID == "" || seen[r.ID]:
			return fmt.Errorf("rule %q: a unique ID is required", r.ID)
		case r.Title == "" || r.Detects == "" || r.Why == "" || r.MITRE == "" || r.ThreatMatrix == "" || r.Guide == "":
			return fmt.Errorf("rule %s: needs a title, what it detects, why, its MITRE and Threat Matrix techniques and its guide section", r.ID)
		case r.Severity != SeverityCritical && r.Severity != SeverityHigh && r.Severity != SeverityMedium && r.Severity != SeverityLow:
			return fmt.Errorf("rule %s: severity %q", r.ID, r.Severity)
		case r.Needs.Level != auditv1.LevelMetadata && r.Needs.Level != auditv1.LevelRequest && r.Needs.Level != auditv1.LevelRequestResponse:
			return fmt.Errorf("rule %s: needs level %q", r.ID, r.Needs.Level)
		case len(r.Needs.Requests) == 0:
			return fmt.Errorf("rule %s: needs the requests it reads (Needs.Requests)", r.ID)
		case (r.Match == nil) == (r.Correlate == nil):
			return fmt.Errorf("rule %s: needs exactly one of Match and Correlate", r.ID)
		case len(r.Fields.Match) == 0:
			return fmt.Errorf("rule %s: needs its condition as field selections (Fields)", r.ID)
		case r.Correlate != nil && (r.Fields.Count == nil || r.Fields.Approximate == ""):
			return fmt.Errorf("rule %s: a correlation's fields need its Count and say what they leave to it (Approximate)", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// resource is the event's resource with its subresource ("pods/exec"), "" for a non-resource request.
func resource(ev *auditv1.Event) string {
	if ev.ObjectRef == nil {
		return ""
	}
	if ev.ObjectRef.Subresource != "" {
		return ev.ObjectRef.Resource + "/" + ev.ObjectRef.Subresource
	}
	return ev.ObjectRef.Resource
}

// object names the event's object: resource, namespace and name as far as the event says.
func object(ev *auditv1.Event) string {
	if ev.ObjectRef == nil {
		return ev.RequestURI
	}
	o := resource(ev)
	if ev.ObjectRef.APIGroup != "" {
		o = ev.ObjectRef.APIGroup + "/" + o
	}
	if ev.ObjectRef.Namespace != "" {
		o += " " + ev.ObjectRef.Namespace + "/"
	} else {
		o += " "
	}
	if ev.ObjectRef.Name != "" {
		o += ev.ObjectRef.Name
	} else {
		o += "*"
	}
	return o
}

// code is the response's status code, 0 when the event has none.
func code(ev *auditv1.Event) int32 {
	if ev.ResponseStatus == nil {
		return 0
	}
	return ev.ResponseStatus.Code
}

// allowed is true for a request the API server did not refuse (no status, or a code under 400 other than
// those of a refusal).
func allowed(ev *auditv1.Event) bool { c := code(ev); return c == 0 || c < 400 }

// isWrite is true for a verb that changes state.
func isWrite(verb string) bool { return slices.Contains(writeVerbs, verb) }

// fieldManager is the server-side apply field manager the request names in its URI, "" when none.
func fieldManager(ev *auditv1.Event) string {
	u, err := url.Parse(ev.RequestURI)
	if err != nil {
		return ""
	}
	return u.Query().Get("fieldManager")
}
