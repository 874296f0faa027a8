package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/components/guardrails"
	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/controls/live"
	"github.com/kubeharden/kubeharden/tests/cluster"
	"github.com/kubeharden/kubeharden/tests/podsecurity"
)

// TestControlPlane starts one control plane from the rendered files and proves each hardening on it,
// one subtest a proof. The subtests share it: none depends on another's effects.
func TestControlPlane(t *testing.T) {
	c := cluster.Start(t, nil)
	t.Run("the API server runs on the rendered files", func(t *testing.T) { apiServerRuns(t, c) })
	t.Run("secrets are encrypted in etcd", func(t *testing.T) { secretsEncrypted(t, c) })
	t.Run("etcd refuses a client certificate from the cluster CA", func(t *testing.T) { etcdSeparateCA(t, c) })
	t.Run("anonymous requests are refused", func(t *testing.T) { anonymousRefused(t, c) })
	t.Run("TLS 1.0 and 1.1 are refused", func(t *testing.T) { oldTLSRefused(t, c) })
	t.Run("the audit log records secret reads at Metadata only", func(t *testing.T) { auditSecretReads(t, c) })
	t.Run("the cluster Pod Security default refuses a privileged pod", func(t *testing.T) { podSecurityDefault(t, c) })
	t.Run("the guardrails judge on this version", func(t *testing.T) { guardrailsJudge(t, c) })
	// Last: it restarts the API server three times.
	t.Run("key rotation keeps every secret readable", func(t *testing.T) { keyRotation(t, c) })
}

func randomValue(t *testing.T) string {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "plaintext-" + hex.EncodeToString(b)
}

func newNamespace(t *testing.T, c *cluster.Cluster, prefix string) string {
	t.Helper()
	ns, err := c.Client.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	return ns.Name
}

func apiServerRuns(t *testing.T, c *cluster.Cluster) {
	v, err := c.Client.Discovery().ServerVersion()
	require.NoError(t, err)
	assert.Equal(t, "v"+c.Inputs.Profile.KubernetesVersion, v.GitVersion)
}

func secretsEncrypted(t *testing.T, c *cluster.Cluster) {
	ctx := context.Background()
	ns := newNamespace(t, c, "enc")
	value := randomValue(t)
	_, err := c.Client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"}, StringData: map[string]string{"password": value},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	etcd, err := c.Etcd(c.Inputs.PKI.APIServerEtcdClient)
	require.NoError(t, err)
	defer etcd.Close()
	resp, err := etcd.Get(ctx, "/registry/secrets/"+ns+"/db")
	require.NoError(t, err)
	require.Len(t, resp.Kvs, 1)
	stored := string(resp.Kvs[0].Value)
	want := controlplane.StoragePrefix(c.Inputs.Profile.ControlPlane.Encryption, c.Inputs.EncryptionKeys)
	assert.True(t, strings.HasPrefix(stored, want), "stored as %q..., want prefix %q", stored[:min(40, len(stored))], want)
	assert.NotContains(t, stored, value)
}

func etcdSeparateCA(t *testing.T, c *cluster.Cluster) {
	refusedCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	etcd, err := c.Etcd(c.Inputs.PKI.Admin) // a cluster-admin certificate, from the cluster CA
	if err == nil {
		defer etcd.Close()
		_, err = etcd.Get(refusedCtx, "/registry/namespaces/default")
	}
	require.Error(t, err, "etcd must refuse a certificate of the cluster CA")

	ctx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	good, err := c.Etcd(c.Inputs.PKI.APIServerEtcdClient)
	require.NoError(t, err)
	defer good.Close()
	_, err = good.Get(ctx, "/registry/namespaces/default")
	require.NoError(t, err, "the apiserver-etcd-client certificate of the etcd CA is accepted")
}

func anonymousRefused(t *testing.T, c *cluster.Cluster) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.CAPool()}}}
	for _, path := range []string{"/api/v1/namespaces", "/version", "/healthz"} {
		resp, err := client.Get(c.Admin.Host + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, path)
	}
}

