package check

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/contract"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/live"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/controls/preview"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
)

// ProfileFromFile loads a profile for `kubeharden check` and `kubeharden report` from a profile file, or
// from a stack settings file (stacks/Pulumi.<stack>.yaml) through its kubeharden:profile and
// kubeharden:profileFile keys (the default profile where it has neither). It needs no Pulumi CLI and no passphrase: a profile holds no secret.
func ProfileFromFile(path string) (config.Resolved, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return config.Resolved{}, err
	}
	var settings struct {
		Config map[string]any `json:"config"`
	}
	if err := yaml.Unmarshal(data, &settings); err != nil {
		return config.Resolved{}, fmt.Errorf("%s: %w", path, err)
	}
	profile, hasProfile := settings.Config[stack.ConfigNamespace+":"+stack.ProfileKey]
	profileFile, hasFile := settings.Config[stack.ConfigNamespace+":"+stack.ProfileFileKey]
	switch {
	case !hasProfile && !hasFile && settings.Config != nil:
		return config.Load(config.Sources{}) // the settings of a stack without a profile: the default one
	case !hasProfile && !hasFile:
		return config.Load(config.Sources{File: path})
	}
	src := config.Sources{}
	if hasProfile {
		m, ok := profile.(map[string]any)
		if !ok {
			return config.Resolved{}, fmt.Errorf("%s: %s:%s must be an object", path, stack.ConfigNamespace, stack.ProfileKey)
		}
		src.Stack = m
	}
	if hasFile {
		f, ok := profileFile.(string)
		if !ok {
			return config.Resolved{}, fmt.Errorf("%s: %s:%s must be a path", path, stack.ConfigNamespace, stack.ProfileFileKey)
		}
		root, err := stack.ProjectRootFrom(filepath.Dir(path))
		if err != nil {
			return config.Resolved{}, err
		}
		src.File = stack.UnderRoot(root, f)
	}
	return config.Load(src)
}

// Exemptions are the profile's exemptions, for the control catalog: compliance.exemptions as written,
// and those that other settings of the profile imply, each with the reason the profile gives or the
// reason kubeharden's design has:
//   - a namespace that controlPlane.admission.exemptions exempts from Pod Security is exempt from
//     workload-pod-security, with that exemption's reason;
//   - each rbac.breakGlass binding is exempt from rbac-cluster-admin-binding, with its reason;
//   - each tenant's kubeharden:namespace-admin Role reads the namespace's Secrets and may exec into its
//     pods, and its kubeharden:developer Role may exec where tenants[].access.allowExec says so.
func Exemptions(p config.Resolved) []report.Exemption {
	out := append([]report.Exemption(nil), p.Compliance.Exemptions...)
	for _, e := range p.ControlPlane.Admission.Exemptions {
		if e.Kind == "namespace" {
			out = append(out, report.Exemption{Control: "workload-pod-security", Object: "*/" + e.Name + "/*",
				Reason: "exempt from Pod Security admission (controlPlane.admission.exemptions): " + e.Reason})
		}
	}
	for _, bg := range p.RBAC.BreakGlass {
		out = append(out, report.Exemption{Control: "rbac-cluster-admin-binding", Object: "ClusterRoleBinding/" + contract.BreakGlassPrefix + bg.Name,
			Reason: "break-glass binding (rbac.breakGlass): " + bg.Reason})
	}
	for _, t := range p.Tenants {
		admin := "Role/" + t.Name + "/" + contract.NamespaceAdminRole
		out = append(out,
			report.Exemption{Control: "rbac-secrets-access", Object: admin, Reason: "the tenant's namespace admins manage its Secrets; the Role is bound only in namespace " + t.Name + ", to tenants[].access.admins"},
			report.Exemption{Control: "rbac-pod-exec", Object: admin, Reason: "the tenant's namespace admins debug its pods; the Role is bound only in namespace " + t.Name + ", to tenants[].access.admins"})
		if t.Access.AllowExec {
			out = append(out, report.Exemption{Control: "rbac-pod-exec", Object: "Role/" + t.Name + "/" + contract.DeveloperRole,
				Reason: "tenants[].access.allowExec lets the tenant's developers exec into its pods"})
		}
	}
	return out
}

