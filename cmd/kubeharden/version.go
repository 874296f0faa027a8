package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/version"
)

// about is what `kubeharden version` says: the build, the Kubernetes versions kubeharden renders for and
// the catalog judges, and the editions of the sources the catalog cites.
type about struct {
	version.Build
	// KubernetesSupported is the window of versions a profile may name; KubernetesDefault the one it
	// gets when it names none; CatalogVersions the minor versions at which the catalog's checks change.
	KubernetesSupported string   `json:"kubernetesSupported"`
	KubernetesDefault   string   `json:"kubernetesDefault"`
	CatalogVersions     []string `json:"catalogVersions"`
	Controls            int      `json:"controls"`
	Guide               string   `json:"guide"`
	CIS                 string   `json:"cis"`
}

func readAbout() about {
	catalog := controls.DefaultControls()
	return about{Build: version.Read(), KubernetesSupported: config.SupportedKubernetesVersions,
		KubernetesDefault: config.DefaultKubernetesVersion, CatalogVersions: controls.KubernetesVersions(catalog),
		Controls: len(catalog), Guide: controls.GuideEdition, CIS: controls.CISEdition}
}

func (a about) text() string {
	commit := a.Commit
	if a.Modified {
		commit += " (with uncommitted changes)"
	}
	return fmt.Sprintf("kubeharden %s\ncommit:     %s\nmodule:     %s\ngo:         %s\nkubernetes: %s (default %s); the catalog's checks change at %s\ncontrols:   %d, citing the %s and the %s\n",
		a.Version, commit, a.Module, a.GoVersion, a.KubernetesSupported, a.KubernetesDefault,
		strings.Join(a.CatalogVersions, ", "), a.Controls, a.Guide, a.CIS)
}

// newVersionCommand is `kubeharden version` (the root's --version prints the same text).
func newVersionCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the build (version, commit), the Kubernetes versions and the editions of the guide and the CIS benchmark the catalog cites",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeAbout(cmd.OutOrStdout(), readAbout(), output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

func writeAbout(w io.Writer, a about, output string) error {
	switch output {
	case "text":
		_, err := io.WriteString(w, a.text())
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	return usageError(fmt.Errorf("version: --output %q: supported values: text, json", output))
}
