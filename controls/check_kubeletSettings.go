package controls

import (
	"fmt"
	"slices"
	"strings"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Authentication and authorization": the kubelet refuses
anonymous requests, authorizes through the API server, verifies client certificates against the
cluster CA, has no read-only port, closes idle streaming connections, rotates its certificates, uses
strong TLS and limits the processes a pod may start.

**Checked:** the KubeletConfiguration (kubelet.config.k8s.io/v1beta1).

**Passes when:** authentication.anonymous.enabled is false, authentication.webhook.enabled is not
false, authorization.mode is Webhook (its default), authentication.x509.clientCAFile is set,
readOnlyPort is 0, streamingConnectionIdleTimeout is not 0s, makeIPTablesUtilChains is not false,
protectKernelDefaults, rotateCertificates and serverTLSBootstrap are true, tlsMinVersion is TLS 1.2 or
1.3 with strong cipher suites below 1.3, and podPidsLimit is positive.

Sources: CIS 4.2.1-4.2.6, 4.2.10-4.2.13; kubescape C-0069, C-0070.
*/

func init() { addControl(CheckKubeletSettings) }

// CheckKubeletSettings is the kubelet settings control.
func CheckKubeletSettings() Control {
	return Control{
		ID: "kubelet-settings", Level: LevelAdvisory, Title: "The kubelet refuses anonymous requests, authorizes through the API server and rotates its certificates",
		Guide: "Authentication and authorization", CIS: "4.2.1-4.2.6, 4.2.10-4.2.13", Kubescape: "C-0069, C-0070", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: kubeletSettings_1_31}},
	}
}

func kubeletSettings_1_31(inv *Inventory) Result {
	k := inv.ControlPlane.kubeletConfig()
	if k == nil {
		if inv.ControlPlane.Kubelet != nil {
			return Result{NotEvaluated: "the kubelet is configured by flags (" + inv.ControlPlane.Kubelet.Source + "); this control reads a KubeletConfiguration"}
		}
		return Result{NotEvaluated: missingComponent("the kubelet (a KubeletConfiguration)")}
	}
	doc := inv.ControlPlane.KubeletConfig
	var out Result
	var good []string
	require := func(ok bool, field, got, want string) {
		if ok {
			good = append(good, field+"="+got)
			return
		}
		out.Findings = append(out.Findings, Finding{Object: "KubeletConfiguration", Path: doc.Path, Field: field,
			Message: "is " + got, Remedy: "set " + field + " " + want})
	}
	show := func(b *bool) string {
		if b == nil {
			return "unset"
		}
		return fmt.Sprint(*b)
	}
	a := k.Authentication
	require(a.Anonymous.Enabled != nil && !*a.Anonymous.Enabled, "authentication.anonymous.enabled", show(a.Anonymous.Enabled), "to false")
	require(a.Webhook.Enabled == nil || *a.Webhook.Enabled, "authentication.webhook.enabled", show(a.Webhook.Enabled), "to true")
	require(a.X509.ClientCAFile != "", "authentication.x509.clientCAFile", fmt.Sprintf("%q", a.X509.ClientCAFile), "to the cluster CA's certificate")
	mode := string(k.Authorization.Mode)
	require(mode == "" || k.Authorization.Mode == kubeletv1beta1.KubeletAuthorizationModeWebhook, "authorization.mode", fmt.Sprintf("%q", mode), "to Webhook")
	require(k.ReadOnlyPort == 0, "readOnlyPort", fmt.Sprint(k.ReadOnlyPort), "to 0")
	idle := k.StreamingConnectionIdleTimeout.Duration
	require(idle != 0, "streamingConnectionIdleTimeout", idle.String()+" (or unset)", "explicitly to a duration such as 5m")
	require(k.MakeIPTablesUtilChains == nil || *k.MakeIPTablesUtilChains, "makeIPTablesUtilChains", show(k.MakeIPTablesUtilChains), "to true")
	require(k.ProtectKernelDefaults, "protectKernelDefaults", fmt.Sprint(k.ProtectKernelDefaults), "to true")
	require(k.RotateCertificates, "rotateCertificates", fmt.Sprint(k.RotateCertificates), "to true")
	require(k.ServerTLSBootstrap, "serverTLSBootstrap", fmt.Sprint(k.ServerTLSBootstrap), "to true, and approve the serving certificates' CSRs")
	require(k.TLSMinVersion == "VersionTLS12" || k.TLSMinVersion == "VersionTLS13", "tlsMinVersion", fmt.Sprintf("%q", k.TLSMinVersion), "to VersionTLS12 or VersionTLS13")
	if k.TLSMinVersion != "VersionTLS13" {
		suites := strings.Join(k.TLSCipherSuites, ",")
		require(len(k.TLSCipherSuites) > 0 && strongCiphers(suites, true), "tlsCipherSuites", fmt.Sprintf("[%s]", suites),
			"to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only: "+strings.Join(strongCipherSuites, ","))
	}
	pids := "unset"
	if k.PodPidsLimit != nil {
		pids = fmt.Sprint(*k.PodPidsLimit)
	}
	require(k.PodPidsLimit != nil && *k.PodPidsLimit > 0, "podPidsLimit", pids, "to a positive limit, such as 4096")
	slices.Sort(good)
	if len(out.Findings) == 0 {
		out.Evidence = append(out.Evidence, Evidence{Object: "KubeletConfiguration", Path: doc.Path, Detail: strings.Join(good, ", ")})
	}
	return out
}
