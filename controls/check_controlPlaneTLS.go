package controls

import (
	"strings"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening", control plane hardening
and encryption: control-plane traffic uses TLS 1.2 or 1.3 with strong ciphers; etcd accepts only clients
and peers with certificates from its own CA, separate from the cluster CA, and never a self-signed
automatic certificate.

**Checked:** --tls-min-version and --tls-cipher-suites of kube-apiserver, kube-controller-manager and
kube-scheduler; etcd's --client-cert-auth, --peer-client-cert-auth, --auto-tls, --peer-auto-tls,
--tls-min-version and --cipher-suites; kube-apiserver's --etcd-servers, --etcd-cafile, --etcd-certfile,
--etcd-keyfile and --client-ca-file.

**Passes when:** the minimum is TLS 1.2 or 1.3, and below 1.3 every cipher suite named is an ECDHE suite
with AES-GCM or ChaCha20-Poly1305; etcd demands client and peer certificates and has automatic TLS off;
the API server reaches etcd over https with a client certificate, trusting a CA file other than the
cluster CA's.

Sources: CIS 1.2.22-1.2.26 (etcd client settings), 1.2.29, 2.1-2.7; kubescape C-0070 (etcd client auth).
*/

func init() { addControl(CheckControlPlaneTLS) }

// CheckControlPlaneTLS is the control-plane TLS control.
func CheckControlPlaneTLS() Control {
	return Control{
		ID: "control-plane-tls", Level: LevelAdvisory, Title: "Control-plane traffic uses TLS 1.2+ with strong ciphers, and etcd demands certificates from its own CA",
		Guide: "Network separation and hardening: control plane hardening", CIS: "1.2.22-1.2.26, 1.2.29, 2.1-2.7", Inspects: ScopeControlPlane,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: controlPlaneTLS_1_31}},
	}
}

func controlPlaneTLS_1_31(inv *Inventory) Result {
	cp := inv.ControlPlane
	if cp.APIServer == nil && cp.ControllerManager == nil && cp.Scheduler == nil && cp.Etcd == nil {
		return Result{NotEvaluated: missingComponent("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd")}
	}
	var out Result
	cipherWant := "to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only: " + strings.Join(strongCipherSuites, ",")
	for _, c := range []*Component{cp.APIServer, cp.ControllerManager, cp.Scheduler} {
		if c == nil {
			continue
		}
		rules := []flagRule{{"tls-min-version", oneOf("VersionTLS12", "VersionTLS13"), "to VersionTLS12 or VersionTLS13"}}
		if v, _ := c.Arg("tls-min-version"); v != "VersionTLS13" {
			rules = append(rules, flagRule{"tls-cipher-suites", strongCiphers, cipherWant})
		}
		if c == cp.APIServer {
			rules = append(rules,
				flagRule{"etcd-servers", func(v string, set bool) bool {
					for _, u := range strings.Split(v, ",") {
						if !strings.HasPrefix(u, "https://") {
							return false
						}
					}
					return set
				}, "to https:// URLs only"},
				flagRule{"etcd-cafile", isSet, "to the etcd CA's certificate"},
				flagRule{"etcd-certfile", isSet, "to a client certificate from the etcd CA"},
				flagRule{"etcd-keyfile", isSet, "to that certificate's key"})
		}
		checkFlags(c, rules, &out)
	}
	if api := cp.APIServer; api != nil {
		etcdCA, _ := api.Arg("etcd-cafile")
		clusterCA, _ := api.Arg("client-ca-file")
		if etcdCA != "" && etcdCA == clusterCA {
			out.Findings = append(out.Findings, Finding{Object: api.Name, Path: api.Source, Field: "--etcd-cafile",
				Message: "etcd trusts the cluster CA (" + etcdCA + "): any client certificate the cluster CA signs reaches etcd",
				Remedy:  "give etcd its own CA and point --etcd-cafile at it (kubeharden's PKI has one)"})
		} else if etcdCA != "" {
			out.Evidence = append(out.Evidence, Evidence{Object: api.Name, Path: api.Source, Detail: "etcd's CA " + etcdCA + " is not the cluster CA " + clusterCA})
		}
	}
	if e := cp.Etcd; e != nil {
		checkFlags(e, []flagRule{
			{"client-cert-auth", isValue("true"), "to true"},
			{"peer-client-cert-auth", isValue("true"), "to true"},
			{"auto-tls", notValue("true"), "to false"},
			{"peer-auto-tls", notValue("true"), "to false"},
			{"tls-min-version", func(v string, set bool) bool { return !set || v == "TLS1.2" || v == "TLS1.3" }, "to TLS1.2 or TLS1.3"},
			{"cipher-suites", func(v string, set bool) bool { return !set || strongCiphers(v, set) }, cipherWant},
		}, &out)
	}
	return out
}
