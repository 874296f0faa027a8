package main

import (
	_ "embed"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/kubeharden/kubeharden/componentprovider"
)

// schema is componentprovider.Schema as committed (a test holds the two equal).
//
//go:embed schema.json
var schema []byte

func main() {
	if err := provider.ComponentMain(componentprovider.Name, componentprovider.Version, schema, componentprovider.Construct); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubeharden:", err)
		os.Exit(1)
	}
}
