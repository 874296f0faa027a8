package e2e

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/podsecurity"
)

// compliantPod passes Pod Security restricted and every guardrail of the cluster stack.
func compliantPod() *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "app"}, Spec: podsecurity.Restricted()}
}

func deploymentOf(pod *corev1.Pod) *appsv1.Deployment {
	labels := map[string]string{"app": "app"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "app"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: pod.Spec},
		},
	}
}

// checkGuardrails creates, in a restricted tenant namespace, at least 20 non-compliant pods and
// workloads, each a compliant one with one thing changed, and expects each refused for its reason; then
// a compliant Deployment, which must be accepted.
func checkGuardrails(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "app"}, AutomountServiceAccountToken: ptr.To(false),
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	pod := func(change func(p *corev1.Pod)) func() error {
		return func() error {
			p := compliantPod()
			change(p)
			_, err := c.Client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
			return err
		}
	}
	container := func(change func(c *corev1.Container)) func() error {
		return pod(func(p *corev1.Pod) { change(&p.Spec.Containers[0]) })
	}
	deployment := func(change func(p *corev1.Pod)) func() error {
		return func() error {
			p := compliantPod()
			change(p)
			_, err := c.Client.AppsV1().Deployments(ns).Create(ctx, deploymentOf(p), metav1.CreateOptions{})
			return err
		}
	}
	service := func(typ corev1.ServiceType) func() error {
		return func() error {
			_, err := c.Client.CoreV1().Services(ns).Create(ctx, &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: "exposed"},
				Spec:       corev1.ServiceSpec{Type: typ, Selector: map[string]string{"app": "app"}, Ports: []corev1.ServicePort{{Port: 80}}},
			}, metav1.CreateOptions{})
			return err
		}
	}
	psa := `violates PodSecurity "restricted:v1.36"`
	cases := []struct {
		name   string
		create func() error
		want   []string // every one must be in the refusal
	}{
		{"privileged", container(func(c *corev1.Container) {
			c.SecurityContext.Privileged = ptr.To(true)
			c.SecurityContext.AllowPrivilegeEscalation = nil // the API refuses privileged beside allowPrivilegeEscalation: false
		}), []string{psa, "privileged"}},
		{"privilege escalation", container(func(c *corev1.Container) { c.SecurityContext.AllowPrivilegeEscalation = ptr.To(true) }), []string{psa, "allowPrivilegeEscalation != false"}},
		{"added capability", container(func(c *corev1.Container) { c.SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"} }), []string{psa, "unrestricted capabilities"}},
		{"capabilities not dropped", container(func(c *corev1.Container) { c.SecurityContext.Capabilities = nil }), []string{psa, "unrestricted capabilities"}},
		{"host network", pod(func(p *corev1.Pod) { p.Spec.HostNetwork = true }), []string{psa, "host namespaces"}},
		{"host PID", pod(func(p *corev1.Pod) { p.Spec.HostPID = true }), []string{psa, "host namespaces"}},
		{"host IPC", pod(func(p *corev1.Pod) { p.Spec.HostIPC = true }), []string{psa, "host namespaces"}},
		{"host path", pod(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}}}
		}), []string{psa, `restricted volume type "hostPath"`}},
		{"host port", container(func(c *corev1.Container) { c.Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 80}} }), []string{psa, "hostPort"}},
		{"runs as root", pod(func(p *corev1.Pod) {
			p.Spec.SecurityContext.RunAsNonRoot = nil
			p.Spec.SecurityContext.RunAsUser = ptr.To(int64(0))
		}), []string{psa, "runAsUser=0"}},
		{"non-root not required", pod(func(p *corev1.Pod) { p.Spec.SecurityContext.RunAsNonRoot = ptr.To(false) }), []string{psa, "runAsNonRoot != true"}},
		{"no seccomp profile", pod(func(p *corev1.Pod) { p.Spec.SecurityContext.SeccompProfile = nil }), []string{psa, "seccompProfile"}},
		{"unconfined seccomp", pod(func(p *corev1.Pod) {
			p.Spec.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		}), []string{psa, "seccompProfile"}},
		{"unsafe sysctl", pod(func(p *corev1.Pod) {
			p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "kernel.msgmax", Value: "65536"}}
		}), []string{psa, "forbidden sysctls"}},
		{"custom SELinux type", pod(func(p *corev1.Pod) {
			p.Spec.SecurityContext.SELinuxOptions = &corev1.SELinuxOptions{Type: "spc_t"}
		}), []string{psa, "seLinuxOptions"}},
		{"latest tag", container(func(c *corev1.Container) { c.Image = "registry.k8s.io/pause:latest" }), []string{"kubeharden-image-tag", "registry.k8s.io/pause:latest"}},
		{"untagged image", container(func(c *corev1.Container) { c.Image = "registry.k8s.io/pause" }), []string{"kubeharden-image-tag", "registry.k8s.io/pause"}},
		{"foreign registry", container(func(c *corev1.Container) { c.Image = "docker.io/library/nginx:1.27" }), []string{"kubeharden-allowed-registries", "docker.io/library/nginx:1.27"}},
		{"registry prefix trick", container(func(c *corev1.Container) { c.Image = "registry.k8s.io.evil.example/pause:3.10" }), []string{"kubeharden-allowed-registries"}},
		{"default service account", pod(func(p *corev1.Pod) { p.Spec.ServiceAccountName = "" }), []string{"kubeharden-service-account"}},
		{"deployment from a foreign registry", deployment(func(p *corev1.Pod) { p.Spec.Containers[0].Image = "quay.io/acme/app:1.0" }), []string{"kubeharden-allowed-registries", "quay.io/acme/app:1.0"}},
		{"deployment without limits", deployment(func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Limits = nil }), []string{"kubeharden-resource-limits", "app"}},
		{"deployment on the default service account", deployment(func(p *corev1.Pod) { p.Spec.ServiceAccountName = "default" }), []string{"kubeharden-service-account"}},
		{"cron job with latest", func() error {
			p := compliantPod()
			p.Spec.Containers[0].Image = "ghcr.io/kubeharden/job:latest"
			p.Spec.RestartPolicy = corev1.RestartPolicyNever
			_, err := c.Client.BatchV1().CronJobs(ns).Create(ctx, &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
				Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
					Template: corev1.PodTemplateSpec{Spec: p.Spec}}}},
			}, metav1.CreateOptions{})
			return err
		}, []string{"kubeharden-image-tag", "ghcr.io/kubeharden/job:latest"}},
		{"NodePort service", service(corev1.ServiceTypeNodePort), []string{"kubeharden-service-type", "NodePort"}},
		{"LoadBalancer service", service(corev1.ServiceTypeLoadBalancer), []string{"kubeharden-service-type", "LoadBalancer"}},
	}
	require.GreaterOrEqual(t, len(cases), 20)
	for _, tc := range cases {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			err := tc.create()
			require.Error(t, err, "must be refused")
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	t.Run("accepts a compliant deployment", func(t *testing.T) {
		d, err := c.Client.AppsV1().Deployments(ns).Create(ctx, deploymentOf(compliantPod()), metav1.CreateOptions{})
		require.NoError(t, err)
		assert.Equal(t, "app", d.Name)
		_, err = c.Client.CoreV1().Pods(ns).Create(ctx, compliantPod(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		require.NoError(t, err, "and a compliant pod")
	})
}
