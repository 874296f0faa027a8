package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/kubeharden/kubeharden/check"
	"github.com/kubeharden/kubeharden/policypack"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/stack"
)

// Operation is what Run does on each cluster.
type Operation string

const (
	// Preview is `pulumi preview` with the policy pack: nothing changes.
	Preview Operation = "preview"
	// Up is `pulumi up` with the policy pack.
	Up Operation = "up"
	// Drift is `pulumi preview --refresh` (the state read back from the cluster, then compared with the
	// program; nothing is written) and `kubeharden check --kubeconfig` of the live cluster.
	Drift Operation = "drift"
)

// Options are how Run goes about a fleet.
type Options struct {
	// Project is the kubeharden project folder (its Pulumi.yaml), whose program every stack runs.
	Project string
	// PolicyPack is the kubeharden policy pack (the kubeharden-policy executable); required for a preview
	// and an up.
	PolicyPack string
	// Parallel is how many clusters run at once; 0 or less means 1.
	Parallel int
	// Only and Exclude select clusters by name; an unknown name is an error.
	Only, Exclude []string
	// Progress receives a line per cluster as it starts and as it ends; nil means none.
	Progress io.Writer
}

// Result is one cluster's outcome.
type Result struct {
	Cluster, Stack string
	// Changes counts the resources by the step the engine took (create, update, delete, replace, same).
	Changes map[string]int
	// Violations counts the policy violations by enforcement level (mandatory, advisory, ...).
	Violations map[string]int
	// PolicyPacks are the policy packs the engine ran, by name.
	PolicyPacks []string
	// Drifted are the resources whose state in the cluster is not what the program makes (drift only).
	Drifted []DriftedResource
	// Controls counts the live check's controls by status, and FailingControls names those that fail
	// (drift only).
	Controls        map[string]int
	FailingControls []string
	// NotJudged, when set, says why the cluster could not be judged (drift of a cluster that only
	// renders YAML): it neither passed nor failed.
	NotJudged string
	Duration  time.Duration
	// Err is why the cluster's operation failed; nil when it passed.
	Err error
}

// DriftedResource is a resource a drift preview would change to bring the cluster back to the program.
type DriftedResource struct {
	// Op is the step that would undo the drift: update, create (the object is gone), delete, replace.
	Op string `json:"op"`
	// URN is the resource's; Object names the Kubernetes object ("NetworkPolicy team-a/default-deny-all").
	URN    string `json:"urn"`
	Object string `json:"object"`
	// Fields are the properties that differ.
	Fields []string `json:"fields,omitempty"`
}

// Failed tells whether the cluster did not pass: an error, a mandatory violation, drift or a failing
// control.
func (r Result) Failed() bool {
	return r.Err != nil || r.Violations["mandatory"] > 0 || len(r.Drifted) > 0 || len(r.FailingControls) > 0
}