func oldTLSRefused(t *testing.T, c *cluster.Cluster) {
	host := strings.TrimPrefix(c.APIServerURL(), "https://")
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		conn, err := tls.Dial("tcp", host, &tls.Config{RootCAs: c.CAPool(), MinVersion: v, MaxVersion: v})
		if err == nil {
			conn.Close()
		}
		assert.Error(t, err, "a TLS %x handshake must fail", v)
	}
	conn, err := tls.Dial("tcp", host, &tls.Config{RootCAs: c.CAPool(), MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12})
	require.NoError(t, err, "TLS 1.2 works")
	conn.Close()
}

func auditSecretReads(t *testing.T, c *cluster.Cluster) {
	ctx := context.Background()
	ns := newNamespace(t, c, "audit")
	value := randomValue(t)
	_, err := c.Client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "token"}, StringData: map[string]string{"token": value},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.Client.CoreV1().Secrets(ns).Get(ctx, "token", metav1.GetOptions{})
	require.NoError(t, err)

	// The log backend writes asynchronously; wait for the read to appear.
	var events []map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		events = nil
		sc := bufio.NewScanner(strings.NewReader(c.AuditLog(t)))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var e map[string]any
			require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
			ref, _ := e["objectRef"].(map[string]any)
			if ref != nil && ref["resource"] == "secrets" && ref["namespace"] == ns && e["verb"] == "get" {
				events = append(events, e)
			}
		}
		if len(events) > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	require.NotEmpty(t, events, "the secret read is in the audit log")
	for _, e := range events {
		assert.Equal(t, "Metadata", e["level"])
		assert.NotContains(t, e, "responseObject")
		assert.NotEqual(t, "RequestReceived", e["stage"])
	}
	assert.NotContains(t, c.AuditLog(t), value, "no secret value in the audit log")
	assert.NotContains(t, c.AuditLog(t), "dG9rZW4", "nor its base64")
}

func podSecurityDefault(t *testing.T, c *cluster.Cluster) {
	ctx := context.Background()
	ns := newNamespace(t, c, "psa")
	// Pod creation needs the namespace's default ServiceAccount, which the controller-manager creates.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := c.Client.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "no default ServiceAccount in %s: %v", ns, err)
		time.Sleep(250 * time.Millisecond)
	}

	privileged := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "root"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "registry.k8s.io/pause:3.10",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
	_, err := c.Client.CoreV1().Pods(ns).Create(ctx, privileged, metav1.CreateOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `violates PodSecurity "restricted:`+c.Inputs.Profile.PodSecurity.Version+`"`)
	assert.Contains(t, err.Error(), "privileged")

	compliant := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "ok"},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: "c", Image: "registry.k8s.io/pause:3.10",
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr.To(false),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
	_, err = c.Client.CoreV1().Pods(ns).Create(ctx, compliant, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	require.NoError(t, err, "a restricted-compliant pod is accepted in the same namespace")
}

