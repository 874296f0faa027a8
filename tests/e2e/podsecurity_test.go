package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/podsecurity"
)

// podSecurityRefusal is what the template policies' refusals say, and Pod Security admission's.
const (
	templateRefusal = "ValidatingAdmissionPolicy '" + guardrails.PodSecurityPolicyName + "'"
	podRefusal      = "violates PodSecurity"
)

// checkPodSecurityTemplates shows, on the real API server, that a workload of every kind with a pod
// template is refused when it is created if its template breaks the namespace's Pod Security level,
// with a message that names the field; and that the template policies refuse exactly the templates
// that Pod Security admission refuses as pods: every case of tests/podsecurity and every pod template of
// the real-world corpus, in a restricted tenant namespace (ns) and a baseline one made here.
func checkPodSecurityTemplates(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	ctx := context.Background()
	hostPath := podsecurity.Restricted()
	hostPath.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}}}
	template := func(spec corev1.PodSpec, restart corev1.RestartPolicy) corev1.PodTemplateSpec {
		spec.RestartPolicy = restart
		return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "app"}}, Spec: spec}
	}
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "app"}}
	meta := metav1.ObjectMeta{Name: "host-path"}
	kinds := map[string]func(spec corev1.PodSpec, opts metav1.CreateOptions) error{
		"Deployment": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: meta,
				Spec: appsv1.DeploymentSpec{Selector: selector, Template: template(s, "")}}, opts)
			return err
		},
		"StatefulSet": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.AppsV1().StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{ObjectMeta: meta,
				Spec: appsv1.StatefulSetSpec{Selector: selector, Template: template(s, "")}}, opts)
			return err
		},
		"DaemonSet": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: meta,
				Spec: appsv1.DaemonSetSpec{Selector: selector, Template: template(s, "")}}, opts)
			return err
		},
		"ReplicaSet": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: meta,
				Spec: appsv1.ReplicaSetSpec{Selector: selector, Template: template(s, "")}}, opts)
			return err
		},
		"Job": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{ObjectMeta: meta,
				Spec: batchv1.JobSpec{Template: template(s, corev1.RestartPolicyNever)}}, opts)
			return err
		},
		"CronJob": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.BatchV1().CronJobs(ns).Create(ctx, &batchv1.CronJob{ObjectMeta: meta,
				Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{
					Spec: batchv1.JobSpec{Template: template(s, corev1.RestartPolicyNever)}}}}, opts)
			return err
		},
		"ReplicationController": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			tmpl := template(s, "")
			_, err := c.Client.CoreV1().ReplicationControllers(ns).Create(ctx, &corev1.ReplicationController{ObjectMeta: meta,
				Spec: corev1.ReplicationControllerSpec{Selector: map[string]string{"app": "app"}, Template: &tmpl}}, opts)
			return err
		},
		"PodTemplate": func(s corev1.PodSpec, opts metav1.CreateOptions) error {
			_, err := c.Client.CoreV1().PodTemplates(ns).Create(ctx, &corev1.PodTemplate{ObjectMeta: meta, Template: template(s, "")}, opts)
			return err
		},
	}
	for kind, create := range kinds {
		t.Run("refuses a "+kind+" whose template mounts a hostPath", func(t *testing.T) {
			err := create(hostPath, metav1.CreateOptions{})
			require.Error(t, err, "must be refused when it is created")
			path := "spec.template.spec"
			switch kind {
			case "CronJob":
				path = "spec.jobTemplate.spec.template.spec"
			case "PodTemplate":
				path = "template.spec"
			}
			assert.Contains(t, err.Error(), templateRefusal)
			assert.Contains(t, err.Error(), `violates PodSecurity "restricted": (hostPath volumes): `+path+`.volumes: "host" must not be hostPath volumes; `+
				`(restricted volume types): `+path+`.volumes: "host" must be of the types configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret`)
			compliant := create(podsecurity.Restricted(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			require.NoError(t, compliant, "the same %s with a compliant template is admitted", kind)
		})
	}

	// A baseline tenant namespace beside the restricted one.
	const baselineNS = "tenant-baseline"
	_, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: baselineNS, Labels: map[string]string{
		contract.TenantLabel: baselineNS, psaapi.EnforceLevelLabel: string(psaapi.LevelBaseline),
	}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	defer deleteNamespace(t, c, baselineNS) // the live check that follows judges the profile's namespaces
	_, err = c.Client.CoreV1().ServiceAccounts(baselineNS).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "app"}, AutomountServiceAccountToken: ptr.To(false)}, metav1.CreateOptions{})
	require.NoError(t, err)

	t.Run("refuses the templates Pod Security admission refuses as pods", func(t *testing.T) {
		cases := append(podsecurity.Cases(), podsecurity.CorpusTemplates(t)...)
		dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
		refused, invalid := 0, 0
		for _, level := range []struct {
			ns    string
			level psaapi.Level
		}{{ns, psaapi.LevelRestricted}, {baselineNS, psaapi.LevelBaseline}} {
			for i, tc := range cases {
				spec := forTheOtherGuardrails(tc.Spec)
				name := "case-" + strings.ToLower(string(level.level[:1])) + "-" + strconv.Itoa(i)
				pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: tc.Annotations}, Spec: spec}
				_, podErr := c.Client.CoreV1().Pods(level.ns).Create(ctx, pod, dry)
				d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: appsv1.DeploymentSpec{Selector: selector,
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "app"}, Annotations: tc.Annotations}, Spec: spec}}}
				_, deployErr := c.Client.AppsV1().Deployments(level.ns).Create(ctx, d, dry)
				podRefused := podErr != nil && strings.Contains(podErr.Error(), podRefusal)
				if podErr != nil && !podRefused {
					// The API's own validation refused the pod (a corpus template that names, say, a
					// priority class this cluster lacks): nothing to compare.
					invalid++
					t.Logf("%s: not a pod this cluster accepts: %v", tc.Name, podErr)
					continue
				}
				templateRefused := deployErr != nil && strings.Contains(deployErr.Error(), templateRefusal)
				if deployErr != nil && !templateRefused {
					t.Errorf("%s at %s: the Deployment was refused for another reason: %v", tc.Name, level.level, deployErr)
					continue
				}
				want, reasons := podsecurity.Allows(level.level, podsecurity.Case{Annotations: tc.Annotations, Spec: spec})
				assert.Equal(t, !want, podRefused, "%s at %s: the API server's Pod Security and the library disagree: %v", tc.Name, level.level, podErr)
				if assert.Equal(t, podRefused, templateRefused, "%s at %s: pod %v; Deployment %v", tc.Name, level.level, podErr, deployErr) && podRefused {
					refused++
					assert.Contains(t, deployErr.Error(), `violates PodSecurity "`+string(level.level)+`"`)
					for _, r := range reasons {
						assert.Contains(t, deployErr.Error(), "("+r+")", "%s at %s: the refusal names each of Pod Security's reasons", tc.Name, level.level)
					}
				}
			}
		}
		assert.Greater(t, refused, 50)
		assert.Less(t, invalid, len(cases)/10, "most templates are valid pods")
		t.Logf("%d templates at two levels: %d refused as Pod Security refuses their pods, %d not valid pods here", len(cases), refused, invalid)
	})
}

