package controls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeharden/kubeharden/controls/manifests"
)

// TestAStaticPodIsTheClustersOwnOnlyAsAMirrorPod: a control-plane static pod in a live cluster is exempt
// only as a mirror pod, which only a kubelet makes; and only the object controls exempt it.
func TestAStaticPodIsTheClustersOwnOnlyAsAMirrorPod(t *testing.T) {
	pod := func(annotations map[string]string) manifests.Object {
		return manifests.NewObject("", corev1.SchemeGroupVersion.WithKind("Pod"), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
			Name: "kube-apiserver-cp1", Namespace: "kube-system", Annotations: annotations,
			Labels: map[string]string{"tier": "control-plane", "component": "kube-apiserver"}}})
	}
	assert.NotEmpty(t, bootstrapRule(pod(map[string]string{MirrorPodAnnotation: "abc"})))
	assert.Empty(t, bootstrapRule(pod(nil)), "a pod created through the API with the labels is judged")

	mirror := pod(map[string]string{MirrorPodAnnotation: "abc"})
	bootstrap := bootstrapObjects([]manifests.Object{mirror})
	f := Finding{Object: mirror.Key()}
	reason, ok := BootstrapExemption(Control{Inspects: ScopeObjects}, f, bootstrap)
	assert.True(t, ok)
	assert.Contains(t, reason, "bootstrap rule: a control-plane static pod")
	_, ok = BootstrapExemption(Control{Inspects: ScopeControlPlane}, f, bootstrap)
	assert.False(t, ok, "the control-plane controls judge its settings")
}
