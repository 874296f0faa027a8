package controlplane

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloudInitWritesEveryFileWithItsMode(t *testing.T) {
	in := testInputs(t, "/etc/kubernetes")
	files, err := Render(in)
	require.NoError(t, err)
	doc, err := CloudInit(files)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(doc, "#cloud-config\n"))
	assert.Equal(t, len(files), strings.Count(doc, "- content: "))
	assert.Contains(t, doc, "path: /etc/kubernetes/pki/etcd/ca.key\n  permissions: \"0600\"")
	assert.Contains(t, doc, "path: /etc/kubernetes/audit-policy.yaml\n  permissions: \"0644\"")
	assert.Contains(t, doc, "runcmd:\n- - sysctl\n  - --load\n  - /etc/sysctl.d/90-kubelet.conf\n", "the kubelet's kernel settings apply at first boot")
}
