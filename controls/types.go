package controls

import (
	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Control is one hardening control.
type Control struct {
	// ID is the control's stable identifier, such as "network-default-deny".
	ID string
	// Title says what the control requires, in one sentence.
	Title string
	// Guide is the NSA/CISA Kubernetes Hardening Guide v1.2 section it implements.
	Guide string
	// CIS and Kubescape are the benchmark's and kubescape's ids, where they exist.
	CIS, Kubescape string
	// Versions are the control's checks by the first Kubernetes minor version each applies to, in
	// increasing order. A change of behaviour adds a version; old entries are never edited.
	Versions []VersionedCheck
}

// VersionedCheck is a control's check from MinimumVersion on.
type VersionedCheck struct {
	// MinimumVersion is a Kubernetes minor version such as "1.31".
	MinimumVersion string
	// Check inspects the inventory and returns what fails; nothing when the control passes.
	Check func(inv *Inventory) []Finding
}

// Inventory is what the checks inspect: the decoded objects of a manifest folder or a cluster.
type Inventory struct {
	Objects []manifests.Object
}

// Finding is one thing that fails a control.
type Finding struct {
	// Control is the failing control's ID.
	Control string `json:"control"`
	// Object is kind/namespace/name (or kind/name) of the object at fault, or the file.
	Object string `json:"object"`
	// Path is the file the object came from, when it came from a file.
	Path string `json:"path,omitempty"`
	// Field is the field path at fault, when there is one.
	Field string `json:"field,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Remedy says what would make it pass.
	Remedy string `json:"remedy"`
}

// ByKind returns the inventory's objects of one kind.
func (inv *Inventory) ByKind(kind string) []manifests.Object {
	var out []manifests.Object
	for _, o := range inv.Objects {
		if o.GVK.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// systemNamespaces are the cluster's own namespaces, which the namespace controls leave to the control
// plane's PodSecurity exemptions.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// userNamespaces are the inventory's Namespace objects that hold user workloads.
func (inv *Inventory) userNamespaces() []manifests.Object {
	var out []manifests.Object
	for _, ns := range inv.ByKind("Namespace") {
		if !systemNamespaces[ns.Name] {
			out = append(out, ns)
		}
	}
	return out
}
