// Command kubeharden-stack is the Pulumi program of this repository (Pulumi.yaml's main). It only wires:
// the program itself is components/stack/program.Run.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/components/stack/program"
)

func main() {
	pulumi.Run(program.Run)
}