func keyRotation(t *testing.T, c *cluster.Cluster) {
	ctx := context.Background()
	ns := newNamespace(t, c, "rotate")
	const n = 100
	values := map[string]string{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("s-%03d", i)
		values[name] = randomValue(t)
		_, err := c.Client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: map[string]string{"v": values[name]},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	oldKey := c.Inputs.EncryptionKeys[0]
	newKey, err := controlplane.NewEncryptionKey("key-2")
	require.NoError(t, err)

	// 1. add the new key second, roll the API server
	c.Inputs.EncryptionKeys, err = controlplane.AddKey(c.Inputs.EncryptionKeys, newKey)
	require.NoError(t, err)
	c.Reconfigure(t)
	// 2. make it first, roll
	c.Inputs.EncryptionKeys, err = controlplane.PromoteKey(c.Inputs.EncryptionKeys, newKey.Name)
	require.NoError(t, err)
	c.Reconfigure(t)
	// 3. rewrite every secret
	client, err := live.NewClient(c.Admin)
	require.NoError(t, err)
	rewritten, err := controlplane.RewriteSecrets(ctx, client)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rewritten, n)
	// 4. drop the old key, roll
	c.Inputs.EncryptionKeys, err = controlplane.RemoveKey(c.Inputs.EncryptionKeys, oldKey.Name)
	require.NoError(t, err)
	c.Reconfigure(t)

	encConfig, err := os.ReadFile(c.Paths.EncryptionConfig())
	require.NoError(t, err)
	assert.NotContains(t, string(encConfig), oldKey.Name)
	assert.NotContains(t, string(encConfig), oldKey.Secret)

	etcd, err := c.Etcd(c.Inputs.PKI.APIServerEtcdClient)
	require.NoError(t, err)
	defer etcd.Close()
	prefix := controlplane.StoragePrefix(c.Inputs.Profile.ControlPlane.Encryption, []controlplane.EncryptionKey{newKey})
	for name, value := range values {
		s, err := c.Client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err, "secret %s readable after rotation", name)
		assert.Equal(t, value, string(s.Data["v"]), name)
		resp, err := etcd.Get(ctx, "/registry/secrets/"+ns+"/"+name)
		require.NoError(t, err)
		require.Len(t, resp.Kvs, 1)
		assert.True(t, strings.HasPrefix(string(resp.Kvs[0].Value), prefix), "%s is stored under the new key", name)
	}
}

// TestControlPlaneWithOIDC proves that the API server accepts the rendered AuthenticationConfiguration
// (apiserver.config.k8s.io/v1 from 1.34, v1beta1 before; its anonymous section from 1.32, the
// --anonymous-auth flag before) and the audit webhook backend in batch mode, and that anonymous requests
// stay refused whether the file or the flag switches them off.
// Neither the issuer nor the audit sink need be reachable for the API server to start.
func TestControlPlaneWithOIDC(t *testing.T) {
	c := cluster.Start(t, func(p *config.Profile) {
		p.ControlPlane.OIDC = config.OIDC{IssuerURL: "https://login.example.invalid", Audiences: []string{"kubernetes"}}
		p.ControlPlane.Audit.WebhookServer = "https://siem.example.invalid/audit"
		p.ControlPlane.APIServer.SANs = []string{"api.e2e.example.com"}
	})
	p := c.Inputs.Profile
	args := controlplane.APIServerArgs(p)
	require.Contains(t, args, "authentication-config")
	if controlplane.Supports(p, controlplane.AnonymousInAuthenticationConfig) {
		require.NotContains(t, args, "anonymous-auth")
	} else {
		require.Equal(t, "false", args["anonymous-auth"])
	}
	authn, err := os.ReadFile(c.Paths.AuthenticationConfig())
	require.NoError(t, err)
	want := "apiVersion: apiserver.config.k8s.io/v1beta1"
	if controlplane.Supports(p, controlplane.AuthenticationConfigV1) {
		want = "apiVersion: apiserver.config.k8s.io/v1\n"
	}
	assert.Contains(t, string(authn), want)
	assert.Equal(t, controlplane.Supports(p, controlplane.AnonymousInAuthenticationConfig), strings.Contains(string(authn), "anonymous:"))
	require.Equal(t, "batch", args["audit-webhook-mode"])
	anonymousRefused(t, c)
	_, err = c.Client.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err, "client certificates still authenticate beside the JWT authenticator")
}

