package componentprovider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaFile is the schema the provider embeds and `pulumi package gen-sdk` reads.
var schemaFile = filepath.Join("..", "cmd", "pulumi-resource-kubeharden", "schema.json")

// The committed schema is the one the config types give; KUBEHARDEN_UPDATE_SCHEMA=1 writes it anew.
func TestCommittedSchemaIsGenerated(t *testing.T) {
	got, err := Schema(filepath.Join("..", "config"))
	require.NoError(t, err)
	if os.Getenv("KUBEHARDEN_UPDATE_SCHEMA") != "" {
		require.NoError(t, os.WriteFile(schemaFile, got, 0o644))
	}
	want, err := os.ReadFile(schemaFile)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "run KUBEHARDEN_UPDATE_SCHEMA=1 go test ./componentprovider")
}

func TestSchemaTypesTheProfile(t *testing.T) {
	data, err := Schema(filepath.Join("..", "config"))
	require.NoError(t, err)
	var s struct {
		Resources map[string]struct {
			IsComponent     bool                      `json:"isComponent"`
			InputProperties map[string]map[string]any `json:"inputProperties"`
		} `json:"resources"`
		Types map[string]struct {
			Description string                    `json:"description"`
			Properties  map[string]map[string]any `json:"properties"`
		} `json:"types"`
	}
	require.NoError(t, json.Unmarshal(data, &s))
	for _, c := range Components {
		r, ok := s.Resources[c.Token]
		require.True(t, ok, c.Token)
		assert.True(t, r.IsComponent)
	}
	assert.Equal(t, "#/types/kubeharden:index:Profile", s.Resources["kubeharden:index:Baseline"].InputProperties["profile"]["$ref"], "the profile is a typed object, not a JSON string")
	profile := s.Types["kubeharden:index:Profile"]
	assert.NotEmpty(t, profile.Description, "descriptions come from the Go doc comments")
	assert.Equal(t, "#/types/kubeharden:index:Tenant", profile.Properties["tenants"]["items"].(map[string]any)["$ref"])
	assert.Contains(t, profile.Properties["kubernetesVersion"]["description"], "Kubernetes version")
	tenant := s.Types["kubeharden:index:Tenant"]
	assert.Equal(t, "string", tenant.Properties["name"]["type"])
	assert.Equal(t, "array", tenant.Properties["egressCIDRs"]["type"])
	assert.Equal(t, true, s.Resources["kubeharden:controlplane:ControlPlane"].InputProperties["pki"]["secret"])
}

// TestEveryComponentIsDescribedOnce: each component the provider offers has a valid descriptor, whose
// outputs are its resource's pulumi-tagged fields; a descriptor that forgets one is refused, and the
// schema cannot be made of it.
func TestEveryComponentIsDescribedOnce(t *testing.T) {
	tokens := map[string]bool{}
	for _, c := range Components {
		require.NoError(t, c.Validate())
		assert.False(t, tokens[c.Token], "%s described twice", c.Token)
		tokens[c.Token] = true
	}
	forgetful := Components[0]
	forgetful.Outputs = map[string]string{}
	assert.ErrorContains(t, forgetful.Validate(), "its outputs are [namespaces], its descriptor describes []")
	_, err := resourceSchema(forgetful)
	assert.Error(t, err)
}
