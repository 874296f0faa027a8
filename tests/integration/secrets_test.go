package integration

import (
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/controlplane"
	"github.com/kubeharden/kubeharden/pki"
	"github.com/kubeharden/kubeharden/stack"
	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// stackSecrets are the plaintext secrets of a stack, as needles to look for: the encryption keys and a
// line out of the middle of every private key's PEM body (a key is found even when re-wrapped or quoted).
func stackSecrets(t *testing.T, ws *pulumitest.Workspace, stackName string) map[string]string {
	t.Helper()
	needles := map[string]string{}
	var keys []controlplane.EncryptionKey
	require.NoError(t, json.Unmarshal([]byte(ws.MustRun("config", "get", "kubeharden:encryptionKeys", "--stack", stackName)), &keys))
	require.NotEmpty(t, keys)
	for _, k := range keys {
		needles["encryption key "+k.Name] = k.Secret
	}
	var b pki.Bundle
	require.NoError(t, json.Unmarshal([]byte(ws.MustRun("config", "get", "kubeharden:pki", "--stack", stackName)), &b))
	add := func(name, pemText string) {
		lines := strings.Split(strings.TrimSpace(pemText), "\n")
		require.Greater(t, len(lines), 2, "%s is a PEM block", name)
		needles[name+" private key"] = lines[1]
	}
	add("serviceAccount", b.ServiceAccountKey)
	for name, kp := range map[string]pki.KeyPair{"clusterCA": b.ClusterCA, "etcdCA": b.EtcdCA, "frontProxyCA": b.FrontProxyCA,
		"apiServer": b.APIServer, "apiServerEtcdClient": b.APIServerEtcdClient, "admin": b.Admin, "etcdPeer": b.EtcdPeer} {
		add(name, kp.Key)
	}
	return needles
}

// base64Run is a run of base64 long enough to hide a key (cloud-init, kubeconfigs and Secrets encode
// their contents).
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`)

// leaked names the secret of needles that text holds, in plaintext or inside base64 (decoded twice
// over), or is empty.
func leaked(text string, needles map[string]string) string {
	for depth := 0; depth < 3; depth++ {
		for name, needle := range needles {
			if strings.Contains(text, needle) {
				return name
			}
		}
		if strings.Contains(text, "PRIVATE KEY-----") {
			return "a PEM private key"
		}
		var decoded strings.Builder
		for _, run := range base64Run.FindAllString(text, -1) {
			// Decoded from each of the four offsets, a key inside a longer encoding is found too.
			bare := strings.TrimRight(run, "=")
			for off := 0; off < 4 && off < len(bare); off++ {
				chunk := bare[off:]
				if len(chunk)%4 == 1 {
					chunk = chunk[:len(chunk)-1]
				}
				if data, err := base64.RawStdEncoding.DecodeString(chunk); err == nil {
					decoded.Write(data)
					decoded.WriteByte('\n')
				}
			}
		}
		if decoded.Len() == 0 {
			return ""
		}
		text = decoded.String()
	}
	return ""
}

// TestNoSecretLeaksFromAStackWithKeys applies the dev stack with its generated PKI and encryption key and
// looks for every key, in plaintext, everywhere it could leak: the output of preview and up (plain,
// --diff, --json), the engine's and the program's logs at the most verbose level, the state (export and
// every file of the backend), the rendered objects, and the control-plane files `kubeharden files write`
// lays out, where only the files that must hold a key hold it, mode 0600.
func TestNoSecretLeaksFromAStackWithKeys(t *testing.T) {
	renderDir := filepath.Join(t.TempDir(), "render")
	ws := pulumitest.NewWorkspace(t, stack.RenderDirEnv+"="+renderDir)
	ws.MustRun("stack", "init", "dev", "--non-interactive")
	ws.GenerateStackSecrets("dev")
	needles := stackSecrets(t, ws, "dev")

	outputs := map[string]string{}
	outputs["pulumi preview --diff"] = ws.MustRun("preview", "--diff", "--stack", "dev", "--non-interactive")
	outputs["pulumi preview --json"] = ws.MustRun("preview", "--json", "--stack", "dev", "--non-interactive")
	outputs["pulumi up --diff -v=11 --logtostderr --logflow"] = ws.MustRun("up", "--yes", "--diff", "--stack", "dev",
		"--non-interactive", "-v=11", "--logtostderr", "--logflow")
	outputs["pulumi up --json"] = ws.MustRun("up", "--yes", "--json", "--stack", "dev", "--non-interactive")
	outputs["pulumi preview --diff --show-config"] = ws.MustRun("preview", "--diff", "--show-config", "--stack", "dev", "--non-interactive")
	outputs["pulumi stack export"] = ws.MustRun("stack", "export", "--stack", "dev")
	outputs["pulumi stack output --json"] = ws.MustRun("stack", "output", "--json", "--stack", "dev")
	require.Contains(t, outputs["pulumi up --diff -v=11 --logtostderr --logflow"], "I1", "the verbose logs were captured")
	for what, text := range outputs {
		assert.Empty(t, leaked(text, needles), "%s shows a key", what)
	}

	// The control-plane files: only those that must hold a key hold one, 0600.
	node := t.TempDir()
	kubeharden := pulumitest.BuildCLI(t)
	write := exec.Command(kubeharden, "files", "write", "--stack", "dev", "--dir", node)
	write.Dir, write.Env = ws.Dir, ws.Env()
	out, err := write.CombinedOutput()
	require.NoError(t, err, "%s", out)
	mustHoldKeys := map[string]bool{}
	for _, f := range controlplane.Layout(devProfile(t)) {
		if f.Sensitive {
			mustHoldKeys[filepath.Join(node, f.Path)] = true
		}
	}
	require.NotEmpty(t, mustHoldKeys)
	found := 0
	for _, root := range []string{ws.Backend, renderDir, node, filepath.Dir(ws.ConfigFile)} {
		require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if !mustHoldKeys[path] {
				assert.Empty(t, leaked(string(data), needles), "%s holds a key in plaintext", path)
				return nil
			}
			found++
			fi, err := d.Info()
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "%s holds a key", path)
			return nil
		}))
	}
	assert.Equal(t, len(mustHoldKeys), found, "every key file was written")
}

// TestLeakedFindsEncodedKeys: the scan finds a key in plaintext, base64-encoded at any offset, and
// encoded twice; it finds nothing in text without one.
func TestLeakedFindsEncodedKeys(t *testing.T) {
	needles := map[string]string{"key": "c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzLWxvbmc="}
	file := "kind: EncryptionConfiguration\nresources:\n  - providers:\n      - secretbox:\n          keys:\n            - secret: " + needles["key"] + "\n"
	once := base64.StdEncoding.EncodeToString([]byte(file))
	for _, text := range []string{file, once, "x" + once, `{"content":"` + base64.StdEncoding.EncodeToString([]byte("ab"+file)) + `"}`,
		base64.StdEncoding.EncodeToString([]byte("path: /etc/x\ncontent: " + once))} {
		assert.Equal(t, "key", leaked(text, needles), "%.60s", text)
	}
	assert.Equal(t, "a PEM private key", leaked(base64.StdEncoding.EncodeToString([]byte("-----BEGIN EC PRIVATE KEY-----\nMHc\n")), nil))
	assert.Empty(t, leaked("kind: EncryptionConfiguration\n"+base64.StdEncoding.EncodeToString([]byte(strings.Repeat("public ", 20))), needles))
}