// Inputs say what `kubeharden check` and `kubeharden report` read.
type Inputs struct {
	// Paths are files and folders: manifests (such as the rendered stack) and the control-plane file set.
	Paths []string
	// Kubeconfig, when set, names a live cluster to read (list only).
	Kubeconfig string
	// ProfileFile, when set, is a profile or stack settings file: its exemptions and Kubernetes version apply.
	ProfileFile string
	// Profile, when set, is a resolved profile, in place of ProfileFile.
	Profile config.Resolved
	// KubernetesVersion overrides the profile's; empty means the profile's, or config.DefaultKubernetesVersion.
	KubernetesVersion string
	// Namespace is the namespace of the objects in Paths that name none (default when empty).
	Namespace string
	// PreviewFile, when set, is the output of `pulumi preview --json`: the resources the stack would hold
	// after the update are checked, each named by its URN.
	PreviewFile string
	// Sources, when not nil, are documents that are not files, each named (the policy pack's resources,
	// made by controls/preview); an empty list is judged as nothing to judge.
	Sources []manifests.Source
	// Exemptions are exemptions beside the profile's (the policy pack's options give them).
	Exemptions []report.Exemption
	// Catalog is the catalog to judge by; nil means controls.DefaultControls().
	Catalog []controls.Control
}

// Run is the one check pipeline, which `kubeharden check`, `kubeharden report`, `fleet drift` and the
// policy pack call: it reads the inputs (files and folders, a live cluster, a preview, documents),
// evaluates the control catalog on them and applies the exemptions (the profile's, those it implies, and
// in.Exemptions) into a report. An error means nothing was checked: no input, an invalid profile, or a
// cluster that cannot be reached.
func Run(ctx context.Context, in Inputs) (*report.Report, error) {
	if len(in.Paths) == 0 && in.Kubeconfig == "" && in.PreviewFile == "" && in.Sources == nil {
		return nil, errors.New("name at least one file or folder, a cluster with --kubeconfig or a preview with --pulumi-preview")
	}
	opts := judgement{catalog: in.Catalog, paths: in.Paths, namespace: in.Namespace, sources: in.Sources, kubernetesVersion: config.DefaultKubernetesVersion}
	if opts.catalog == nil {
		opts.catalog = controls.DefaultControls()
	}
	if in.ProfileFile != "" {
		p, err := ProfileFromFile(in.ProfileFile)
		if err != nil {
			return nil, fmt.Errorf("--profile %s: %w", in.ProfileFile, err)
		}
		opts.exemptions, opts.kubernetesVersion = Exemptions(p), p.KubernetesVersion
	}
	if !in.Profile.IsZero() {
		opts.exemptions, opts.kubernetesVersion = Exemptions(in.Profile), in.Profile.KubernetesVersion
	}
	opts.exemptions = append(opts.exemptions, in.Exemptions...)
	if in.KubernetesVersion != "" {
		opts.kubernetesVersion = in.KubernetesVersion
	}
	var liveErrors []manifests.FileError
	if in.Kubeconfig != "" {
		snap, err := live.Read(ctx, in.Kubeconfig)
		if err != nil {
			return nil, err
		}
		opts.live, opts.liveSource, liveErrors = snap.Objects, snap.Server, snap.Errors
	}
	var previewErrors []manifests.FileError
	if in.PreviewFile != "" {
		data, err := os.ReadFile(in.PreviewFile)
		if err != nil {
			return nil, fmt.Errorf("--pulumi-preview: %w", err)
		}
		resources, err := preview.ReadPreview(data)
		if err != nil {
			return nil, fmt.Errorf("--pulumi-preview %s: %w", in.PreviewFile, err)
		}
		pi := preview.NewInputs(resources)
		opts.sources = append(slices.Clip(opts.sources), pi.Sources...) // never into the caller's slice
		for _, urn := range slices.Sorted(maps.Keys(pi.Unreadable)) {
			previewErrors = append(previewErrors, manifests.FileError{Path: urn, Err: pi.Unreadable[urn]})
		}
		if len(pi.Sources)+len(pi.Unreadable) == 0 {
			previewErrors = append(previewErrors, manifests.FileError{Path: in.PreviewFile, Err: "nothing to check: the preview holds no Kubernetes resource"})
		}
	}
	r, err := judge(opts)
	if err != nil {
		return nil, err
	}
	if in.PreviewFile != "" {
		r.Sources = append(r.Sources, in.PreviewFile)
	}
	r.Errors = append(append(r.Errors, liveErrors...), previewErrors...)
	return r, nil
}
