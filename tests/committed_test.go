package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/tests/testenv"
)

// secretPatterns are what a committed secret looks like: a PEM private key with its body (a test's
// placeholder such as "-----BEGIN PRIVATE KEY-----\nAAAA" is not one), a Pulumi secret's ciphertext
// (its nonce and ciphertext are long base64; a test's placeholder such as v1:abc is not), a kubeconfig's
// client key, and an encryption-at-rest key as kubeharden stores one (32 bytes, base64).
var secretPatterns = map[string]*regexp.Regexp{
	"a PEM private key":       regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----(\\n|\s)+[A-Za-z0-9+/]{60,}`),
	"a Pulumi secret":         regexp.MustCompile(`secure: v1:[A-Za-z0-9+/=]{12,}:[A-Za-z0-9+/=]{24,}`),
	"a kubeconfig client key": regexp.MustCompile(`client-key-data: [A-Za-z0-9+/=]{40,}`),
	"an encryption key":       regexp.MustCompile(`"secret"\s*:\s*"[A-Za-z0-9+/]{43}="`),
}

// TestNothingSecretIsCommitted reads every file of the commit checked out (what git holds, not the
// working tree, where `make up` keeps the dev stack's generated secrets in build/) and fails on anything
// that looks like a key: users copy what a repository shows.
func TestNothingSecretIsCommitted(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		testenv.Unavailable(t, "not a git checkout: nothing committed to read", "run the tests in a git clone")
	}
	ls := exec.Command("git", "ls-tree", "-r", "-z", "--name-only", "HEAD")
	ls.Dir = root
	names, err := ls.Output()
	require.NoError(t, err)
	files := bytes.Split(bytes.TrimSuffix(names, []byte{0}), []byte{0})
	require.NotEmpty(t, files)
	for _, name := range files {
		show := exec.Command("git", "show", "HEAD:"+string(name))
		show.Dir = root
		data, err := show.Output()
		require.NoError(t, err, "%s", name)
		for what, re := range secretPatterns {
			assert.False(t, re.Match(data), "%s holds %s", name, what)
		}
		assert.False(t, isBuildOutput(data), "%s is a compiled program: build output is not committed", name)
	}
}

// isBuildOutput is true for an executable or object file (ELF), which a build writes and nobody edits.
func isBuildOutput(data []byte) bool { return bytes.HasPrefix(data, []byte("\x7fELF")) }

// TestTheSecretPatternsMatchSecrets: each pattern catches the thing it names, and the placeholders the
// tests write do not trip it.
func TestTheSecretPatternsMatchSecrets(t *testing.T) {
	for what, sample := range map[string]string{
		// Each sample is cut in two so that this file does not hold what it describes.
		"a PEM private key":       "-----BEGIN EC PRIVATE " + "KEY-----\nMHcCAQEEIBsQzWz5ktHGhwCHm2yqRPE9uTbJ4XOq6kq9ks2YQbbsoAoGCCqGSM49\n",
		"a PEM private key in Go": `"-----BEGIN EC PRIVATE ` + `KEY-----\nMHcCAQEEIBsQzWz5ktHGhwCHm2yqRPE9uTbJ4XOq6kq9ks2YQbbsoAoGCCqGSM49"`,
		"a Pulumi secret":         "    secure: v1:" + "j/1FTbodmqU9RVuK:/hiL+1Vw76IsTJ5e9N7IKIpYYi26agV50X0akh2i7wtg5j4N\n",
		"a kubeconfig client key": "    client-key-data: " + "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUJ\n",
		"an encryption key":       `[{"name":"key-1","secret":` + `"q3JvYmVydHMtZGV2LWtleS0zMi1ieXRlcy1sb25nLWE="}]`,
	} {
		assert.True(t, secretPatterns[strings.TrimSuffix(what, " in Go")].MatchString(sample), what)
	}
	for _, placeholder := range []string{"secure: v1:abc", `"secret": "c2VjcmV0"`, "-----BEGIN CERTIFICATE-----",
		`"-----BEGIN PRIVATE ` + `KEY-----\nsecretsecret\n-----END PRIVATE KEY-----\n"`} {
		for what, re := range secretPatterns {
			assert.False(t, re.MatchString(placeholder), "%s is not %s", placeholder, what)
		}
	}
}
