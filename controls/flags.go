package controls

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// flagRule is one requirement on a component's flag: ok judges the value (set is false when the flag is
// absent), want says what passes.
type flagRule struct {
	flag string
	ok   func(value string, set bool) bool
	want string
}

// checkFlags applies rules to a component: a finding for each rule it fails, and one piece of evidence
// listing the flags that pass.
func checkFlags(c *Component, rules []flagRule, out *Result) {
	var good []string
	for _, r := range rules {
		v, set := c.Arg(r.flag)
		if r.ok(v, set) {
			shown := "--" + r.flag + "=" + v
			if !set {
				shown = "--" + r.flag + " unset"
			} else if c.Defaulted[r.flag] {
				shown += " (distribution default)"
			}
			good = append(good, shown)
			continue
		}
		msg := fmt.Sprintf("--%s is %q", r.flag, v)
		if !set {
			msg = "--" + r.flag + " is not set"
		}
		out.Findings = append(out.Findings, Finding{Object: c.Name, Path: c.Source, Field: "--" + r.flag,
			Message: msg, Remedy: "set --" + r.flag + " " + r.want})
	}
	if len(good) > 0 {
		out.Evidence = append(out.Evidence, Evidence{Object: c.Name, Path: c.Source, Detail: strings.Join(good, ", ")})
	}
}

func isValue(want string) func(string, bool) bool {
	return func(v string, set bool) bool { return set && strings.EqualFold(v, want) }
}

func notValue(bad string) func(string, bool) bool {
	return func(v string, set bool) bool { return !set || !strings.EqualFold(v, bad) }
}

func isSet(v string, set bool) bool { return set && v != "" }

func isUnset(_ string, set bool) bool { return !set }

func listHas(items ...string) func(string, bool) bool {
	return func(v string, set bool) bool {
		have := strings.Split(v, ",")
		for _, i := range items {
			if !slices.Contains(have, i) {
				return false
			}
		}
		return set
	}
}

func listLacks(item string) func(string, bool) bool {
	return func(v string, _ bool) bool { return !slices.Contains(strings.Split(v, ","), item) }
}

func atLeast(n int) func(string, bool) bool {
	return func(v string, set bool) bool {
		i, err := strconv.Atoi(v)
		return set && err == nil && i >= n
	}
}

func oneOf(values ...string) func(string, bool) bool {
	return func(v string, set bool) bool { return set && slices.Contains(values, v) }
}

func both(a, b func(string, bool) bool) func(string, bool) bool {
	return func(v string, set bool) bool { return a(v, set) && b(v, set) }
}

// notAmongInputs is the NotEvaluated reason for a flag that names a file the inputs lack.
func notAmongInputs(c *Component, flag, value string) string {
	return fmt.Sprintf("%s --%s names %s, which is not among the inputs; add it to check it", c.Name, flag, value)
}

// missingComponent is the NotEvaluated reason for a control whose component the inputs do not describe.
func missingComponent(names ...string) string {
	return "the inputs have no settings of " + strings.Join(names, " or ")
}
