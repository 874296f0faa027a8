package detections

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
)

// Baseline is the hardening baseline a stack's profile makes, as the tamper rules watch it: which
// objects are kubeharden's, what the profile says each must be, and whose writes are the stack's own.
type Baseline struct {
	// FieldManager is the stack's server-side apply field manager (contract.StackFieldManager): a write
	// that names it is the stack's own apply.
	FieldManager string
	// Deployers are the users the stack runs as: their deletes of its objects are its own destroy (a
	// delete names no field manager).
	Deployers []string
	// Namespaces are the namespaces kubeharden hardens (each tenant's, the log agent's), with the Pod
	// Security levels the profile gives each.
	Namespaces map[string]config.PodSecurity
	// Tenants are the tenant namespaces among them.
	Tenants map[string]bool
	// LogAgentNamespace is the log agent's namespace, "" when the profile has no log agent.
	LogAgentNamespace string
}

// BaselineOf is the baseline the resolved profile p makes in the stack whose field manager is
// fieldManager, deployed by deployers.
func BaselineOf(p config.Resolved, fieldManager string, deployers []string) (Baseline, error) {
	if err := p.Require(); err != nil {
		return Baseline{}, err
	}
	if fieldManager == "" {
		return Baseline{}, fmt.Errorf("the tamper rules need the stack's field manager")
	}
	b := Baseline{FieldManager: fieldManager, Deployers: deployers, Namespaces: map[string]config.PodSecurity{}, Tenants: map[string]bool{}}
	for i := range p.Tenants {
		t := &p.Tenants[i]
		b.Namespaces[t.Name] = p.EffectivePodSecurity(t)
		b.Tenants[t.Name] = true
	}
	if p.Logging.Enabled {
		b.LogAgentNamespace = p.Logging.Namespace
		b.Namespaces[p.Logging.Namespace] = p.Logging.PodSecurity
	}
	return b, nil
}

// own is true for the stack's own write: its apply (its field manager) or, for a delete, its destroy
// (a deployer's, impersonating no one: Pulumi does not).
func (b *Baseline) own(ev *auditv1.Event) bool {
	if b.FieldManager != "" && fieldManager(ev) == b.FieldManager {
		return true
	}
	return ev.Verb == "delete" && ev.ImpersonatedUser == nil && slices.Contains(b.Deployers, ev.User.Username)
}

// ownsObject is true for an object of the baseline: a hardened namespace, an object kubeharden makes
// in one by name (or any in the log agent's), a kubeharden admission object or role.
func (b *Baseline) ownsObject(ev *auditv1.Event) bool {
	r := ev.ObjectRef
	switch {
	case r == nil:
		return false
	case r.APIGroup == "" && r.Resource == "namespaces":
		_, ok := b.Namespaces[r.Name]
		return ok
	case r.APIGroup == "admissionregistration.k8s.io" || strings.HasSuffix(r.APIGroup, ".gatekeeper.sh"):
		return strings.HasPrefix(r.Name, contract.AdmissionObjectPrefix)
	case r.APIGroup == "rbac.authorization.k8s.io":
		return strings.HasPrefix(r.Name, contract.RolePrefix)
	case r.Namespace != "" && r.Namespace == b.LogAgentNamespace:
		return true
	}
	return b.hardenedNamespaceObject(r.Namespace, r.Name, contract.DefaultDenyPolicyName, contract.DNSEgressPolicyName,
		contract.CIDREgressPolicyName, contract.QuotaName, contract.LimitRangeName, "default")
}

// Quiet are copies of rules that raise no alert for the stack's own write of its own baseline (its
// apply, its destroy): the catalog's rules know the stack's applies by their field manager prefix, but
// not its deletes, which name none (admission-changed would name each guardrail a destroy removes).
func (b Baseline) Quiet(rules []Rule) []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = r
		if match := r.Match; match != nil {
			out[i].Match = func(ev *auditv1.Event) (string, bool) {
				if b.own(ev) && b.ownsObject(ev) {
					return "", false
				}
				return match(ev)
			}
		}
	}
	return out
}

