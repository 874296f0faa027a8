package controls

import (
	"github.com/kubeharden/kubeharden/controls/manifests"
)

// Every object is judged, in every namespace. What is exempt is said by the profile's exemptions, each
// with its reason, and by the rules below for the cluster's own bootstrap objects: each matches what an
// object is (the labels its maker sets), never a name alone, and its reason is shown in every report as
// an exemption's is.

// BootstrapLabel and BootstrapRBAC mark the RBAC objects the API server creates itself at every start
// (the rbac/bootstrap-roles post-start hook): cluster-admin, admin, edit, view, the system:* roles and
// their bindings.
const (
	BootstrapLabel = "kubernetes.io/bootstrapping"
	BootstrapRBAC  = "rbac-defaults"
)

// MirrorPodAnnotation is set by the kubelet on the API server's copy of a static pod.
const MirrorPodAnnotation = "kubernetes.io/config.mirror"

// controlPlaneComponents are the static pods kubeadm writes, by their component label.
var controlPlaneComponents = map[string]bool{"kube-apiserver": true, "kube-controller-manager": true, "kube-scheduler": true, "etcd": true}

// bootstrapRule says why an object is the cluster's own, or "" when it is not.
func bootstrapRule(o manifests.Object) string {
	m := o.Meta()
	if m == nil {
		return ""
	}
	labels := m.GetLabels()
	switch o.GVK.Kind {
	case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
		if labels[BootstrapLabel] == BootstrapRBAC {
			return "the API server's own bootstrap RBAC (label " + BootstrapLabel + "=" + BootstrapRBAC + "), which it recreates at every start"
		}
	case "Pod":
		// A static pod of the control plane, as kubeadm labels it, in kube-system; in a live cluster also
		// a mirror pod, which only a kubelet creates.
		_, mirror := m.GetAnnotations()[MirrorPodAnnotation]
		if o.Namespace == "kube-system" && labels["tier"] == "control-plane" && controlPlaneComponents[labels["component"]] && (o.Path != "" || mirror) {
			return "a control-plane static pod (" + labels["component"] + ", labels tier=control-plane in kube-system): it runs on the host by design, and the control-plane controls judge its settings"
		}
	}
	return ""
}

// bootstrapObjects maps the key of each of the objects that is the cluster's own to its rule.
func bootstrapObjects(objs []manifests.Object) map[string]string {
	out := map[string]string{}
	for _, o := range objs {
		if reason := bootstrapRule(o); reason != "" {
			out[o.Key()] = reason
		}
	}
	return out
}

// BootstrapExemption is why a finding of control c is exempt as the cluster's own bootstrap object
// (bootstrap maps such objects' keys to their rule, as Inventory.Bootstrap does): only the object
// controls exempt them, the control-plane controls judge their settings. False when it is not exempt.
func BootstrapExemption(c Control, f Finding, bootstrap map[string]string) (string, bool) {
	reason, ok := bootstrap[f.Object]
	if !ok || c.Inspects != ScopeObjects {
		return "", false
	}
	return "bootstrap rule: " + reason, true
}
