package logging

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/components/componenttest"
	"github.com/kubeharden/kubeharden/config"
)

// TestNewLogAgentMakesTheProfilesAgentOnly: the agent of a resolved profile that enables logging is made
// under its type, every child parented to it; a profile that was not resolved, or one that does not
// enable logging, registers nothing.
func TestNewLogAgentMakesTheProfilesAgentOnly(t *testing.T) {
	enabled := componenttest.Resolved(t, &config.Profile{Logging: config.Logging{Enabled: true, Outputs: []config.LogOutput{{Type: "stdout"}}}})
	rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
		_, err := NewLogAgent(ctx, "kh-logging", &LogAgentArgs{Profile: enabled})
		return err
	})
	require.NoError(t, err)
	require.Len(t, rec.ByType(LogAgentType), 1)
	daemonSets := rec.ByType("kubernetes:apps/v1:DaemonSet")
	require.Len(t, daemonSets, 1)
	assert.Equal(t, "urn:pulumi:test::kubeharden::"+LogAgentType+"::kh-logging", daemonSets[0].Parent)

	for _, tc := range []struct {
		name string
		args *LogAgentArgs
		want string
	}{
		{"nil args", nil, "log agent kh-logging: args are required"},
		{"a profile that was not resolved", &LogAgentArgs{}, "log agent kh-logging: a resolved profile is required"},
		{"logging not enabled", &LogAgentArgs{Profile: componenttest.Resolved(t, &config.Profile{})},
			"logging.enabled: Invalid value: false: the profile does not enable logging"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := componenttest.Run(func(ctx *pulumi.Context) error {
				_, err := NewLogAgent(ctx, "kh-logging", tc.args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, rec.Resources())
		})
	}
}
