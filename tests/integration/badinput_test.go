package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// badInput is one malformed stack: its settings (the body of the settings file's config: map), the
// secret settings set with `pulumi config set --secret`, the files beside it, and what the refusal says
// (each string appears in the output of both preview and up).
type badInput struct {
	name     string
	settings string
	secrets  map[string]string
	files    map[string]string
	want     []string
}

// profile is the settings of a stack whose kubeharden:profile is the YAML y (one line, flow style).
func profile(y string) string { return "  kubeharden:profile: " + y + "\n" }

// badInputs is the table of malformed profiles and stack settings; the PKI and keys are real ones
// broken in one place.
func badInputs(t *testing.T) []badInput {
	now := time.Now()
	good, err := pki.Generate(pki.Options{Now: now})
	require.NoError(t, err)
	bundle := func(change func(b *pki.Bundle)) string {
		b := *good
		if change != nil {
			change(&b)
		}
		data, err := json.Marshal(b)
		require.NoError(t, err)
		return string(data)
	}
	expired, err := pki.Generate(pki.Options{Now: now.Add(-3 * 365 * 24 * time.Hour)})
	require.NoError(t, err)
	expiredJSON, err := json.Marshal(expired)
	require.NoError(t, err)
	key, err := controlplane.NewEncryptionKey("key-1")
	require.NoError(t, err)
	keys := fmt.Sprintf(`[{"name":"key-1","secret":"%s"}]`, key.Secret)
	controlPlane := func(pkiJSON, keysJSON string) map[string]string {
		return map[string]string{"kubeharden:pki": pkiJSON, "kubeharden:encryptionKeys": keysJSON}
	}
	long := strings.Repeat("a", 100_000)
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for c, prev := 'b', 'a'; c <= 'k'; c, prev = c+1, c {
		bomb += fmt.Sprintf("%c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+string(prev)+", ", 9), ", "))
	}
	fromFile := "  kubeharden:profileFile: profile.yaml\n"

	return []badInput{
		// Unknown keys.
		{name: "unknown top-level key", settings: profile("{tenant: [{name: a}]}"),
			want: []string{`tenant: Unsupported value: "tenant": supported values: "kubernetesVersion", "podSecurity", "dns", "tenants"`}},
		{name: "unknown nested key", settings: profile("{tenants: [{name: a, quota: {cpu: 1}}]}"),
			want: []string{`tenants[0].quota.cpu: Unsupported value: "cpu": supported values: "requestsCPU"`}},
		{name: "key in the wrong case", settings: profile("{kubernetesversion: 1.36.3}"),
			want: []string{`kubernetesversion: Unsupported value`, `keys are case-sensitive: write kubernetesVersion`}},
		{name: "unknown control-plane key", settings: profile("{controlPlane: {audit: {maxage: 30}}}"),
			want: []string{`controlPlane.audit.maxage: Unsupported value: "maxage": supported values: "logPath", "maxAge"`}},
		{name: "unknown guardrails key", settings: profile("{guardrails: {allowedRegistry: [ghcr.io]}}"),
			want: []string{`guardrails.allowedRegistry: Unsupported value: "allowedRegistry"`, `"allowedRegistries"`}},
		{name: "unknown stack setting", settings: "  kubeharden:profil: {}\n",
			want: []string{`kubeharden:profil: Unsupported value: "profil": supported values: "profile", "profileFile", "renderDir"`}},
		{name: "key with a dot", settings: profile("{tenants.x: 1}"),
			want: []string{`tenants.x: Unsupported value: "x"`}},
		// Wrong types.
		{name: "string where a list belongs", settings: profile("{tenants: team-a}"),
			want: []string{`tenants: Invalid value: "team-a": must be a list`}},
		{name: "list where a map belongs", settings: profile("{podSecurity: [restricted]}"),
			want: []string{`podSecurity: Invalid value: ["restricted"]: must be a map`}},
		{name: "word where a number belongs", settings: profile("{controlPlane: {audit: {maxAge: a month}}}"),
			want: []string{`controlPlane.audit.maxAge: Invalid value: "a month": must be a whole number`}},
		{name: "map where a value belongs", settings: profile("{tenants: [{name: {first: a}}]}"),
			want: []string{`tenants[0].name: Invalid value: {"first":"a"}: must be a single value, not a list or a map`}},
		{name: "word where a boolean belongs", settings: profile("{logging: {enabled: maybe}}"),
			want: []string{`logging.enabled: Invalid value: "maybe": must be true or false`}},
		{name: "string where a list of CIDRs belongs", settings: profile("{tenants: [{name: a, egressCIDRs: 10.0.0.0/8}]}"),
			want: []string{`tenants[0].egressCIDRs: Invalid value: "10.0.0.0/8": must be a list`}},
		{name: "profile that is not an object", settings: "  kubeharden:profile: [a, b]\n",
			want: []string{`kubeharden:profile: must be an object`}},
		// Empty and huge values.
		{name: "empty tenant name", settings: profile("{tenants: [{name: ''}]}"),
			want: []string{`tenants[0].name: Required value: every tenant needs a namespace name`}},
		{name: "100,000-character tenant name", settings: profile("{tenants: [{name: " + long + "}]}"),
			want: []string{`tenants[0].name: Invalid value: "` + strings.Repeat("a", 80) + `… (100000 characters)"`}},
		{name: "blank exemption reason", settings: profile("{podSecurity: {enforce: privileged, exemptionReason: '   '}}"),
			want: []string{`podSecurity.exemptionReason: Required value: enforce level "privileged" is weaker than restricted`}},
		{name: "64-character tenant name", settings: profile("{tenants: [{name: " + strings.Repeat("b", 64) + "}]}"),
			want: []string{`tenants[0].name: Invalid value: "` + strings.Repeat("b", 64) + `": must be no more than 63 characters`}},
		{name: "registry host label over 63 characters", settings: profile("{guardrails: {allowedRegistries: [" + strings.Repeat("r", 200) + ".io]}}"),
			want: []string{`guardrails.allowedRegistries[0]: Invalid value: "` + strings.Repeat("r", 80) + `… (203 characters)": the registry host has a label longer than 63 characters`}},
		{name: "empty subject name", settings: profile("{tenants: [{name: a, access: {admins: [{kind: Group, name: ''}]}}]}"),
			want: []string{`tenants[0].access.admins[0].name: Required value: the user or group name`}},
		// Quantities.
		{name: "quantity with a unit Kubernetes does not know", settings: profile("{tenants: [{name: a, quota: {limitsMemory: 2GB}}]}"),
			want: []string{`tenants[0].quota.limitsMemory: Invalid value: "2GB": must be a Kubernetes quantity such as 500m, 2 or 1Gi`}},
		{name: "negative quantity", settings: profile("{tenants: [{name: a, quota: {pods: '-1'}}]}"),
			want: []string{`tenants[0].quota.pods: Invalid value: "-1": must not be negative`}},
		{name: "requests above limits", settings: profile("{tenants: [{name: a, quota: {requestsCPU: '3', limitsCPU: '2'}}]}"),
			want: []string{`tenants[0].quota.requestsCPU: Invalid value: "3": must not be more than limitsCPU (2)`}},
		{name: "limit range minimum above its default request", settings: profile("{tenants: [{name: a, limitRange: {minCPU: '2', maxCPU: '1'}}]}"),
			want: []string{`tenants[0].limitRange.minCPU: Invalid value: "2": must not be more than defaultRequestCPU`}},
		{name: "quantity in words", settings: profile("{tenants: [{name: a, quota: {limitsCPU: four}}]}"),
			want: []string{`tenants[0].quota.limitsCPU: Invalid value: "four": must be a Kubernetes quantity`}},
		// CIDRs, both families.
		{name: "IPv4 prefix too long", settings: profile("{tenants: [{name: a, egressCIDRs: [10.0.0.0/33]}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "10.0.0.0/33": must be a CIDR such as 10.20.0.0/16 or fd00:10::/64`}},
		{name: "IPv4 host bits", settings: profile("{tenants: [{name: a, egressCIDRs: [10.0.0.1/8]}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "10.0.0.1/8": has host bits set; the network is 10.0.0.0/8`}},
		{name: "IPv4 metadata endpoint", settings: profile("{tenants: [{name: a, egressCIDRs: [169.254.169.254/32]}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Forbidden: the cloud metadata endpoint 169.254.169.254/32 is never reachable`}},
		{name: "Alibaba metadata endpoint", settings: profile("{tenants: [{name: a, egressCIDRs: [100.100.100.200/32]}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Forbidden: the cloud metadata endpoint 100.100.100.200/32`}},
		{name: "AWS IPv6 metadata endpoint", settings: profile("{tenants: [{name: a, egressCIDRs: ['fd00:ec2::254/128']}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Forbidden: the cloud metadata endpoint fd00:ec2::254/128`}},
		{name: "GCP IPv6 metadata endpoint", settings: profile("{tenants: [{name: a, egressCIDRs: ['fd20:ce::254/128']}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Forbidden: the cloud metadata endpoint fd20:ce::254/128`}},
		{name: "IPv6 prefix too long", settings: profile("{tenants: [{name: a, egressCIDRs: ['fd00::/129']}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "fd00::/129": must be a CIDR`}},
		{name: "IPv6 host bits", settings: profile("{tenants: [{name: a, egressCIDRs: ['fd00::1/64']}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "fd00::1/64": has host bits set; the network is fd00::/64`}},
		{name: "IPv4-mapped IPv6 network", settings: profile("{tenants: [{name: a, egressCIDRs: ['::ffff:169.254.0.0/112']}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "::ffff:169.254.0.0/112": is an IPv4-mapped IPv6 network`}},
		{name: "not a CIDR", settings: profile("{tenants: [{name: a, egressCIDRs: [everywhere]}]}"),
			want: []string{`tenants[0].egressCIDRs[0]: Invalid value: "everywhere": must be a CIDR`}},
		{name: "service range too long", settings: profile("{controlPlane: {apiServer: {serviceClusterIPRange: 10.96.0.0/40}}}"),
			want: []string{`controlPlane.apiServer.serviceClusterIPRange: Invalid value: "10.96.0.0/40": must be a CIDR such as 10.96.0.0/12`}},
		// Pod Security levels and versions.
		{name: "unknown enforce level", settings: profile("{podSecurity: {enforce: strict}}"),
			want: []string{`podSecurity.enforce: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted"`}},
		{name: "level in the wrong case", settings: profile("{tenants: [{name: a, podSecurity: {audit: Restricted}}]}"),
			want: []string{`tenants[0].podSecurity.audit: Unsupported value: "Restricted": supported values: "privileged", "baseline", "restricted"`}},
		{name: "version without its v", settings: profile("{podSecurity: {version: '1.36'}}"),
			want: []string{`podSecurity.version: Invalid value: "1.36": must be "latest" or a version such as "v1.36"`}},
		{name: "version newer than the cluster", settings: profile("{podSecurity: {version: v1.99}}"),
			want: []string{`podSecurity.version: Invalid value: "v1.99": is newer than the cluster's Kubernetes 1.36`}},
		{name: "tenant version newer than the cluster", settings: profile("{kubernetesVersion: 1.34.2, tenants: [{name: a, podSecurity: {version: v1.35}}]}"),
			want: []string{`tenants[0].podSecurity.version: Invalid value: "v1.35": is newer than the cluster's Kubernetes 1.34 (kubernetesVersion); use v1.34 or older`}},
		{name: "weaker profile level without a reason", settings: profile("{podSecurity: {enforce: privileged}}"),
			want: []string{`podSecurity.exemptionReason: Required value: enforce level "privileged" is weaker than restricted`}},
		{name: "weaker tenant level without a reason", settings: profile("{tenants: [{name: a, podSecurity: {enforce: baseline}}]}"),
			want: []string{`tenants[0].podSecurity.exemptionReason: Required value: enforce level "baseline" is weaker than restricted`}},
		{name: "admission default of privileged", settings: profile("{controlPlane: {admission: {enforce: privileged}}}"),
			want: []string{`controlPlane.admission.enforce: Unsupported value: "privileged": supported values: "baseline", "restricted"`}},
		// Duplicate and reserved names.
		{name: "duplicate tenant", settings: profile("{tenants: [{name: a}, {name: a}]}"),
			want: []string{`tenants[1].name: Duplicate value: "a (also tenants[0].name)"`}},
		{name: "system namespace as a tenant", settings: profile("{tenants: [{name: kube-system}]}"),
			want: []string{`tenants[0].name: Forbidden: "kube-system" is a namespace of the cluster's own`}},
		{name: "default namespace as a tenant", settings: profile("{tenants: [{name: default}]}"),
			want: []string{`tenants[0].name: Forbidden: "default" is a namespace of the cluster's own`}},
		{name: "tenant name not a DNS label", settings: profile("{tenants: [{name: Team_A}]}"),
			want: []string{`tenants[0].name: Invalid value: "Team_A": a lowercase RFC 1123 label must consist of`}},
		{name: "duplicate break-glass binding", settings: profile("{rbac: {breakGlass: [{name: x, reason: r, subject: {kind: User, name: u}}, {name: x, reason: r, subject: {kind: User, name: v}}]}}"),
			want: []string{`rbac.breakGlass[1].name: Duplicate value: "x"`}},
		{name: "binding to the anonymous user", settings: profile("{rbac: {clusterReaders: [{kind: User, name: 'system:anonymous'}]}}"),
			want: []string{`rbac.clusterReaders[0].name: Forbidden: system:anonymous is the anonymous user`}},
		{name: "unknown subject kind", settings: profile("{rbac: {clusterReaders: [{kind: Robot, name: r}]}}"),
			want: []string{`rbac.clusterReaders[0].kind: Unsupported value: "Robot": supported values: "Group", "User"`}},
		{name: "DNS namespace not a label", settings: profile("{dns: {namespace: Kube System}}"),
			want: []string{`dns.namespace: Invalid value: "Kube System": a lowercase RFC 1123 label`}},
		// Wildcards.
		{name: "wildcard verb", settings: profile("{tenants: [{name: a, access: {developerRules: [{apiGroups: [''], resources: [pods], verbs: ['*']}]}}]}"),
			want: []string{`tenants[0].access.developerRules[0].verbs[0]: Forbidden: wildcards grant whatever is added to the cluster later`}},
		{name: "wildcard resource", settings: profile("{tenants: [{name: a, access: {developerRules: [{apiGroups: [''], resources: ['*'], verbs: [get]}]}}]}"),
			want: []string{`tenants[0].access.developerRules[0].resources[0]: Forbidden: wildcards`}},
		{name: "wildcard API group", settings: profile("{tenants: [{name: a, access: {developerRules: [{apiGroups: ['*'], resources: [pods], verbs: [get]}]}}]}"),
			want: []string{`tenants[0].access.developerRules[0].apiGroups[0]: Forbidden: wildcards`}},
		{name: "wildcard registry", settings: profile("{guardrails: {allowedRegistries: ['*.example.com']}}"),
			want: []string{`guardrails.allowedRegistries[0]: Invalid value: "*.example.com": must be a registry host`, `(no scheme, no wildcard)`}},
		// Unsupported Kubernetes versions.
		{name: "end-of-life Kubernetes", settings: profile("{kubernetesVersion: 1.29.4}"),
			want: []string{`kubernetesVersion: Invalid value: "1.29.4": kubeharden supports Kubernetes >= 1.31, < 1.38`}},
		{name: "Kubernetes not released", settings: profile("{kubernetesVersion: 1.38.0}"),
			want: []string{`kubernetesVersion: Invalid value: "1.38.0": kubeharden supports Kubernetes >= 1.31, < 1.38`}},
		{name: "Kubernetes version in words", settings: profile("{kubernetesVersion: one.thirty}"),
			want: []string{`kubernetesVersion: Invalid value: "one.thirty": must be a Kubernetes version such as 1.36.3`}},
		// Settings that weaken the control plane.
		{name: "TLS 1.0", settings: profile("{controlPlane: {tls: {minVersion: VersionTLS10}}}"),
			want: []string{`controlPlane.tls.minVersion: Unsupported value: "VersionTLS10": supported values: "VersionTLS12", "VersionTLS13"`}},
		{name: "weak cipher", settings: profile("{controlPlane: {tls: {cipherSuites: [TLS_RSA_WITH_RC4_128_SHA]}}}"),
			want: []string{`controlPlane.tls.cipherSuites[0]: Unsupported value: "TLS_RSA_WITH_RC4_128_SHA"`}},
		{name: "identity encryption first", settings: profile("{controlPlane: {encryption: {provider: identity}}}"),
			want: []string{`controlPlane.encryption.provider: Forbidden: identity stores resources in plaintext`}},
		{name: "audit retention below CIS", settings: profile("{controlPlane: {audit: {maxAge: 7}}}"),
			want: []string{`controlPlane.audit.maxAge: Invalid value: 7: must be at least 30 days (CIS 1.2.17)`}},
		{name: "audit webhook over http", settings: profile("{controlPlane: {audit: {webhookServer: 'http://siem'}}}"),
			want: []string{`controlPlane.audit.webhookServer: Invalid value: "http://siem": must be an https:// URL`}},
		{name: "port out of range", settings: profile("{controlPlane: {apiServer: {securePort: 70000}}}"),
			want: []string{`controlPlane.apiServer.securePort: Invalid value: 70000: must be a port from 1 to 65535`}},
		{name: "logs shipped without TLS", settings: profile("{logging: {enabled: true, outputs: [{type: syslog, host: siem, tls: false}]}}"),
			want: []string{`logging.outputs[0].tls: Forbidden: logs leave the cluster over TLS only`}},
		{name: "log agent image without a version", settings: profile("{logging: {enabled: true, image: fluent-bit, outputs: [{type: stdout}]}}"),
			want: []string{`logging.image: Invalid value: "fluent-bit": must carry a version tag other than latest, or a digest`}},
		{name: "unknown guardrail action", settings: profile("{guardrails: {actions: {imageTag: Block}}}"),
			want: []string{`guardrails.actions[imageTag]: Unsupported value: "Block": supported values: "Deny", "Warn", "Audit"`}},
		{name: "exemption without a reason", settings: profile("{compliance: {exemptions: [{control: rbac-pod-exec}]}}"),
			want: []string{`compliance.exemptions[0].reason: Required value`}},
		{name: "exemption of a control that does not exist", settings: profile("{compliance: {exemptions: [{control: no-such-control, reason: r}]}}"),
			want: []string{`compliance.exemptions[0].control: Unsupported value: "no-such-control": supported values: `}},
		{name: "another profile version", settings: profile("{apiVersion: kubeharden.io/v1}"),
			want: []string{`apiVersion: Unsupported value: "kubeharden.io/v1": supported values: "kubeharden.io/v1alpha1"`}},
		// Malformed keys and PEM.
		{name: "PKI that is not JSON", secrets: controlPlane("not json", keys),
			want: []string{`pki: Invalid value: "<secret>": must be the JSON of a PKI bundle (kubeharden pki init)`}},
		{name: "certificate that is not DER", secrets: controlPlane(bundle(func(b *pki.Bundle) {
			b.APIServer.Cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
		}), keys), want: []string{`pki.apiServer.cert: Invalid value: "<pem>": x509: malformed certificate`}},
		{name: "private key that is not PEM", secrets: controlPlane(bundle(func(b *pki.Bundle) { b.EtcdCA.Key = "not a key" }), keys),
			want: []string{`pki.etcdCA.key: Invalid value: "<secret>": is not a PEM private key`}},
		{name: "admin certificate as the API server's", secrets: controlPlane(bundle(func(b *pki.Bundle) { b.APIServer = b.Admin }), keys),
			want: []string{`pki.apiServer.cert: Invalid value: "kubernetes-admin": must be the certificate of kube-apiserver`}},
		{name: "expired PKI", secrets: controlPlane(string(expiredJSON), keys),
			want: []string{`pki.apiServer.cert: Invalid value: "kube-apiserver": expired on `}},
		{name: "encryption key too short", secrets: controlPlane(bundle(nil), `[{"name":"k","secret":"c2hvcnQ="}]`),
			want: []string{`encryptionKeys[0].secret: Invalid value: "<secret>": must be 32 bytes of base64, is 5 bytes`}},
		{name: "encryption key not base64", secrets: controlPlane(bundle(nil), `[{"name":"k","secret":"!!!"}]`),
			want: []string{`encryptionKeys[0].secret: Invalid value: "<secret>": must be base64`}},
		{name: "duplicate encryption key names", secrets: controlPlane(bundle(nil), fmt.Sprintf(`[{"name":"k","secret":"%s"},{"name":"k","secret":"%s"}]`, key.Secret, key.Secret)),
			want: []string{`encryptionKeys[1].name: Duplicate value: "k"`}},
		{name: "no encryption key", secrets: controlPlane(bundle(nil), `[]`),
			want: []string{`encryptionKeys: Required value: the secretbox provider needs at least one key`}},
		{name: "encryption keys not a list", secrets: controlPlane(bundle(nil), `{"name":"k"}`),
			want: []string{`encryptionKeys: Invalid value: "<secret>": must be a JSON list of {"name", "secret"}`}},
		{name: "PKI without keys", secrets: map[string]string{"kubeharden:pki": bundle(nil)},
			want: []string{`kubeharden:pki and kubeharden:encryptionKeys go together`}},
		// The profile file: bombs, nesting, size, syntax.
		{name: "YAML bomb in the profile file", settings: fromFile, files: map[string]string{"profile.yaml": bomb},
			want: []string{`profile.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing`}},
		{name: "deep nesting in the profile file", settings: fromFile,
			files: map[string]string{"profile.yaml": "tenants: " + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + "\n"},
			want:  []string{`profile.yaml: error converting YAML to JSON: yaml: exceeded max depth of 10000`}},
		{name: "profile file over 1 MiB", settings: fromFile,
			files: map[string]string{"profile.yaml": "# " + strings.Repeat("x", config.MaxProfileFileSize) + "\n"},
			want:  []string{`profile.yaml: larger than 1048576 bytes`}},
		{name: "profile file missing", settings: "  kubeharden:profileFile: no-such-profile.yaml\n",
			want: []string{`reading profile file: open `, `no-such-profile.yaml: no such file or directory`}},
		{name: "profile file not YAML", settings: fromFile, files: map[string]string{"profile.yaml": "tenants: [\n"},
			want: []string{`parsing profile file `, `profile.yaml: error converting YAML to JSON`}},
		{name: "duplicate key in the profile file", settings: fromFile, files: map[string]string{"profile.yaml": "tenants: []\ntenants: []\n"},
			want: []string{`parsing profile file `, `"tenants" already set in map`}},
		{name: "unknown key in the profile file", settings: fromFile, files: map[string]string{"profile.yaml": "tenants:\n  - name: a\n    quotas: {}\n"},
			want: []string{`tenants[0].quotas: Unsupported value: "quotas"`}},
	}
}

// TestBadInputIsRefusedBeforeAnythingIsRegistered runs every malformed stack of badInputs through the real
// `pulumi preview` and `pulumi up` of the stack program (built once): each is refused with the field
// path and what is allowed, values cut to a readable length, and the state holds no resource afterwards
// (read from `pulumi stack export`, not the exit code).
func TestBadInputIsRefusedBeforeAnythingIsRegistered(t *testing.T) {
	ws := pulumitest.NewWorkspace(t)
	cases := badInputs(t)
	require.GreaterOrEqual(t, len(cases), 60)

	// A project of the test's own that runs the stack program built once, so that no case waits for the
	// link of the whole program: the language host builds the project's main, which only execs the real
	// program (the language host of sdk v3.60.0 does not see runtime.options.binary from this CLI).
	project := t.TempDir()
	program := filepath.Join(t.TempDir(), "kubeharden-stack")
	build := exec.Command("go", "build", "-o", program, "./cmd/kubeharden-stack")
	build.Dir = ws.Dir
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name, content := range map[string]string{
		"Pulumi.yaml": "name: kubeharden\nruntime: go\n",
		"go.mod":      "module kubeharden-exec\n\ngo 1.22\n",
		"main.go": "package main\n\nimport (\n\t\"os\"\n\t\"syscall\"\n)\n\n" +
			"func main() {\n\tpanic(syscall.Exec(" + fmt.Sprintf("%q", program) + ", os.Args, os.Environ()))\n}\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(project, name), []byte(content), 0o600))
	}
	ws.Dir = project

	for i, tc := range cases {
		stackName := fmt.Sprintf("bad-%02d", i)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(project, stackName)
			require.NoError(t, os.MkdirAll(dir, 0o700))
			for name, content := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
			}
			// The case's files sit in a folder of its own; its settings name them from the project root.
			settings := strings.ReplaceAll(tc.settings, "kubeharden:profileFile: ", "kubeharden:profileFile: "+stackName+"/")
			settings += "  kubeharden:renderDir: " + stackName + "/rendered\n"
			settingsFile := filepath.Join(dir, "Pulumi."+stackName+".yaml")
			require.NoError(t, os.WriteFile(settingsFile, []byte("config:\n"+settings), 0o600))
			ws.MustRun("stack", "init", stackName, "--non-interactive")
			for k, v := range tc.secrets {
				setSecret(t, ws, stackName, settingsFile, k, v)
			}

			for _, op := range [][]string{
				{"preview", "--stack", stackName, "--non-interactive", "--config-file", settingsFile},
				{"up", "--yes", "--stack", stackName, "--non-interactive", "--config-file", settingsFile},
			} {
				out, err := ws.Run(op...)
				require.Error(t, err, "pulumi %s must fail:\n%.2000s", op[0], out)
				for _, want := range tc.want {
					assert.Contains(t, out, want, "pulumi %s", op[0])
				}
				assert.Less(t, len(out), 20_000, "pulumi %s prints every value cut to a readable length", op[0])
				for _, v := range tc.secrets {
					if len(v) > 40 {
						assert.NotContains(t, out, v[:40], "pulumi %s prints a secret setting", op[0])
					}
				}
				assertNothingRegistered(t, ws, stackName)
			}
			_, err := os.Stat(filepath.Join(dir, "rendered"))
			assert.True(t, os.IsNotExist(err), "nothing was rendered")
		})
	}
}

// setSecret sets a secret setting of the stack, its value on standard input.
func setSecret(t *testing.T, ws *pulumitest.Workspace, stackName, settingsFile, key, value string) {
	t.Helper()
	cmd := exec.Command(ws.Bin(), "config", "set", "--secret", key, "--stack", stackName, "--config-file", settingsFile, "--non-interactive")
	cmd.Dir, cmd.Env, cmd.Stdin = ws.Dir, ws.Env(), strings.NewReader(value)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// assertNothingRegistered reads the stack's state: no resource but the stack itself, and no operation
// left pending.
func assertNothingRegistered(t *testing.T, ws *pulumitest.Workspace, stackName string) {
	t.Helper()
	state := ws.State(stackName)
	for _, r := range state.Deployment.Resources {
		assert.Equal(t, "pulumi:pulumi:Stack", r.Type, "a resource was registered: %s", r.URN)
	}
	assert.Empty(t, state.Deployment.Pending, "operations left pending")
}
