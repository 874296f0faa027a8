package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kubeharden/kubeharden/program"
)

// CPUProfileEnv names the file the CPU profile is written to.
const CPUProfileEnv = "KUBEHARDEN_CPUPROFILE"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	path := os.Getenv(CPUProfileEnv)
	if path == "" {
		return fmt.Errorf("%s: Required value: the file to write the CPU profile to", CPUProfileEnv)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = pulumi.RunErr(program.Run)
	pprof.StopCPUProfile()
	return err
}