// tampered is true for a write (update, patch, delete) the API server allowed to an object of group and
// one of resources, by someone other than the stack and the control plane.
func (b *Baseline) tampered(ev *auditv1.Event, group string, resources ...string) bool {
	r := ev.ObjectRef
	if r == nil || r.Subresource != "" || r.APIGroup != group || !slices.Contains(resources, r.Resource) {
		return false
	}
	switch ev.Verb {
	case "update", "patch", "delete":
	default:
		return false
	}
	return allowed(ev) && !controlPlane(ev.User.Username) && !b.own(ev)
}

// hardenedNamespaceObject is true for one of the objects kubeharden makes, by name, in each namespace
// it hardens.
func (b *Baseline) hardenedNamespaceObject(ns, name string, names ...string) bool {
	_, hardened := b.Namespaces[ns]
	return hardened && slices.Contains(names, name)
}

// exceptOwn are the selections of what the tamper rules leave out: refused writes, the control plane's,
// the stack's applies (its field manager) and its deployers' deletes.
func (b *Baseline) exceptOwn() []Selection {
	out := []Selection{refusedByAPI, byControlPlane}
	if b.FieldManager != "" {
		out = append(out, Selection{FieldManagerKey: {b.FieldManager}})
	}
	if len(b.Deployers) > 0 {
		out = append(out, Selection{"verb": {"delete"}, "user.username": b.Deployers, "impersonatedUser.username": {""}})
	}
	return out
}

// nonEmpty is s as a Selection's values: none (a selection that matches nothing) when s is empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// tamperWrites are the verbs of a tamper.
var tamperWrites = []string{"update", "patch", "delete"}

// deleted is the detail of an alert for a delete: the object gone and what the profile says it must be.
// The alert names who did it (Alert.User).
func deleted(ev *auditv1.Event, must string) string {
	return "deleted " + object(ev) + impersonating(ev) + "; the profile says: " + must
}

// alteration is the detail of an alert for an object of the baseline deleted (deleted) or changed in a
// way the rule does not judge further (changed, what).
func alteration(ev *auditv1.Event, what, must string) string {
	if ev.Verb == "delete" {
		return deleted(ev, must)
	}
	return changed(ev, what, must)
}

// changed is the detail of an alert for a change the body does not let the rule judge, or judges bad;
// must, when not empty, is what the profile says.
func changed(ev *auditv1.Event, what, must string) string {
	s := ev.Verb + " of " + object(ev) + impersonating(ev) + ": " + what
	if must != "" {
		s += "; the profile says: " + must
	}
	return s
}

// impersonating names the user the request impersonated, "" when it impersonated none.
func impersonating(ev *auditv1.Event) string {
	if ev.ImpersonatedUser == nil {
		return ""
	}
	return " as " + ev.ImpersonatedUser.Username
}

// unread is what an alert says of a write whose body the audit log does not hold.
const unread = "the audit log holds no body that says what changed"

