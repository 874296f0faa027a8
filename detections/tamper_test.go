package detections

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

const (
	stackManager = "kubeharden/kubeharden/cluster"
	deployer     = "pulumi-deployer"
)

// tamperRules are the tamper rules of a profile with a restricted tenant team-a, a baseline tenant
// team-b and the log agent in kubeharden-logging.
func tamperRules(t *testing.T) []Rule {
	t.Helper()
	p, err := config.Resolve(&config.Profile{
		Tenants: []config.Tenant{{Name: "team-a"}, {Name: "team-b", PodSecurity: &config.PodSecurity{Enforce: "baseline", ExemptionReason: "a vendor agent; SEC-1"}}},
		Logging: config.Logging{Enabled: true, Outputs: []config.LogOutput{{Type: "stdout"}}},
	})
	require.NoError(t, err)
	b, err := BaselineOf(p, stackManager, []string{deployer})
	require.NoError(t, err)
	require.Equal(t, "kubeharden-logging", b.LogAgentNamespace)
	rules, err := TamperRules(b)
	require.NoError(t, err)
	return rules
}

// write is an allowed write of verb by user to the object (group, resource, namespace, name), with body
// as its recorded request body ("" for none) and query after its URI.
func writeEvent(user, verb, group, resource, namespace, name, body, query string) *auditv1.Event {
	ev := &auditv1.Event{AuditID: types.UID("a-" + verb + "-" + name + "-" + user), Verb: verb, User: authnv1.UserInfo{Username: user},
		RequestURI:     "/apis/x/" + name + query,
		ObjectRef:      &auditv1.ObjectReference{APIGroup: group, Resource: resource, Namespace: namespace, Name: name},
		ResponseStatus: &metav1.Status{Code: 200}}
	if body != "" {
		ev.RequestObject = &runtime.Unknown{Raw: []byte(body)}
	}
	return ev
}

func enforceLabel(level string) string {
	return `{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"` + level + `"}}}`
}

// TestTamperRulesNameTheBaselineChangedOutsideTheStack: each write of a baseline object by someone other
// than the stack and the control plane is one alert of its rule, naming the field, who did it and what
// the profile says; the stack's own applies and destroy, a level raised or put back, the users' own
// objects, refused writes and the controllers are not.
func TestTamperRulesNameTheBaselineChangedOutsideTheStack(t *testing.T) {
	rules := tamperRules(t)
	for _, tc := range tamperCases() {
		t.Run(tc.name, func(t *testing.T) {
			alerts := NewScanner(rules).Event(tc.ev)
			if tc.rule == "" {
				assert.Empty(t, alerts)
				return
			}
			require.Len(t, alerts, 1)
			assert.Equal(t, tc.rule, alerts[0].Rule)
			assert.Contains(t, alerts[0].Detail, tc.detail)
			assert.Equal(t, tc.ev.User.Username, alerts[0].User, "the alert names who did it")
		})
	}
}

// tamperCase is an event and the tamper alert it raises (rule "" for none), with words of its detail.
type tamperCase struct {
	name   string
	ev     *auditv1.Event
	rule   string
	detail string
}

