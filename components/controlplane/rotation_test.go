package controlplane

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func names(keys []EncryptionKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Name)
	}
	return out
}

func TestRotationSteps(t *testing.T) {
	old := []EncryptionKey{{Name: "key-1"}}
	added, err := AddKey(old, EncryptionKey{Name: "key-2"})
	require.NoError(t, err)
	assert.Equal(t, []string{"key-1", "key-2"}, names(added), "a new key goes second")

	promoted, err := PromoteKey(added, "key-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"key-2", "key-1"}, names(promoted))

	dropped, err := RemoveKey(promoted, "key-1")
	require.NoError(t, err)
	assert.Equal(t, []string{"key-2"}, names(dropped))
	assert.Equal(t, []string{"key-1", "key-2"}, names(added), "the input is not modified")

	_, err = AddKey(promoted, EncryptionKey{Name: "key-1"})
	assert.EqualError(t, err, `adding encryption key: a key named "key-1" is already configured`)
	_, err = RemoveKey(promoted, "key-2")
	assert.EqualError(t, err, `removing encryption key: "key-2" encrypts new writes; promote another key first`)
	_, err = PromoteKey(promoted, "key-9")
	assert.EqualError(t, err, `promoting encryption key: no key named "key-9"; configured: key-2, key-1`)
}