// TamperRules are the rules that watch the baseline b: a change or deletion of one of its objects by
// anyone other than the stack (b.FieldManager, b.Deployers) and the control plane. They are validated
// like the catalog.
func TamperRules(b Baseline) ([]Rule, error) {
	tenantOrAgent := "Audit logging and threat detection; "
	rules := []Rule{
		{
			ID: "tamper-namespace-pod-security", Title: "A hardened namespace's Pod Security lowered or the namespace deleted",
			Detects: "a tenant's or the log agent's namespace whose pod-security.kubernetes.io enforce, audit or warn label is lowered below the profile's level or removed, or the namespace deleted, by someone other than the stack",
			Why:     "a namespace relabelled privileged admits host access, privileged containers and root for every pod that follows",
			MITRE:   "T1562.001 Impair Defenses: Disable or Modify Tools", ThreatMatrix: "Privileged container",
			Guide: tenantOrAgent + "Pod security", Severity: SeverityCritical,
			Needs: Needs{Level: auditv1.LevelRequest, Requests: requests("patch", "", false, "namespaces")},
			Fields: Fields{
				Match:       []Selection{{"objectRef.apiGroup": {""}, "objectRef.resource": {"namespaces"}, "objectRef.subresource": {""}, "objectRef.name": slices.Sorted(maps.Keys(b.Namespaces)), "verb": tamperWrites}},
				Except:      b.exceptOwn(),
				Approximate: "the Go rule reads the body: a write that leaves the Pod Security labels at or above the profile's levels is not an alert",
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !b.tampered(ev, "", "namespaces") {
					return "", false
				}
				want, ok := b.Namespaces[ev.ObjectRef.Name]
				if !ok {
					return "", false
				}
				if ev.Verb == "delete" {
					return deleted(ev, "the namespace exists with enforce="+want.Enforce), true
				}
				return lowered(ev, want)
			},
		},
		{
			ID: "tamper-network-policy", Title: "A hardened namespace's NetworkPolicy changed or deleted",
			Detects: "a change or deletion of the default-deny, DNS or egress NetworkPolicy kubeharden makes in a tenant's namespace, or of any NetworkPolicy in the log agent's, by someone other than the stack",
			Why:     "without the default deny every pod of the namespace reaches, and is reached by, every other pod and the cloud's metadata endpoint",
			MITRE:   "T1562.001 Impair Defenses: Disable or Modify Tools", ThreatMatrix: "Network mapping",
			Guide: tenantOrAgent + "Network separation and hardening", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: append(requests("patch", "networking.k8s.io", true, "networkpolicies"), requests("delete", "networking.k8s.io", true, "networkpolicies")...)},
			Fields: Fields{
				Match: []Selection{
					{"objectRef.apiGroup": {"networking.k8s.io"}, "objectRef.resource": {"networkpolicies"}, "objectRef.subresource": {""}, "objectRef.namespace": slices.Sorted(maps.Keys(b.Namespaces)), "verb": tamperWrites,
						"objectRef.name": {contract.DefaultDenyPolicyName, contract.DNSEgressPolicyName, contract.CIDREgressPolicyName}},
					{"objectRef.apiGroup": {"networking.k8s.io"}, "objectRef.resource": {"networkpolicies"}, "objectRef.subresource": {""}, "objectRef.namespace": nonEmpty(b.LogAgentNamespace), "verb": tamperWrites},
				},
				Except: b.exceptOwn(),
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !b.tampered(ev, "networking.k8s.io", "networkpolicies") {
					return "", false
				}
				ns, name := ev.ObjectRef.Namespace, ev.ObjectRef.Name
				if !b.hardenedNamespaceObject(ns, name, contract.DefaultDenyPolicyName, contract.DNSEgressPolicyName, contract.CIDREgressPolicyName) &&
					(ns == "" || ns != b.LogAgentNamespace) {
					return "", false
				}
				must := "the policy as the stack applies it"
				if name == contract.DefaultDenyPolicyName {
					must = "every pod of " + ns + " denied all ingress and egress but what other policies allow"
				}
				return alteration(ev, "a NetworkPolicy kubeharden makes, changed outside the stack", must), true
			},
		},
		{
			ID: "tamper-admission-guardrail", Title: "A kubeharden guardrail policy or binding changed or deleted",
			Detects: "a change or deletion of an admission policy, binding, Gatekeeper template or constraint kubeharden makes (named " + contract.AdmissionObjectPrefix + "*), by someone other than the stack",
			Why:     "the guardrail stops refusing what the profile forbids (untrusted registries, latest tags, privileged pods) without anyone changing the profile",
			MITRE:   "T1562.001 Impair Defenses: Disable or Modify Tools", ThreatMatrix: "Malicious admission controller",
			Guide: "Audit logging and threat detection; Pod security", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("delete", "admissionregistration.k8s.io", false, "validatingadmissionpolicies", "validatingadmissionpolicybindings")},
			Fields: Fields{
				Match: []Selection{{"objectRef.apiGroup": {"admissionregistration.k8s.io", "templates.gatekeeper.sh", "constraints.gatekeeper.sh"}, "objectRef.subresource": {""},
					"objectRef.name": {contract.AdmissionObjectPrefix + "*"}, "verb": tamperWrites}},
				Except:      b.exceptOwn(),
				Approximate: "the Go rule reads only the admission policies and bindings of admissionregistration.k8s.io, not its webhook configurations",
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				admission := b.tampered(ev, "admissionregistration.k8s.io", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
					"mutatingadmissionpolicies", "mutatingadmissionpolicybindings")
				gatekeeper := ev.ObjectRef != nil && (ev.ObjectRef.APIGroup == "templates.gatekeeper.sh" || ev.ObjectRef.APIGroup == "constraints.gatekeeper.sh") &&
					b.tampered(ev, ev.ObjectRef.APIGroup, ev.ObjectRef.Resource)
				if (!admission && !gatekeeper) || !strings.HasPrefix(ev.ObjectRef.Name, contract.AdmissionObjectPrefix) {
					return "", false
				}
				must := "the guardrail as the stack applies it, with the guardrails.actions the profile sets"
				return alteration(ev, "a guardrail changed outside the stack", must), true
			},
		},
		{
			ID: "tamper-quota", Title: "A hardened namespace's ResourceQuota or LimitRange changed or deleted",
			Detects: "a change or deletion of the ResourceQuota or LimitRange kubeharden makes in a tenant's or the log agent's namespace, by someone other than the stack",
			Why:     "without them one namespace can starve the node and the cluster of CPU, memory and pods (resource hijacking, denial of service)",
			MITRE:   "T1496 Resource Hijacking", ThreatMatrix: "Resource hijacking",
			Guide: "Pod security (resource policies)", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("delete", "", true, "resourcequotas", "limitranges")},
			Fields: Fields{
				Match: []Selection{{"objectRef.apiGroup": {""}, "objectRef.resource": {"resourcequotas", "limitranges"}, "objectRef.subresource": {""}, "objectRef.namespace": slices.Sorted(maps.Keys(b.Namespaces)),
					"objectRef.name": {contract.QuotaName, contract.LimitRangeName}, "verb": tamperWrites}},
				Except: b.exceptOwn(),
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !b.tampered(ev, "", "resourcequotas", "limitranges") || !b.hardenedNamespaceObject(ev.ObjectRef.Namespace, ev.ObjectRef.Name, contract.QuotaName, contract.LimitRangeName) {
					return "", false
				}
				must := "the tenants[].quota and tenants[].limitRange of the profile"
				return alteration(ev, "limits changed outside the stack", must), true
			},
		},
		{
			ID: "tamper-default-service-account", Title: "A tenant's default ServiceAccount mounts its token again",
			Detects: "the default ServiceAccount of a tenant namespace given automountServiceAccountToken true, or the field removed, or the ServiceAccount deleted (it comes back without the field), by someone other than the stack",
			Why:     "every pod that names no ServiceAccount then carries an API token an attacker in the pod can use",
			MITRE:   "T1528 Steal Application Access Token", ThreatMatrix: "Container service account",
			Guide: "Authentication and authorization", Severity: SeverityMedium,
			Needs: Needs{Level: auditv1.LevelRequest, Requests: requests("patch", "", true, "serviceaccounts")},
			Fields: Fields{
				Match:       []Selection{{"objectRef.apiGroup": {""}, "objectRef.resource": {"serviceaccounts"}, "objectRef.subresource": {""}, "objectRef.namespace": slices.Sorted(maps.Keys(b.Tenants)), "objectRef.name": {"default"}, "verb": tamperWrites}},
				Except:      b.exceptOwn(),
				Approximate: "the Go rule reads the body: a write that leaves automountServiceAccountToken false is not an alert",
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !b.tampered(ev, "", "serviceaccounts") || ev.ObjectRef.Name != "default" || !b.Tenants[ev.ObjectRef.Namespace] {
					return "", false
				}
				const must = "automountServiceAccountToken: false"
				if ev.Verb == "delete" {
					return deleted(ev, must+" (recreated by the ServiceAccount controller without it)"), true
				}
				c := changeOf(ev, "automountServiceAccountToken")
				switch {
				case !c.Known:
					return changed(ev, unread, must), true
				case c.Removed:
					return changed(ev, "automountServiceAccountToken removed (a token is mounted by default)", must), true
				case c.Touched && c.Value != false:
					return changed(ev, fmt.Sprintf("automountServiceAccountToken set to %v", c.Value), must), true
				}
				return "", false
			},
		},
		{
			ID: "tamper-rbac", Title: "A kubeharden role or binding changed or deleted",
			Detects: "a change or deletion of a Role, ClusterRole or binding kubeharden makes (named " + contract.RolePrefix + "*), by someone other than the stack",
			Why:     "a role widened grants its subjects more than the profile's least privilege; a binding changed hands it to someone else",
			MITRE:   "T1098 Account Manipulation", ThreatMatrix: "Cluster-admin binding",
			Guide: "Authentication and authorization", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: requests("patch", "rbac.authorization.k8s.io", false, "clusterroles", "clusterrolebindings")},
			Fields: Fields{
				Match: []Selection{{"objectRef.apiGroup": {"rbac.authorization.k8s.io"}, "objectRef.resource": {"roles", "clusterroles", "rolebindings", "clusterrolebindings"},
					"objectRef.subresource": {""}, "objectRef.name": {contract.RolePrefix + "*"}, "verb": tamperWrites}},
				Except: b.exceptOwn(),
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if !b.tampered(ev, "rbac.authorization.k8s.io", "roles", "clusterroles", "rolebindings", "clusterrolebindings") ||
					!strings.HasPrefix(ev.ObjectRef.Name, contract.RolePrefix) {
					return "", false
				}
				must := "the role or binding as the stack applies it from the profile's rbac and tenants[].access"
				return alteration(ev, "changed outside the stack", must), true
			},
		},
		{
			ID: "tamper-log-agent", Title: "The log agent changed or deleted",
			Detects: "a change or deletion of the log agent's DaemonSet, configuration, ServiceAccount or Secrets in its namespace, by someone other than the stack",
			Why:     "an attacker who stops or reconfigures the agent blinds the SIEM to what follows",
			MITRE:   "T1562.001 Impair Defenses: Disable or Modify Tools", ThreatMatrix: "Clear container logs",
			Guide: "Audit logging and threat detection", Severity: SeverityHigh,
			Needs: Needs{Level: auditv1.LevelMetadata, Requests: append(requests("patch", "apps", true, "daemonsets"), requests("delete", "", true, "configmaps")...)},
			Fields: Fields{
				Match: []Selection{
					{"objectRef.apiGroup": {"apps"}, "objectRef.resource": {"daemonsets"}, "objectRef.subresource": {""}, "objectRef.namespace": nonEmpty(b.LogAgentNamespace), "verb": tamperWrites},
					{"objectRef.apiGroup": {""}, "objectRef.resource": {"configmaps", "secrets", "serviceaccounts"}, "objectRef.subresource": {""}, "objectRef.namespace": nonEmpty(b.LogAgentNamespace), "verb": tamperWrites},
				},
				Except: b.exceptOwn(),
			},
			Match: func(ev *auditv1.Event) (string, bool) {
				if b.LogAgentNamespace == "" || ev.ObjectRef == nil || ev.ObjectRef.Namespace != b.LogAgentNamespace {
					return "", false
				}
				if !b.tampered(ev, "apps", "daemonsets") && !b.tampered(ev, "", "configmaps", "secrets", "serviceaccounts") {
					return "", false
				}
				must := "the agent as the stack applies it from the profile's logging section"
				return alteration(ev, "changed outside the stack", must), true
			},
		},
	}
	if err := Validate(append(DefaultRules(), rules...)); err != nil {
		return nil, fmt.Errorf("the tamper rules: %w", err)
	}
	return rules, nil
}