// Select is the members Options.Only and Options.Exclude leave, in the fleet's order.
func Select(f *Fleet, only, exclude []string) ([]Member, error) {
	known := map[string]bool{}
	for _, m := range f.Members {
		known[m.Name] = true
	}
	for _, names := range [][]string{only, exclude} {
		for _, n := range names {
			if !known[n] {
				return nil, fmt.Errorf("no cluster %q in the fleet (clusters: %s)", n, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
			}
		}
	}
	var out []Member
	for _, m := range f.Members {
		if (len(only) == 0 || slices.Contains(only, m.Name)) && !slices.Contains(exclude, m.Name) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Run does op on every selected cluster of the fleet, at most opts.Parallel at once, each in a
// workspace of its own, and returns the results in the fleet's order. A cluster that fails is reported
// in its result and does not stop the others; the error is for what keeps the fleet from running at
// all (a bad selection, no policy pack, no project).
func Run(ctx context.Context, f *Fleet, op Operation, opts Options) ([]Result, error) {
	members, err := Select(f, opts.Only, opts.Exclude)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(opts.PolicyPack); op != Drift && (opts.PolicyPack == "" || err != nil || st.IsDir()) {
		return nil, fmt.Errorf("the kubeharden policy pack %q: not an executable (build it with `go build -o bin/kubeharden-policy ./cmd/kubeharden-policy`)", opts.PolicyPack)
	}
	project, err := workspace.LoadProject(filepath.Join(opts.Project, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("the kubeharden project: %w", err)
	}
	build, err := os.MkdirTemp("", "kubeharden-fleet-program-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(build)
	var program string
	if op != Drift || slices.ContainsFunc(members, func(m Member) bool { return m.Kubeconfig != "" }) {
		if program, err = buildProgram(ctx, opts.Project, *project, build); err != nil {
			return nil, err
		}
	}
	parallel := max(opts.Parallel, 1)
	results := make([]Result, len(members))
	var progress sync.Mutex
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			progress.Lock()
			defer progress.Unlock()
			fmt.Fprintf(opts.Progress, format+"\n", args...)
		}
	}
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			say("[%s] %s of stack %s: started", m.Name, op, m.Stack)
			results[i] = runMember(ctx, f, m, *project, program, op, opts)
			say("[%s] %s", m.Name, results[i].line(op))
		}()
	}
	wg.Wait()
	return results, nil
}

// line is a result in one line of progress.
func (r Result) line(op Operation) string {
	s := fmt.Sprintf("%s: %s, %d violation(s), %s", op, changeText(r.Changes), r.Violations["mandatory"]+r.Violations["advisory"], r.Duration.Round(100*time.Millisecond))
	if op == Drift {
		s = fmt.Sprintf("drift: %d resource(s) drifted, %d control(s) failing live, %s", len(r.Drifted), len(r.FailingControls), r.Duration.Round(100*time.Millisecond))
	}
	if r.NotJudged != "" {
		s += ": NOT JUDGED: " + r.NotJudged
	}
	if r.Err != nil {
		s += ": FAILED: " + firstLine(r.Err.Error())
	}
	return s
}

// runMember runs op on one cluster in a workspace of its own: a folder with the project's settings, a
// shim that runs program (the project's, built once by Run), and the cluster's stack settings.
func runMember(ctx context.Context, f *Fleet, m Member, project workspace.Project, program string, op Operation, opts Options) Result {
	start := time.Now()
	res := Result{Cluster: m.Name, Stack: m.Stack, Changes: map[string]int{}, Violations: map[string]int{}}
	fail := func(err error) Result {
		res.Err, res.Duration = err, time.Since(start)
		return res
	}
	if op == Drift && m.Kubeconfig == "" {
		// Fail closed: with no cluster there is nothing to compare the state with, and no drift found is
		// not the same as no drift.
		res.NotJudged = "it renders YAML only: there is no cluster to compare its state with"
		res.Duration = time.Since(start)
		return res
	}
	dir, err := os.MkdirTemp("", "kubeharden-fleet-"+m.Name+"-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	// The workspace's own Pulumi.yaml and stack settings: nothing is written into the project or shared
	// between clusters. Its program is a shim that runs the program Run built once.
	if err := writeShim(dir, program); err != nil {
		return fail(err)
	}
	project.Main = ""
	project.StackConfigDir = ""

	// Everything else (PULUMI_CONFIG_PASSPHRASE and the like) comes from the process's environment.
	env := map[string]string{}
	if f.Backend != "" {
		env["PULUMI_BACKEND_URL"] = f.Backend
	}
	if op == Preview || op == Drift {
		// As make preview: a preview persists nothing, and the engine's snapshot after each step costs
		// the square of the stack's size (BENCHMARKS.md).
		env["PULUMI_SKIP_CHECKPOINTS"] = "true"
	}
	wsOpts := []auto.LocalWorkspaceOption{auto.WorkDir(dir), auto.Project(project), auto.EnvVars(env)}
	if f.SecretsProvider != "" {
		wsOpts = append(wsOpts, auto.SecretsProvider(f.SecretsProvider))
	}
	ws, err := auto.NewLocalWorkspace(ctx, wsOpts...)
	if err != nil {
		return fail(fmt.Errorf("workspace: %w", err))
	}
	st, err := auto.UpsertStack(ctx, m.Stack, ws)
	if err != nil {
		return fail(fmt.Errorf("stack %s: %w", m.Stack, err))
	}
	settings := auto.ConfigMap{stack.ConfigNamespace + ":" + stack.ProfileKey: {Value: m.ProfileJSON}}
	if m.Kubeconfig != "" {
		settings[stack.ConfigNamespace+":"+stack.KubeconfigKey] = auto.ConfigValue{Value: m.Kubeconfig, Secret: true}
	} else {
		settings[stack.ConfigNamespace+":"+stack.RenderDirKey] = auto.ConfigValue{Value: m.RenderDir}
	}
	if err := st.SetAllConfig(ctx, settings); err != nil {
		return fail(fmt.Errorf("stack %s settings: %w", m.Stack, err))
	}

	evs := make(chan events.EngineEvent)
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		for ev := range evs {
			if pre := ev.ResourcePreEvent; pre != nil && op == Drift {
				if d, ok := drifted(pre.Metadata); ok {
					res.Drifted = append(res.Drifted, d)
				}
			}
			if p := ev.PolicyEvent; p != nil {
				res.Violations[p.EnforcementLevel]++
			}
			if s := ev.SummaryEvent; s != nil {
				for k, n := range s.ResourceChanges {
					res.Changes[string(k)] += n
				}
				for key := range s.PolicyPacks {
					// The engine names a pack "<name>|<source>|<path>" (kubeharden|local|/.../kubeharden-policy).
					name, _, _ := strings.Cut(key, "|")
					res.PolicyPacks = append(res.PolicyPacks, name)
				}
			}
		}
	}()
	switch op {
	case Preview:
		_, err = st.Preview(ctx, optpreview.PolicyPacks(opts.PolicyPack), optpreview.EventStreams(evs), optpreview.SuppressProgress())
	case Up:
		_, err = st.Up(ctx, optup.PolicyPacks(opts.PolicyPack), optup.EventStreams(evs), optup.SuppressProgress(), optup.SuppressOutputs())
	case Drift:
		_, err = st.Preview(ctx, optpreview.Refresh(), optpreview.EventStreams(evs), optpreview.SuppressProgress())
	default:
		close(evs)
		err = fmt.Errorf("unknown operation %q", op)
	}
	<-counted
	res.Duration = time.Since(start)
	switch {
	case err != nil:
		res.Err = cliError(err)
	case op == Drift:
		if err := checkLive(ctx, m, &res); err != nil {
			res.Err = err
		}
	case !slices.Contains(res.PolicyPacks, policypack.Name):
		// Fail closed: a cluster the policy pack did not judge has not passed it.
		res.Err = fmt.Errorf("the engine's summary names no %s policy pack (it names %v): the cluster was not judged", policypack.Name, res.PolicyPacks)
	}
	return res
}

// drifted is the drift a step of a drift preview undoes, if it undoes any.
func drifted(step apitype.StepEventMetadata) (DriftedResource, bool) {
	switch step.Op {
	case apitype.OpSame, apitype.OpRead, apitype.OpRefresh, apitype.OpReadDiscard, apitype.OpDiscardReplaced:
		return DriftedResource{}, false
	}
	if step.Type == "pulumi:pulumi:Stack" {
		return DriftedResource{}, false
	}
	d := DriftedResource{Op: string(step.Op), URN: step.URN, Fields: step.Diffs}
	for _, s := range []*apitype.StepEventStateMetadata{step.New, step.Old} {
		if s == nil {
			continue
		}
		for _, props := range []map[string]any{s.Inputs, s.Outputs} {
			if name := objectName(props); name != "" {
				d.Object = name
				return d, true
			}
		}
	}
	d.Object = step.Type
	return d, true
}

// objectName is "Kind namespace/name" (or "Kind name") of a Kubernetes resource's properties; empty
// when they do not say.
func objectName(props map[string]any) string {
	kind, _ := props["kind"].(string)
	meta, _ := props["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if kind == "" || name == "" {
		return ""
	}
	if ns, _ := meta["namespace"].(string); ns != "" {
		return kind + " " + ns + "/" + name
	}
	return kind + " " + name
}

// checkLive runs the control catalog on the live cluster with the cluster's profile, as
// `kubeharden check --kubeconfig` does, and records the controls that fail.
func checkLive(ctx context.Context, m Member, res *Result) error {
	r, err := check.Run(ctx, check.Inputs{Kubeconfig: m.Kubeconfig, Profile: m.Profile})
	if err != nil {
		return fmt.Errorf("kubeharden check --kubeconfig %s: %w", m.Kubeconfig, err)
	}
	res.Controls = map[string]int{}
	for _, c := range r.Controls {
		res.Controls[string(c.Status)]++
		if c.Status == report.StatusFail {
			res.FailingControls = append(res.FailingControls, c.ID)
		}
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("kubeharden check --kubeconfig %s: %d input(s) not read, the first: %s: %s", m.Kubeconfig, len(r.Errors), r.Errors[0].Path, r.Errors[0].Err)
	}
	return nil
}

// cliError is err with the CLI's own words, when it is the pulumi CLI's.
func cliError(err error) error {
	var ae interface{ Stderr() string }
	if errors.As(err, &ae) {
		if s := strings.TrimSpace(ae.Stderr()); s != "" {
			return fmt.Errorf("%w\n%s", err, s)
		}
	}
	return err
}

// changeText is the changes that are not "same", in a fixed order.
func changeText(c map[string]int) string {
	var parts []string
	for _, op := range []apitype.OpType{apitype.OpCreate, apitype.OpUpdate, apitype.OpReplace, apitype.OpDelete, apitype.OpCreateReplacement, apitype.OpDeleteReplaced} {
		if n := c[string(op)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, op))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
