package componenttest

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Resource is one resource a program registered under the mocks.
type Resource struct {
	// Type is the resource's type token, such as "kubernetes:core/v1:Namespace".
	Type string
	// Name is the Pulumi resource name.
	Name string
	// Inputs are the resource's inputs as the engine saw them.
	Inputs resource.PropertyMap
	// Parent is the URN of the parent resource.
	Parent string
	// Aliases are the resource's aliases as the engine received them: URNs, or specs of name, type and
	// parent.
	Aliases []*pulumirpc.Alias
}

// Recorder is a pulumi.MockResourceMonitor that records every resource and echoes its inputs as outputs.
type Recorder struct {
	mu        sync.Mutex
	resources []Resource
}

// NewResource records the resource and returns its inputs as its state.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resources = append(r.resources, Resource{Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs, Parent: string(args.RegisterRPC.GetParent()), Aliases: args.RegisterRPC.GetAliases()})
	return args.Name + "-id", args.Inputs, nil
}

// Call answers provider function calls with their arguments.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// Resources returns what was registered, in registration order. Component resources are included.
func (r *Recorder) Resources() []Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Resource(nil), r.resources...)
}

// ByType returns the registered resources of one type token, in registration order.
func (r *Recorder) ByType(typ string) []Resource {
	var out []Resource
	for _, res := range r.Resources() {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Run runs program under the mocks for a preview of project "kubeharden", stack "test", and returns what
// it registered together with the program's error.
func Run(program pulumi.RunFunc, opts ...pulumi.RunOption) (*Recorder, error) {
	rec := &Recorder{}
	err := pulumi.RunErr(program, append([]pulumi.RunOption{pulumi.WithMocks("kubeharden", "test", rec)}, opts...)...)
	return rec, err
}