// tamperCases are the tamper rules' cases (tamperRules' baseline).
func tamperCases() []tamperCase {
	fm := "?fieldManager=" + url.QueryEscape(stackManager) // as client-go sends it
	return []tamperCase{
		{"a tenant relabelled privileged", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", enforceLabel("privileged"), ""),
			"tamper-namespace-pod-security", `patch of namespaces team-a: metadata.labels["pod-security.kubernetes.io/enforce"] set to "privileged" (the profile says "restricted")`},
		{"a tenant relabelled by the stack", writeEvent(deployer, "patch", "", "namespaces", "", "team-a", enforceLabel("privileged"), fm), "", ""},
		{"a relabel by another stack's manager", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", enforceLabel("baseline"), "?fieldManager=kubeharden%2Fkubeharden%2Fother"),
			"tamper-namespace-pod-security", `set to "baseline"`},
		{"a tenant put back to restricted", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", enforceLabel("restricted"), ""), "", ""},
		{"a baseline tenant raised to restricted", writeEvent("mallory", "patch", "", "namespaces", "", "team-b", enforceLabel("restricted"), ""), "", ""},
		{"a baseline tenant lowered", writeEvent("mallory", "patch", "", "namespaces", "", "team-b", enforceLabel("privileged"), ""),
			"tamper-namespace-pod-security", `(the profile says "baseline")`},
		{"a label of no consequence", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", `{"metadata":{"labels":{"owner":"shop"}}}`, ""), "", ""},
		{"an update without the labels", writeEvent("mallory", "update", "", "namespaces", "", "team-a", `{"metadata":{"name":"team-a","labels":{"owner":"shop"}}}`, ""),
			"tamper-namespace-pod-security", `metadata.labels["pod-security.kubernetes.io/enforce"] removed, metadata.labels["pod-security.kubernetes.io/audit"] removed`},
		{"a merge patch that removes the label", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", `{"metadata":{"labels":{"pod-security.kubernetes.io/warn":null}}}`, ""),
			"tamper-namespace-pod-security", `metadata.labels["pod-security.kubernetes.io/warn"] removed`},
		{"a JSON patch that removes the label", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", `[{"op":"remove","path":"/metadata/labels/pod-security.kubernetes.io~1enforce"}]`, ""),
			"tamper-namespace-pod-security", `metadata.labels["pod-security.kubernetes.io/enforce"] removed`},
		{"a JSON patch that replaces the labels", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", `[{"op":"replace","path":"/metadata/labels","value":{"pod-security.kubernetes.io/enforce":"privileged"}}]`, ""),
			"tamper-namespace-pod-security", `set to "privileged"`},
		{"a JSON patch elsewhere", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", `[{"op":"add","path":"/metadata/annotations/x","value":"y"}]`, ""), "", ""},
		{"a write whose body is not recorded", writeEvent("mallory", "patch", "", "namespaces", "", "team-a", "", ""),
			"tamper-namespace-pod-security", unread},
		{"a relabel as someone else", func() *auditv1.Event {
			ev := writeEvent("mallory", "patch", "", "namespaces", "", "team-a", enforceLabel("baseline"), "")
			ev.ImpersonatedUser = &authnv1.UserInfo{Username: "jane@example.com"}
			return ev
		}(), "tamper-namespace-pod-security", "patch of namespaces team-a as jane@example.com: "},
		{"a namespace kubeharden does not harden", writeEvent("mallory", "patch", "", "namespaces", "", "sandbox", enforceLabel("privileged"), ""), "", ""},
		{"a tenant deleted", writeEvent("mallory", "delete", "", "namespaces", "", "team-a", "", ""), "tamper-namespace-pod-security", "deleted namespaces team-a; the profile says: the namespace exists with enforce=restricted"},
		{"a tenant deleted by the stack's destroy", writeEvent(deployer, "delete", "", "namespaces", "", "team-a", "", ""), "", ""},
		{"the deployer's delete as someone else is not its destroy", func() *auditv1.Event {
			ev := writeEvent(deployer, "delete", "", "namespaces", "", "team-a", "", "")
			ev.ImpersonatedUser = &authnv1.UserInfo{Username: "mallory"}
			return ev
		}(), "tamper-namespace-pod-security", "deleted namespaces team-a as mallory"},
		{"the deployer's patch is not its destroy", writeEvent(deployer, "patch", "", "namespaces", "", "team-a", enforceLabel("privileged"), ""), "tamper-namespace-pod-security", "set to \"privileged\""},

		{"the default deny deleted", writeEvent("mallory", "delete", "networking.k8s.io", "networkpolicies", "team-a", contract.DefaultDenyPolicyName, "", ""),
			"tamper-network-policy", "deleted networking.k8s.io/networkpolicies team-a/default-deny-all; the profile says: every pod of team-a denied all ingress and egress"},
		{"the default deny widened", writeEvent("mallory", "patch", "networking.k8s.io", "networkpolicies", "team-b", contract.DefaultDenyPolicyName, `{"spec":{"ingress":[{}]}}`, ""),
			"tamper-network-policy", "changed outside the stack"},
		{"the tenant's own policy", writeEvent("mallory", "delete", "networking.k8s.io", "networkpolicies", "team-a", "allow-web", "", ""), "", ""},
		{"any policy of the log agent", writeEvent("mallory", "delete", "networking.k8s.io", "networkpolicies", "kubeharden-logging", "allow-log-shipping", "", ""), "tamper-network-policy", "allow-log-shipping"},
		{"a policy the namespace controller deletes", writeEvent("system:serviceaccount:kube-system:namespace-controller", "delete", "networking.k8s.io", "networkpolicies", "team-a", contract.DefaultDenyPolicyName, "", ""), "", ""},
		{"a refused delete", func() *auditv1.Event {
			ev := writeEvent("mallory", "delete", "networking.k8s.io", "networkpolicies", "team-a", contract.DefaultDenyPolicyName, "", "")
			ev.ResponseStatus.Code = 403
			return ev
		}(), "", ""},

		{"a guardrail binding deleted", writeEvent("mallory", "delete", "admissionregistration.k8s.io", "validatingadmissionpolicybindings", "", "kubeharden-pod-security", "", ""),
			"tamper-admission-guardrail", "deleted admissionregistration.k8s.io/validatingadmissionpolicybindings kubeharden-pod-security"},
		{"a Gatekeeper constraint changed", writeEvent("mallory", "patch", "constraints.gatekeeper.sh", "kubehardenimagetag", "", "kubeharden-imagetag", `{"spec":{"enforcementAction":"dryrun"}}`, ""),
			"tamper-admission-guardrail", "a guardrail changed outside the stack"},
		{"someone else's policy", writeEvent("mallory", "delete", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", "team-policy", "", ""), "", ""},

		{"the quota deleted", writeEvent("mallory", "delete", "", "resourcequotas", "team-b", contract.QuotaName, "", ""), "tamper-quota", "tenants[].quota"},
		{"the limits changed", writeEvent("mallory", "patch", "", "limitranges", "team-a", contract.LimitRangeName, `{"spec":{}}`, ""), "tamper-quota", "limits changed"},

		{"the default ServiceAccount mounts again", writeEvent("mallory", "patch", "", "serviceaccounts", "team-a", "default", `{"automountServiceAccountToken":true}`, ""),
			"tamper-default-service-account", "automountServiceAccountToken set to true; the profile says: automountServiceAccountToken: false"},
		{"the field removed", writeEvent("mallory", "update", "", "serviceaccounts", "team-a", "default", `{"metadata":{"name":"default"}}`, ""),
			"tamper-default-service-account", "removed"},
		{"the default ServiceAccount deleted", writeEvent("mallory", "delete", "", "serviceaccounts", "team-a", "default", "", ""), "tamper-default-service-account", "recreated"},
		{"the default ServiceAccount labelled", writeEvent("mallory", "patch", "", "serviceaccounts", "team-a", "default", `{"metadata":{"labels":{"a":"b"}}}`, ""), "", ""},
		{"another ServiceAccount", writeEvent("mallory", "patch", "", "serviceaccounts", "team-a", "web", `{"automountServiceAccountToken":true}`, ""), "", ""},

		{"a kubeharden role widened", writeEvent("mallory", "patch", "rbac.authorization.k8s.io", "clusterroles", "", contract.ViewerRole, `{"rules":[{"verbs":["*"]}]}`, ""), "tamper-rbac", contract.ViewerRole},
		{"a kubeharden binding deleted", writeEvent("mallory", "delete", "rbac.authorization.k8s.io", "rolebindings", "team-a", contract.DeveloperRole, "", ""), "tamper-rbac", "deleted"},
		{"another role", writeEvent("mallory", "patch", "rbac.authorization.k8s.io", "clusterroles", "", "admin", `{}`, ""), "", ""},

		{"the log agent's DaemonSet patched", writeEvent("mallory", "patch", "apps", "daemonsets", "kubeharden-logging", "log-agent", `{"spec":{"template":{"spec":{"nodeSelector":{"none":"x"}}}}}`, ""), "tamper-log-agent", "log-agent"},
		{"its configuration deleted", writeEvent("mallory", "delete", "", "configmaps", "kubeharden-logging", "log-agent-config", "", ""), "tamper-log-agent", "deleted"},
		{"the DaemonSet controller", writeEvent("system:serviceaccount:kube-system:daemon-set-controller", "update", "apps", "daemonsets", "kubeharden-logging", "log-agent", `{}`, ""), "", ""},
		{"a DaemonSet elsewhere", writeEvent("mallory", "patch", "apps", "daemonsets", "team-a", "log-agent", `{}`, ""), "", ""},
		{"a read", writeEvent("mallory", "get", "apps", "daemonsets", "kubeharden-logging", "log-agent", "", ""), "", ""},
	}
}

// TestTheBaselineNeedsAResolvedProfileAndAStack: a zero profile or no field manager is refused; a
// profile without logging watches no log agent.
func TestTheBaselineNeedsAResolvedProfileAndAStack(t *testing.T) {
	_, err := BaselineOf(config.Resolved{}, stackManager, nil)
	assert.ErrorIs(t, err, config.ErrNotResolved)
	p, err := config.Resolve(&config.Profile{Tenants: []config.Tenant{{Name: "team-a"}}})
	require.NoError(t, err)
	_, err = BaselineOf(p, "", nil)
	assert.ErrorContains(t, err, "field manager")
	b, err := BaselineOf(p, stackManager, nil)
	require.NoError(t, err)
	assert.Empty(t, b.LogAgentNamespace)
	assert.Equal(t, "restricted", b.Namespaces["team-a"].Enforce)
}

// TestQuietRulesLeaveTheStacksOwnDestroyAlone: with the baseline, the catalog's rules raise nothing for
// the stack's destroy of its own guardrails, and still name the same delete by anyone else, and the
// deployer's delete of an object that is not the baseline's.
func TestQuietRulesLeaveTheStacksOwnDestroyAlone(t *testing.T) {
	p, err := config.Resolve(&config.Profile{Tenants: []config.Tenant{{Name: "team-a"}}})
	require.NoError(t, err)
	b, err := BaselineOf(p, stackManager, []string{deployer})
	require.NoError(t, err)
	rules := b.Quiet(DefaultRules())
	alerts := func(ev *auditv1.Event) []string {
		var ids []string
		for _, a := range NewScanner(rules).Event(ev) {
			ids = append(ids, a.Rule)
		}
		return ids
	}
	const group, resource = "admissionregistration.k8s.io", "validatingadmissionpolicybindings"
	assert.Empty(t, alerts(writeEvent(deployer, "delete", group, resource, "", "kubeharden-image-tag", "", "")))
	assert.Equal(t, []string{"admission-changed"}, alerts(writeEvent("mallory", "delete", group, resource, "", "kubeharden-image-tag", "", "")))
	assert.Equal(t, []string{"admission-changed"}, alerts(writeEvent(deployer, "delete", group, resource, "", "team-policy", "", "")))
	assert.Equal(t, []string{"admission-changed"}, alerts(writeEvent(deployer, "patch", group, resource, "", "kubeharden-image-tag", "{}", "")),
		"a patch without the stack's field manager is not its apply")
	assert.Equal(t, []string{"events-deleted"}, alerts(writeEvent(deployer, "delete", "", "events", "team-a", "evidence", "", "")))
}
