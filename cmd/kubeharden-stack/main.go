package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/program"
)

func main() {
	pulumi.Run(program.Run)
}
