// Command sdkgen generates the TypeScript and Python SDKs of kubeharden's component provider from its
// schema, with the Pulumi code generators `pulumi package gen-sdk` itself uses (pkg/v3/codegen). It is
// its own module so that the main one does not depend on pkg/v3; `make sdk` runs it. gen-sdk cannot run
// here: it asks each language's plugin to generate, and the Node.js and Python language hosts these
// machines can build (sdk v3.60.0) predate that request.
//
// Usage: sdkgen -schema cmd/pulumi-resource-kubeharden/schema.json -out sdk
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	schemaPath := flag.String("schema", "cmd/pulumi-resource-kubeharden/schema.json", "the package schema")
	out := flag.String("out", "sdk", "the folder the SDKs go to, one subfolder per language")
	flag.Parse()
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %w", schemaPath, diags)
	}
	for lang, generate := range map[string]func() (map[string][]byte, error){
		"nodejs": func() (map[string][]byte, error) {
			return nodejs.GeneratePackage("sdkgen", pkg, nil, nil, false, noPackages{})
		},
		"python": func() (map[string][]byte, error) { return python.GeneratePackage("sdkgen", pkg, nil, noPackages{}) },
	} {
		files, err := generate()
		if err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
		dir := filepath.Join(out, lang)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for name, content := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("sdkgen: %s SDK: %d files in %s\n", lang, len(files), dir)
	}
	return nil
}

// noPackages is the loader of a schema that refers to no other package: asked for one, it says so.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s: sdkgen loads no other package", pkg)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noPackages) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
