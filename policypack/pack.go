package policypack

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/controls"
	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/controls/preview"
	"github.com/kubeharden/kubeharden/report"
)

// Name is the policy pack's name, as `pulumi preview` prints it beside each violation.
const Name = "kubeharden"

// Version is the pack's version.
var Version = semver.MustParse("0.1.0")

// InputsPolicy is the policy that fails a resource the pack could not turn into an object to judge: the
// catalog's verdict on it is unknown, and the pack fails closed.
const InputsPolicy = "kubeharden-inputs-judged"

// Options say how the pack judges: the catalog, the Kubernetes version whose checks apply and the
// exemptions (a stack's profile gives them; see check.Exemptions).
type Options struct {
	Catalog           []controls.Control
	KubernetesVersion string
	Exemptions        []report.Exemption
	// PodSecurityLevels are the Pod Security levels the profile says each of its namespaces enforces (a
	// tenant's, the log agent's), by namespace: a namespace of the preview that enforces a weaker one
	// fails namespace-pod-security, even where the catalog would pass it for a recorded reason.
	PodSecurityLevels map[string]string
	// ReportFile, when set, is where each verdict's report is written as `kubeharden check -o json`
	// writes one, for a CI summary (ReportFileEnv sets it for the pack's command).
	ReportFile string
}

// ReportFileEnv names the file the pack's command writes its report to.
const ReportFileEnv = "KUBEHARDEN_POLICY_REPORT"

// New is the policy pack: a stack policy per control of the catalog, named by the control's ID, and
// InputsPolicy. Every policy reads the same verdict, the catalog evaluated once on all the preview's
// resources (a namespace's policies and its workloads are judged together, as `kubeharden check` judges
// a folder).
func New(opts Options) (policyx.PolicyPack, error) {
	j := &judge{opts: opts}
	policies := []policyx.Policy{policyx.NewStackValidationPolicy(InputsPolicy, policyx.StackValidationPolicyArgs{
		Description:      "Every Kubernetes resource of the stack can be judged by the kubeharden catalog",
		EnforcementLevel: policyx.EnforcementLevelMandatory,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			return j.report(InputsPolicy, args)
		},
	})}
	for _, c := range opts.Catalog {
		level := policyx.EnforcementLevelAdvisory
		if c.Level == controls.LevelMandatory {
			level = policyx.EnforcementLevelMandatory
		}
		policies = append(policies, policyx.NewStackValidationPolicy(c.ID, policyx.StackValidationPolicyArgs{
			Description:      c.Title + " (" + sources(c) + ")",
			EnforcementLevel: level,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				return j.report(c.ID, args)
			},
		}))
	}
	return policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelAdvisory, policies)
}

// Message is a finding as a violation says it: the control, the object, the field and the fix.
func Message(f controls.Finding) string {
	return fmt.Sprintf("[%s] %s %s: %s; fix: %s", f.Control, f.Object, f.Field, f.Message, f.Remedy)
}

func sources(c controls.Control) string {
	s := "NSA/CISA: " + c.Guide
	if c.CIS != "" {
		s += "; CIS " + c.CIS
	}
	if c.Kubescape != "" {
		s += "; kubescape " + c.Kubescape
	}
	return s
}

// Verdict is the catalog's judgement of one set of resources.
type Verdict struct {
	Inputs preview.Inputs
	Report *report.Report
	// Unjudged are the resources the catalog could not judge, and why.
	Unjudged []Violation
	// weakerThanProfile are the namespaces that enforce less than the profile says.
	weakerThanProfile []Violation
}

// Violation is one resource's violation of a policy ("" for the stack as a whole).
type Violation struct{ URN, Message string }

// Violations are the violations of one policy: a control's findings (exempted ones are not violations),
// or, for InputsPolicy, what could not be judged.
func (v *Verdict) Violations(policy string) []Violation {
	if policy == InputsPolicy {
		return v.Unjudged
	}
	var out []Violation
	if policy == namespacePodSecurity {
		out = append(out, v.weakerThanProfile...)
	}
	for _, f := range v.Report.FindingsOf(policy) {
		out = append(out, Violation{URN: v.Inputs.URNs[f.Path], Message: Message(f)})
	}
	return out
}

// judge evaluates the catalog once per AnalyzeStack call: the engine hands every policy the same
// resources, so the last verdict is kept for the slice it was made for.
type judge struct {
	opts Options

	mu   sync.Mutex
	last []policyx.AnalyzerResource
	v    *Verdict
}