// guardrailsJudge binds each of the guardrails' ValidatingAdmissionPolicies, as the Guardrails component
// renders them, to a tenant-labelled restricted namespace on this API server and has them judge
// Deployments: on every minor of the version window (make test-versions) their CEL must compile and
// run, since a policy that fails refuses every request it matches (failurePolicy Fail). A compliant
// Deployment is admitted; one whose template mounts a hostPath, and one with a :latest image, are
// refused for their reasons.
func guardrailsJudge(t *testing.T, c *cluster.Cluster) {
	ctx := context.Background()
	g := config.Guardrails{AllowedRegistries: []string{"registry.k8s.io"}}
	config.SetDefaultsGuardrails(&g)
	ns := newNamespace(t, c, "guardrails")
	nsObj, err := c.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	require.NoError(t, err)
	nsObj.Labels[contract.TenantLabel] = ns
	nsObj.Labels[psaapi.EnforceLevelLabel] = string(psaapi.LevelRestricted)
	_, err = c.Client.CoreV1().Namespaces().Update(ctx, nsObj, metav1.UpdateOptions{})
	require.NoError(t, err)
	for _, p := range guardrails.Policies(g) {
		vap := &admissionregistrationv1.ValidatingAdmissionPolicy{
			ObjectMeta: metav1.ObjectMeta{Name: "judge-" + p.Name},
			Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
				FailurePolicy:    ptr.To(admissionregistrationv1.Fail),
				MatchConstraints: &admissionregistrationv1.MatchResources{},
			},
		}
		for _, m := range p.Match {
			vap.Spec.MatchConstraints.ResourceRules = append(vap.Spec.MatchConstraints.ResourceRules, admissionregistrationv1.NamedRuleWithOperations{
				RuleWithOperations: admissionregistrationv1.RuleWithOperations{
					Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
					Rule:       admissionregistrationv1.Rule{APIGroups: []string{m.Group}, APIVersions: []string{"*"}, Resources: m.Resources},
				},
			})
		}
		for _, v := range p.Variables {
			vap.Spec.Variables = append(vap.Spec.Variables, admissionregistrationv1.Variable{Name: v[0], Expression: v[1]})
		}
		for _, v := range p.Validations {
			vap.Spec.Validations = append(vap.Spec.Validations, admissionregistrationv1.Validation{Expression: v.Expression, MessageExpression: v.MessageExpression})
		}
		_, err := c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, vap, metav1.CreateOptions{})
		require.NoError(t, err, p.Name)
		_, err = c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Create(ctx, &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
			ObjectMeta: metav1.ObjectMeta{Name: vap.Name},
			Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
				PolicyName: vap.Name, ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny},
				MatchResources: &admissionregistrationv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
					MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}},
			},
		}, metav1.CreateOptions{})
		require.NoError(t, err, p.Name)
	}
	_, err = c.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	deployment := func(change func(s *corev1.PodSpec)) error {
		spec := podsecurity.Restricted()
		change(&spec)
		labels := map[string]string{"app": "app"}
		_, err := c.Client.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "app"},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}}},
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err
	}
	// The bindings take effect a moment after they are created, each on its own: wait until every
	// workload policy refuses what only it refuses, so that the compliant Deployment below meets them all.
	hostPath := func(s *corev1.PodSpec) {
		s.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
	}
	for policy, breaks := range map[string]func(s *corev1.PodSpec){
		"kubeharden-allowed-registries":  func(s *corev1.PodSpec) { s.Containers[0].Image = "quay.io/acme/app:1.0" },
		"kubeharden-image-tag":           func(s *corev1.PodSpec) { s.Containers[0].Image = "registry.k8s.io/pause:latest" },
		"kubeharden-resource-limits":     func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = nil },
		"kubeharden-service-account":     func(s *corev1.PodSpec) { s.ServiceAccountName = "default" },
		guardrails.PodSecurityPolicyName: hostPath,
	} {
		cluster.WaitFor(t, "guardrail "+policy+" to refuse what it forbids", time.Minute, func() error {
			err := deployment(breaks)
			if err != nil && strings.Contains(err.Error(), "judge-"+policy+"'") {
				return nil
			}
			return fmt.Errorf("not refused by it: %v", err)
		})
	}
	require.NoError(t, deployment(func(*corev1.PodSpec) {}), "a compliant Deployment passes every guardrail on Kubernetes %s", c.Inputs.Profile.KubernetesVersion)
	err = deployment(hostPath)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `violates PodSecurity "restricted": (hostPath volumes): spec.template.spec.volumes: "host" must not be hostPath volumes`)
}
