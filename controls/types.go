package controls

import (
	"iter"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Control is one hardening control.
type Control struct {
	// ID is the control's stable identifier, such as "network-default-deny".
	ID string
	// Level is how hard the control stops a change by default: a mandatory control's violation stops a
	// preview (the policy pack) unless a pack config lowers it; an advisory one is reported.
	Level Level
	// Title says what the control requires, in one sentence.
	Title string
	// Guide is the NSA/CISA Kubernetes Hardening Guide v1.2 section it implements.
	Guide string
	// CIS and Kubescape are the benchmark's and kubescape's ids, where they exist.
	CIS, Kubescape string
	// Inspects says what the control needs to see: objects, control-plane settings, or a whole cluster.
	Inspects Scope
	// Versions are the control's checks by the first Kubernetes minor version each applies to, in
	// increasing order. A change of behaviour adds a version; old entries are never edited.
	Versions []VersionedCheck
}

// VersionedCheck is a control's check from MinimumVersion on: Check, or CheckWorkload for a control that
// judges each workload on its own.
type VersionedCheck struct {
	// MinimumVersion is a Kubernetes minor version such as "1.31".
	MinimumVersion string
	// Check inspects the inventory and returns what fails and the evidence of what passes.
	Check func(inv *Inventory) Result
	// CheckWorkload judges one workload (the inventory is there for what it needs beside it, such as its
	// namespace's policies). Evaluate decodes each workload once for every such check and lets it go.
	CheckWorkload func(inv *Inventory, w Workload) Result
}

// Level is a control's default enforcement level.
type Level string

const (
	// LevelMandatory controls stop a preview by default: the namespace's Pod Security level, its
	// default-deny policy, bindings of cluster-admin or system:masters, RBAC wildcards, an
	// EncryptionConfiguration that stores Secrets in plaintext, and every workload control.
	LevelMandatory Level = "mandatory"
	// LevelAdvisory controls are reported and stop nothing by default.
	LevelAdvisory Level = "advisory"
)

// Scope is what a control inspects, and so which inputs it needs.
type Scope string

const (
	// ScopeObjects controls inspect Kubernetes objects: any manifests, or a live cluster's.
	ScopeObjects Scope = "objects"
	// ScopeControlPlane controls inspect the settings of the control-plane components: the control-plane
	// file set, or the static pods of a live cluster. Without them they are not evaluated.
	ScopeControlPlane Scope = "control-plane"
	// ScopeCluster controls ask whether something exists somewhere in the cluster, such as a log agent;
	// a folder of application manifests cannot answer that, so they are evaluated only on a whole cluster:
	// a live one, or manifests checked together with the control-plane file set.
	ScopeCluster Scope = "cluster"
)

// Result is what one check found.
type Result struct {
	// Findings are what fails.
	Findings []Finding
	// Evidence names the objects and files that show the control is met.
	Evidence []Evidence
	// NotEvaluated, when set, says why the inputs could not answer the control.
	NotEvaluated string
}

// Evidence is one object or file that shows a control is met, and how.
type Evidence struct {
	Object string `json:"object"`
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

// Inventory is what the checks inspect: the decoded objects of manifests or a live cluster, and the
// control-plane settings when the inputs have them.
type Inventory struct {
	Objects []manifests.Object
	// ControlPlane holds the control-plane components' settings; nil when the inputs have none.
	ControlPlane *ControlPlane
	// WholeCluster is true for a live cluster, or manifests checked with the control-plane file set.
	WholeCluster bool
	// OtherKinds counts the objects of kinds the catalog does not decode, by group/kind, such as
	// "ConstraintTemplate.templates.gatekeeper.sh".
	OtherKinds map[string]int

	// Bootstrap maps the key of each object that is the cluster's own bootstrap object to the rule that
	// says so (see bootstrap.go); its findings are exempt with that reason.
	Bootstrap map[string]string

	keysOnce      sync.Once
	keys          map[string]bool
	kindsOnce     sync.Once
	kinds         map[string][]int
	workloadsOnce sync.Once
	workloads     []int

	podSecurityLevels lazy[map[string]podSecurityLevel]
	networkPolicies   lazy[map[string][]networkPolicy]
	limitDefaults     lazy[map[string]corev1.ResourceList]
	serviceAccounts   lazy[serviceAccountIndex]
}

// Finding is one thing that fails a control.
type Finding struct {
	// Control is the failing control's ID.
	Control string `json:"control"`
	// Object is kind/namespace/name (or kind/name) of the object at fault, or the file.
	Object string `json:"object"`
	// Path is the file the object came from, when it came from a file; Line and Column are where the
	// object starts in it (0 when unknown, as for a live cluster's objects).
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Field is the full field path at fault, when there is one, such as
	// "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation".
	Field string `json:"field,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Remedy says what would make it pass.
	Remedy string `json:"remedy"`
}

// ByKind yields the inventory's objects of one kind, in order. The objects are indexed by kind once.
func (inv *Inventory) ByKind(kind string) iter.Seq[manifests.Object] {
	inv.kindsOnce.Do(func() {
		inv.kinds = map[string][]int{}
		for i, o := range inv.Objects {
			inv.kinds[o.GVK.Kind] = append(inv.kinds[o.GVK.Kind], i)
		}
	})
	return func(yield func(manifests.Object) bool) {
		for _, i := range inv.kinds[kind] {
			if !yield(inv.Objects[i]) {
				return
			}
		}
	}
}

// systemNamespaces are the cluster's own namespaces, which the namespace controls leave to the control
// plane's PodSecurity exemptions.
var systemNamespaces = setOf(contract.SystemNamespaces)

// workloadFreeNamespaces are namespaces where no workload belongs (control no-workloads-in-default-namespaces);
// the namespace controls leave them to it.
var workloadFreeNamespaces = setOf(contract.WorkloadFreeNamespaces)

func setOf(names []string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// userNamespaces yields the inventory's Namespace objects that hold user workloads.
func (inv *Inventory) userNamespaces() iter.Seq[manifests.Object] {
	return func(yield func(manifests.Object) bool) {
		for ns := range inv.ByKind("Namespace") {
			if !systemNamespaces[ns.Name] && !workloadFreeNamespaces[ns.Name] && !yield(ns) {
				return
			}
		}
	}
}

// NewInventory is the inventory of the objects and control-plane configuration documents a check read:
// the control-plane settings made of them (NewControlPlane), the cluster's own bootstrap objects, and
// whether they are a whole cluster (live, or manifests with the API server's settings). otherKinds
// counts the objects of kinds no control inspects.
func NewInventory(objects, configs []manifests.Object, live bool, otherKinds map[string]int) (*Inventory, error) {
	cp, err := NewControlPlane(configs, objects)
	if err != nil {
		return nil, err
	}
	return &Inventory{Objects: objects, ControlPlane: cp, WholeCluster: live || (cp != nil && cp.APIServer != nil),
		OtherKinds: otherKinds, Bootstrap: bootstrapObjects(objects)}, nil
}