// report reports a policy's violations among the stack's resources.
func (j *judge) report(policy string, args policyx.StackValidationArgs) error {
	v, err := j.verdict(args.Resources)
	if err != nil {
		return err
	}
	for _, x := range v.Violations(policy) {
		args.Manager.ReportViolation(x.Message, x.URN)
	}
	return nil
}

func (j *judge) verdict(resources []policyx.AnalyzerResource) (*Verdict, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.v != nil && len(resources) == len(j.last) && (len(resources) == 0 || &resources[0] == &j.last[0]) {
		return j.v, nil
	}
	rs := make([]preview.Resource, len(resources))
	for i, r := range resources {
		rs[i] = resourceOf(r)
	}
	v, err := Judge(j.opts, rs)
	if err != nil {
		return nil, err
	}
	if j.opts.ReportFile != "" {
		if err := writeReport(j.opts.ReportFile, v); err != nil {
			return nil, err
		}
	}
	j.last, j.v = resources, v
	return v, nil
}

// Judge evaluates the catalog on resources. What could not be made into an object or read as one is
// unjudged, each with its URN.
func Judge(opts Options, resources []preview.Resource) (*Verdict, error) {
	in := preview.NewInputs(resources)
	sources := in.Sources
	if sources == nil {
		sources = []manifests.Source{} // a stack with no Kubernetes resource: nothing to judge, judged
	}
	r, err := check.Run(context.Background(), check.Inputs{Catalog: opts.Catalog, KubernetesVersion: opts.KubernetesVersion,
		Sources: sources, Exemptions: opts.Exemptions})
	if err != nil {
		return nil, fmt.Errorf("policy pack %s: %w", Name, err)
	}
	v := &Verdict{Inputs: in, Report: r}
	for urn, why := range in.Unreadable {
		v.Unjudged = append(v.Unjudged, Violation{URN: urn, Message: why})
	}
	for _, e := range r.Errors {
		v.Unjudged = append(v.Unjudged, Violation{URN: in.URNs[e.Path], Message: e.Err})
	}
	sort.Slice(v.Unjudged, func(a, b int) bool { return v.Unjudged[a].URN < v.Unjudged[b].URN })
	v.weakerThanProfile = weakerThanProfile(opts.PodSecurityLevels, in)
	return v, nil
}

// writeReport writes the verdict's report, the unjudged resources among its errors.
func writeReport(path string, v *Verdict) error {
	r := *v.Report
	r.Errors = append([]manifests.FileError(nil), r.Errors...)
	for urn, why := range v.Inputs.Unreadable {
		r.Errors = append(r.Errors, manifests.FileError{Path: urn, Err: why})
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("policy pack %s: %w", Name, err)
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("policy pack %s: writing %s: %w", Name, path, err)
	}
	return f.Close()
}

// namespacePodSecurity is the control a namespace weaker than its profile fails.
const namespacePodSecurity = "namespace-pod-security"

// weakerThanProfile finds the namespaces among the checked objects that enforce a weaker Pod Security
// level than want says for them.
func weakerThanProfile(want map[string]string, in preview.Inputs) []Violation {
	var out []Violation
	for _, s := range in.Sources {
		var ns struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		}
		if json.Unmarshal(s.Data, &ns) != nil || ns.Kind != "Namespace" {
			continue
		}
		level, ok := want[ns.Metadata.Name]
		if !ok {
			continue
		}
		wantLevel, err1 := psaapi.ParseLevel(level)
		have := ns.Metadata.Labels[psaapi.EnforceLevelLabel]
		haveLevel, err2 := psaapi.ParseLevel(have)
		if err1 != nil || err2 == nil && psaapi.CompareLevels(haveLevel, wantLevel) >= 0 {
			continue
		}
		out = append(out, Violation{URN: in.URNs[s.Name], Message: Message(controls.Finding{
			Control: namespacePodSecurity, Object: "Namespace/" + ns.Metadata.Name,
			Field:   "metadata.labels[" + psaapi.EnforceLevelLabel + "]",
			Message: fmt.Sprintf("enforces %q, weaker than the %s its profile says", have, level),
			Remedy:  "label it " + psaapi.EnforceLevelLabel + "=" + level + ", or change the profile (with its exemption reason)",
		})})
	}
	return out
}