// podSecurityLabels are the Pod Security labels whose level the profile sets, with the level it sets.
func podSecurityLabels(p config.PodSecurity) [][2]string {
	return [][2]string{{psaapi.EnforceLevelLabel, p.Enforce}, {psaapi.AuditLevelLabel, p.Audit}, {psaapi.WarnLevelLabel, p.Warn}}
}

// lowered judges a namespace write: each Pod Security level label it removes or sets below the
// profile's level is an alert; a write whose body the log does not hold is one too (fail closed).
func lowered(ev *auditv1.Event, want config.PodSecurity) (string, bool) {
	var found []string
	for _, l := range podSecurityLabels(want) {
		label, level := l[0], l[1]
		c := changeOf(ev, "metadata", "labels", label)
		field := fmt.Sprintf("metadata.labels[%q]", label)
		switch {
		case !c.Known:
			return changed(ev, unread, "enforce="+want.Enforce), true
		case !c.Touched:
			continue
		case c.Removed && level != string(psaapi.LevelPrivileged):
			found = append(found, field+" removed")
		case c.Removed:
		default:
			s, _ := c.Value.(string)
			got, err := psaapi.ParseLevel(s)
			if wantLevel, _ := psaapi.ParseLevel(level); err != nil || psaapi.CompareLevels(got, wantLevel) < 0 {
				found = append(found, fmt.Sprintf("%s set to %q (the profile says %q)", field, s, level))
			}
		}
	}
	if len(found) == 0 {
		return "", false
	}
	return changed(ev, strings.Join(found, ", "), ""), true
}
