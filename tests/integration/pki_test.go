package integration

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// `kubeharden pki init --renew-within`, as `make up` runs it on every run: a PKI far from expiry is kept
// as it is; one whose first certificate expires within the window is generated anew; without the flag an
// existing PKI is refused (a running cluster's certificates only change on purpose).
func TestPKIInitRenewsOnlyNearExpiry(t *testing.T) {
	ws := pulumitest.NewWorkspace(t)
	ws.MustRun("stack", "init", "dev", "--non-interactive")
	ws.GenerateStackSecrets("dev")
	kubeharden := pulumitest.BuildCLI(t)
	pkiInit := func(args ...string) (string, error) {
		cmd := exec.Command(kubeharden, append([]string{"pki", "init", "--stack", "dev", "--config-file", ws.ConfigFile}, args...)...)
		cmd.Dir, cmd.Env = ws.Dir, ws.Env()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	first := ws.MustRun("config", "get", "kubeharden:pki", "--stack", "dev")

	out, err := pkiInit()
	require.Error(t, err)
	assert.Contains(t, out, "kubeharden:pki is already set; pass --replace")

	out, err = pkiInit("--renew-within", "720h")
	require.NoError(t, err, out)
	assert.Contains(t, out, "kept the PKI of stack dev")
	assert.Equal(t, first, ws.MustRun("config", "get", "kubeharden:pki", "--stack", "dev"), "kept as it was")

	// The leaf certificates live a year: a window of two years finds them about to expire.
	out, err = pkiInit("--renew-within", "17520h")
	require.NoError(t, err, out)
	assert.Contains(t, out, "stored a new PKI")
	assert.NotContains(t, out, "PRIVATE KEY")
	assert.NotEqual(t, first, ws.MustRun("config", "get", "kubeharden:pki", "--stack", "dev"), "renewed")
}
