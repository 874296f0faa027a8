package detections

import (
	"slices"
	"strings"
	"time"
)

// Selection is a condition over the raw audit event's fields, named as the event's JSON names them and
// Sigma writes them: dotted paths ("objectRef.resource", "requestObject.roleRef.name"); a path through a
// list ("requestObject.subjects.name") matches when any element does. Every field of a selection must
// hold one of its values. In a value, "*" matches any run of characters ("system:node:*"; "*" alone: any
// value present) and `\*` a literal asterisk; "" matches a field that is absent or empty.
//
// Two keys are not paths: FieldManagerKey is the requestURI's fieldManager parameter, and a key ending
// in RefusedKey's suffix compares the response code: "responseStatus.code|gte": {"400"}.
type Selection map[string][]string

// Keys of a Selection that are not plain paths.
const (
	FieldManagerKey = "requestURI|fieldManager"
	RefusedKey      = "responseStatus.code|gte"
)

// Fields is a rule's condition as field selections, for the engines teams already run (Sigma, Falco):
// an event matches when any of Match matches and none of Except does. Approximate, when not empty, says
// what the Go condition checks that fields cannot (a count over time, one field compared with another):
// the fields then match every event the Go condition matches, and some more. Count, when set, is the
// correlation the Go rule counts (a Sigma event_count correlation).
type Fields struct {
	Match, Except []Selection
	Approximate   string
	Count         *Count
}

// Count is a correlation: at least AtLeast matching events with the same GroupBy fields within Within.
type Count struct {
	GroupBy []string
	Within  time.Duration
	AtLeast int
}

// ControlPlaneUsers are the control plane's own principals, as the rules leave them out: the API server,
// the controller manager, the scheduler, kube-proxy, the nodes (their kubelets) and the controllers'
// ServiceAccounts in kube-system. A workload's ServiceAccount, a person, system:anonymous and any other
// "system:" name (a client certificate anyone with the CA's key can issue) are not.
var ControlPlaneUsers = []string{
	"system:apiserver", "system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy",
	"system:node:*", "system:serviceaccount:kube-system:*",
}

// controlPlane is true for one of ControlPlaneUsers.
func controlPlane(u string) bool {
	return slices.ContainsFunc(ControlPlaneUsers, func(p string) bool { return glob(p, u) })
}

// writeVerbs are the verbs that change state (isWrite).
var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// The selections most rules leave out: the control plane's requests, and those the API server refused.
var (
	byControlPlane = Selection{"user.username": ControlPlaneUsers}
	refusedByAPI   = Selection{RefusedKey: {"400"}}
)

// glob matches s against a Selection value: "*" any run of characters, `\*` a literal asterisk.
func glob(pattern, s string) bool {
	parts := splitGlob(pattern)
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// splitGlob splits a Selection value at its unescaped asterisks, unescaping `\*`.
func splitGlob(pattern string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == '\\' && i+1 < len(pattern) && pattern[i+1] == '*':
			cur.WriteByte('*')
			i++
		case pattern[i] == '*':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(pattern[i])
		}
	}
	return append(parts, cur.String())
}
