package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	acceptedFile := flag.String("accepted", "docs/testing.md", "the file whose table accepts survivors, each with its reason")
	survivorsFile := flag.String("survivors", "build/mutate/survivors.txt", "where every survivor is written")
	target := flag.Float64("target", 90, "the efficacy each package must reach, in percent")
	recheck := flag.Bool("recheck", false, "run the package's tests again on each survivor's mutant (applied to the working tree, then restored): what the tests written since the run kill")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: mutate [flags] PACKAGE_DIR=GREMLINS_JSON...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	os.Exit(run(*acceptedFile, *survivorsFile, *target, *recheck, flag.Args()))
}

func run(acceptedFile, survivorsFile string, target float64, recheck bool, args []string) int {
	var figures []Figures
	for _, arg := range args {
		dir, file, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "mutate: %q: want PACKAGE_DIR=GREMLINS_JSON\n", arg)
			return 2
		}
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			return 2
		}
		fig, err := Read(f, dir, dir)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			return 2
		}
		if recheck {
			alive, err := Recheck(fig.Survivors, func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) })
			if err != nil {
				fmt.Fprintln(os.Stderr, "mutate:", err)
				return 2
			}
			fig.Killed += len(fig.Survivors) - len(alive)
			fig.Lived, fig.Survivors = len(alive), alive
		}
		figures = append(figures, fig)
	}
	af, err := os.Open(acceptedFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		return 2
	}
	accepted, err := Accepted(af)
	af.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		return 2
	}
	open := Summary(os.Stdout, figures, accepted)

	var all strings.Builder
	for _, f := range figures {
		for _, s := range f.Survivors {
			fmt.Fprintf(&all, "%s/%s:%d:%d %s\t%s\n", s.Package, s.File, s.Line, s.Column, s.Mutator, s.Code)
		}
	}
	if err := os.WriteFile(survivorsFile, []byte(all.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		return 2
	}
	fmt.Printf("survivors: %s\n", survivorsFile)

	code := 0
	for _, f := range figures {
		if f.Efficacy() < target {
			fmt.Printf("FAIL %s: efficacy %.1f%% under the target of %.0f%%\n", f.Package, f.Efficacy(), target)
			code = 1
		}
		if f.TimedOut > 0 {
			fmt.Printf("note %s: %d mutants timed out: neither killed nor survived (a slow machine, or a mutant that never ends)\n", f.Package, f.TimedOut)
		}
	}
	for _, s := range open {
		fmt.Printf("FAIL survivor neither killed nor accepted in %s: %s:%d:%d %s  `%s`\n", acceptedFile, s.Package+"/"+s.File, s.Line, s.Column, s.Mutator, s.Code)
		code = 1
	}
	return code
}
