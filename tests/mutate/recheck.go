package main

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

// swaps are the token each mutator puts in place of another, as gremlins makes its mutants.
var swaps = map[string]map[token.Token]token.Token{
	"CONDITIONALS_NEGATION": {token.EQL: token.NEQ, token.NEQ: token.EQL, token.LSS: token.GEQ, token.GEQ: token.LSS, token.GTR: token.LEQ, token.LEQ: token.GTR},
	"CONDITIONALS_BOUNDARY": {token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR},
	"INVERT_LOGICAL":        {token.LAND: token.LOR, token.LOR: token.LAND},
	"ARITHMETIC_BASE":       {token.ADD: token.SUB, token.SUB: token.ADD, token.MUL: token.QUO, token.QUO: token.MUL, token.REM: token.MUL},
	"INCREMENT_DECREMENT":   {token.INC: token.DEC, token.DEC: token.INC},
	"INVERT_NEGATIVES":      {token.SUB: token.ADD},
}

// Mutate returns src with the survivor's mutant applied: the operator at its line and column replaced as
// its mutator replaces it.
func Mutate(src []byte, s Survivor) ([]byte, error) {
	swap, ok := swaps[s.Mutator]
	if !ok {
		return nil, fmt.Errorf("%s:%d:%d: mutator %s cannot be re-applied", s.File, s.Line, s.Column, s.Mutator)
	}
	fset := token.NewFileSet()
	file := fset.AddFile(s.File, -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, 0)
	for {
		pos, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		p := fset.Position(pos)
		if p.Line != s.Line || p.Column != s.Column {
			continue
		}
		to, ok := swap[tok]
		if !ok {
			return nil, fmt.Errorf("%s:%d:%d: %s finds %s, not an operator it changes", s.File, s.Line, s.Column, s.Mutator, tok)
		}
		off := file.Offset(pos)
		return append(append(append([]byte(nil), src[:off]...), to.String()...), src[off+len(tok.String()):]...), nil
	}
	return nil, fmt.Errorf("%s:%d:%d: no token there (the file changed since the run)", s.File, s.Line, s.Column)
}

// Recheck applies each survivor's mutant in turn to its file in the working tree, runs `go test -short`
// of its package, and restores the file (also when the run is interrupted): a survivor whose test now
// fails is killed. It returns the survivors that still live, how many are gone (their line is no longer
// in the file: the code changed, so the mutant is no more) and how many do not build (not viable, as
// gremlins says of such a mutant).
func Recheck(survivors []Survivor, log func(format string, args ...any)) (alive []Survivor, gone, notViable int, err error) {
	for _, s := range survivors {
		path := filepath.Join(s.Package, s.File)
		orig, err := os.ReadFile(path)
		if err != nil {
			return nil, 0, 0, err
		}
		line, found := findLine(bytes.Split(orig, []byte("\n")), s.Line, s.Code)
		if !found {
			gone++
			log("GONE   %s:%d:%d %s (the line %q is no longer there)", path, s.Line, s.Column, s.Mutator, s.Code)
			continue
		}
		s.Line = line
		mutated, err := Mutate(orig, s)
		if err != nil {
			return nil, 0, 0, err
		}
		out, testErr, err := withFile(path, mutated, orig, func() ([]byte, error) {
			return exec.Command("go", "test", "-short", "-count=1", "-failfast", "./"+s.Package).CombinedOutput()
		})
		if err != nil {
			return nil, 0, 0, err
		}
		switch {
		case testErr == nil:
			alive = append(alive, s)
			log("LIVES  %s:%d:%d %s", path, s.Line, s.Column, s.Mutator)
		case bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")):
			notViable++
			log("NOT VIABLE %s:%d:%d %s (it does not build)", path, s.Line, s.Column, s.Mutator)
		default:
			log("KILLED %s:%d:%d %s", path, s.Line, s.Column, s.Mutator)
		}
	}
	return alive, gone, notViable, nil
}

// moveWindow is how far a survivor's line is looked for when lines above it were added or removed.
const moveWindow = 50

// findLine is the line (1-based) holding code: want itself, or else the nearest within moveWindow.
func findLine(lines [][]byte, want int, code string) (int, bool) {
	for d := 0; d <= moveWindow; d++ {
		for _, n := range []int{want - d, want + d} {
			if n >= 1 && n <= len(lines) && string(bytes.TrimSpace(lines[n-1])) == code {
				return n, true
			}
		}
	}
	return 0, false
}

// withFile writes mutated to path, runs run, and writes orig back, also when the process is interrupted
// or terminated meanwhile (then it exits 2 once the file is restored).
func withFile(path string, mutated, orig []byte, run func() ([]byte, error)) ([]byte, error, error) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sig:
			_ = os.WriteFile(path, orig, 0o644)
			fmt.Fprintf(os.Stderr, "mutate: interrupted; %s restored\n", path)
			os.Exit(2)
		case <-done:
		}
	}()
	if err := os.WriteFile(path, mutated, 0o644); err != nil {
		return nil, nil, err
	}
	out, runErr := run()
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		return nil, nil, fmt.Errorf("restoring %s: %w (the mutant is still in it)", path, err)
	}
	return out, runErr, nil
}