// forTheOtherGuardrails gives every container an allowed image, limits and requests, and the pod a
// ServiceAccount of its own, so that only Pod Security can refuse it. None of these are Pod Security's.
func forTheOtherGuardrails(spec corev1.PodSpec) corev1.PodSpec {
	spec = *spec.DeepCopy()
	spec.ServiceAccountName, spec.DeprecatedServiceAccount = "app", ""
	spec.RestartPolicy = ""
	spec.PriorityClassName = ""
	for _, list := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range list {
			list[i].Image = "registry.k8s.io/pause:3.10"
			list[i].Resources = podsecurity.Resources()
		}
	}
	return spec
}

// deleteNamespace deletes a namespace and waits until it is gone.
func deleteNamespace(t *testing.T, c *cluster.Cluster, name string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, c.Client.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}))
	cluster.WaitFor(t, "namespace "+name+" to be gone after its deletion", time.Minute, func() error {
		_, err := c.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there: %v", err)
	})
}

// checkSeccompAudit shows the seccomp audit option on the real API server: in the tenant namespace that
// asks for it (audited), a pod that names no seccomp profile is admitted with kubeharden's audit profile
// (the MutatingAdmissionPolicy runs before Pod Security, which allows Localhost profiles), and a pod
// that names its own keeps it; in another tenant (plain), a pod without a profile is still refused by
// Pod Security restricted.
func checkSeccompAudit(t *testing.T, c *cluster.Cluster, audited, plain string) {
	t.Helper()
	ctx := context.Background()
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	pod := func(seccomp *corev1.SeccompProfile) *corev1.Pod {
		spec := podsecurity.Restricted()
		spec.SecurityContext.SeccompProfile = seccomp
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "audited"}, Spec: spec}
	}
	_, err := c.Client.CoreV1().ServiceAccounts(audited).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "app"}, AutomountServiceAccountToken: ptr.To(false)}, metav1.CreateOptions{})
	require.NoError(t, err)
	got, err := c.Client.CoreV1().Pods(audited).Create(ctx, pod(nil), dry)
	require.NoError(t, err, "the pod gets the audit profile, which Pod Security restricted allows")
	require.NotNil(t, got.Spec.SecurityContext.SeccompProfile)
	assert.Equal(t, corev1.SeccompProfileTypeLocalhost, got.Spec.SecurityContext.SeccompProfile.Type)
	assert.Equal(t, contract.SeccompAuditProfile, ptr.Deref(got.Spec.SecurityContext.SeccompProfile.LocalhostProfile, ""))

	own, err := c.Client.CoreV1().Pods(audited).Create(ctx, pod(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}), dry)
	require.NoError(t, err)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, own.Spec.SecurityContext.SeccompProfile.Type, "a pod's own profile is kept")

	// No pod-level securityContext at all, the profile (and non-root) on the container.
	containerOwn := pod(nil)
	containerOwn.Spec.SecurityContext = nil
	sc := containerOwn.Spec.Containers[0].SecurityContext
	sc.RunAsNonRoot, sc.RunAsUser = ptr.To(true), ptr.To(int64(65532))
	sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	got, err = c.Client.CoreV1().Pods(audited).Create(ctx, containerOwn, dry)
	require.NoError(t, err)
	if got.Spec.SecurityContext != nil {
		assert.Nil(t, got.Spec.SecurityContext.SeccompProfile, "a pod whose containers name their profile is left alone")
	}

	_, err = c.Client.CoreV1().Pods(plain).Create(ctx, pod(nil), dry)
	require.Error(t, err, "no audit profile in a tenant that did not ask for it")
	assert.Contains(t, err.Error(), "seccompProfile")
}
