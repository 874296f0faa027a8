package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/internal/limitread"
)

// MaxFileSize is the largest fleet file Load reads.
const MaxFileSize = 4 << 20

// ErrInvalidFleet is wrapped by every error that reports a fleet file's contents.
var ErrInvalidFleet = errors.New("invalid kubeharden fleet file")

// Load reads, decodes strictly and validates a fleet file, and resolves every cluster's profile: the
// shared profile with the cluster's overrides, defaulted and validated as the program will. Every
// problem of every cluster is reported at once, with its field path under clusters[i], before any stack
// is touched.
func Load(path string) (*Fleet, error) {
	data, err := limitread.File(path, MaxFileSize)
	var tooLarge *limitread.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("fleet file %s: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("reading fleet file: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	return Parse(data, dir)
}

// Parse is Load of a fleet file's content; relative paths in it are under dir.
func Parse(data []byte, dir string) (*Fleet, error) {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidFleet, err)
	}
	var file File
	if errs := config.DecodeStrict(js, &file); len(errs) > 0 {
		return nil, invalid(errs)
	}
	fl, errs := resolveFile(&file, dir)
	if len(errs) > 0 {
		return nil, invalid(errs)
	}
	return fl, nil
}

// invalid is one error, wrapping ErrInvalidFleet, that lists every problem on a line of its own with
// its values cut to a readable length.
func invalid(errs field.ErrorList) error {
	lines := make([]string, len(errs))
	for i, e := range config.ShortenErrors(errs) {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Errorf("%w: %d problem(s):\n%s", ErrInvalidFleet, len(errs), strings.Join(lines, "\n"))
}

// resolveFile validates the fleet file and resolves its clusters.
func resolveFile(file *File, dir string) (*Fleet, field.ErrorList) {
	var errs field.ErrorList
	if file.APIVersion != APIVersion {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), file.APIVersion, []string{APIVersion}))
	}
	if file.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), file.Kind, []string{Kind}))
	}
	clustersPath := field.NewPath("clusters")
	if len(file.Clusters) == 0 {
		errs = append(errs, field.Required(clustersPath, "a fleet lists at least one cluster"))
	}
	fl := &Fleet{Dir: dir, Backend: file.Backend, SecretsProvider: file.SecretsProvider}
	names, stacks := map[string]bool{}, map[string]bool{}
	for i, c := range file.Clusters {
		path := clustersPath.Index(i)
		if c.Stack == "" {
			c.Stack = c.Name
		}
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			errs = append(errs, field.Invalid(path.Child("name"), c.Name, msg))
		}
		if names[c.Name] {
			errs = append(errs, field.Duplicate(path.Child("name"), c.Name))
		}
		names[c.Name] = true
		if stacks[c.Stack] {
			errs = append(errs, field.Duplicate(path.Child("stack"), c.Stack))
		}
		stacks[c.Stack] = true
		for _, msg := range validation.IsDNS1123Subdomain(c.Stack) {
			errs = append(errs, field.Invalid(path.Child("stack"), c.Stack, msg))
		}
		switch {
		case c.Kubeconfig != "" && c.RenderDir != "":
			errs = append(errs, field.Forbidden(path, "set kubeconfig (apply to a cluster) or renderDir (render YAML), not both"))
		case c.Kubeconfig != "":
			written := c.Kubeconfig
			c.Kubeconfig = under(dir, c.Kubeconfig)
			if !readableFile(c.Kubeconfig) {
				errs = append(errs, field.Invalid(path.Child("kubeconfig"), written, "must be a readable kubeconfig file (relative to the fleet file's folder)"))
			}
		case c.RenderDir != "":
			c.RenderDir = under(dir, c.RenderDir)
		default:
			errs = append(errs, field.Required(path.Child("kubeconfig"), "the kubeconfig of the cluster to apply to, or renderDir, the folder to render YAML into"))
		}
		merged, err := config.MergeDocuments(file.Profile, c.Overrides)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child("overrides"), "", err.Error()))
			continue
		}
		profile, perrs := config.ResolveDocuments(merged)
		for _, e := range perrs {
			e.Field = path.Child("profile").String() + "." + e.Field
			e.Detail = fmt.Sprintf("%s (cluster %s: the shared profile with its overrides)", e.Detail, c.Name)
			errs = append(errs, e)
		}
		if len(perrs) > 0 {
			continue
		}
		profileJSON, err := json.Marshal(merged)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child("overrides"), "", err.Error()))
			continue
		}
		fl.Members = append(fl.Members, Member{Cluster: c, Profile: profile, ProfileJSON: string(profileJSON)})
	}
	return fl, errs
}

// under is p relative to dir, unless it is absolute.
func under(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// readableFile tells whether p is a regular file this process can open.
func readableFile(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}
