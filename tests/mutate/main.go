package main

import (
	"encoding/json"
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

// figuresOf reads one package's run. Right after gremlins it reads gremlins' output and the survivors'
// source lines, and keeps both beside that output (FILE.figures); a recheck reads what was kept, so
// that each survivor is the line gremlins changed even where the file has changed since.
func figuresOf(dir, file string, recheck bool) (Figures, error) {
	kept := file + ".figures"
	if recheck {
		data, err := os.ReadFile(kept)
		if err != nil {
			return Figures{}, fmt.Errorf("%s: no figures kept from the run: %w", dir, err)
		}
		var fig Figures
		return fig, json.Unmarshal(data, &fig)
	}
	f, err := os.Open(file)
	if err != nil {
		return Figures{}, err
	}
	defer f.Close()
	fig, err := Read(f, dir, dir)
	if err != nil {
		return Figures{}, err
	}
	data, err := json.MarshalIndent(fig, "", "  ")
	if err != nil {
		return Figures{}, err
	}
	return fig, os.WriteFile(kept, data, 0o644)
}

func run(acceptedFile, survivorsFile string, target float64, recheck bool, args []string) int {
	var figures []Figures
	for _, arg := range args {
		dir, file, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "mutate: %q: want PACKAGE_DIR=GREMLINS_JSON\n", arg)
			return 2
		}
		fig, err := figuresOf(dir, file, recheck)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			return 2
		}
		if recheck {
			logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
			alive, gone, notViable, err := Recheck(fig.Survivors, logf)
			if err != nil {
				fmt.Fprintln(os.Stderr, "mutate:", err)
				return 2
			}
			fig.Killed += len(fig.Survivors) - len(alive) - gone - notViable
			fig.NotViable += notViable
			fig.Lived, fig.Survivors = len(alive), alive
			// The mutants gremlins left as not covered run too: one a test kills is covered after all; one
			// that lives is a survivor like any other.
			uncoveredAlive, uncoveredGone, uncoveredNotViable, err := Recheck(fig.Uncovered, logf)
			if err != nil {
				fmt.Fprintln(os.Stderr, "mutate:", err)
				return 2
			}
			fig.Killed += len(fig.Uncovered) - len(uncoveredAlive) - uncoveredGone - uncoveredNotViable
			fig.NotViable += uncoveredNotViable
			fig.Lived += len(uncoveredAlive)
			fig.Survivors = append(fig.Survivors, uncoveredAlive...)
			fig.NotCovered, fig.Uncovered = 0, nil
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
