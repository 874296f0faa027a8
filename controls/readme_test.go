package controls

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's table of controls lies between these lines; the catalog writes it
// (KUBEHARDEN_UPDATE_GOLDEN=1 go test ./controls -run TestTheREADMEsTableOfControlsIsTheCatalogs).
const (
	readmeTableBegin = "<!-- the table of controls: written from the catalog by controls/readme_test.go -->"
	readmeTableEnd   = "<!-- end of the table of controls -->"
)

// catalogTable is the catalog as the README's table: each control's id, default level, scope, title
// and sources.
func catalogTable(catalog []Control) string {
	var b strings.Builder
	b.WriteString("| control | level | inspects | requires | NSA/CISA v1.2 | CIS v1.12 | kubescape |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range catalog {
		b.WriteString("| `" + c.ID + "` | " + string(c.Level) + " | " + string(c.Inspects) + " | " + c.Title + " | " + c.Guide + " | " + c.CIS + " | " + c.Kubescape + " |\n")
	}
	return b.String()
}

// TestTheREADMEsTableOfControlsIsTheCatalogs: the README's table of controls is the catalog's, control
// for control, with each one's default level; a control added, removed, retitled or made mandatory
// without the table changing fails here.
func TestTheREADMEsTableOfControlsIsTheCatalogs(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	readme := string(data)
	begin, end := strings.Index(readme, readmeTableBegin), strings.Index(readme, readmeTableEnd)
	require.True(t, begin >= 0 && end > begin, "the README's table of controls between %q and %q", readmeTableBegin, readmeTableEnd)
	want := catalogTable(DefaultControls())
	have := readme[begin+len(readmeTableBegin)+1 : end]
	if os.Getenv(UpdateGoldenEnv) != "" && have != want {
		require.NoError(t, os.WriteFile("../README.md", []byte(readme[:begin+len(readmeTableBegin)+1]+want+readme[end:]), 0o644))
		return
	}
	assert.Equal(t, want, have)
}
