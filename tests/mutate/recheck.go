package main

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
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
// of its package, and restores the file: a survivor whose test now fails is killed. It returns the
// survivors that still live.
func Recheck(survivors []Survivor, log func(format string, args ...any)) ([]Survivor, error) {
	var alive []Survivor
	for _, s := range survivors {
		path := filepath.Join(s.Package, s.File)
		orig, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !bytes.Contains(orig, []byte(s.Code)) {
			return nil, fmt.Errorf("%s:%d: the line %q is no longer there: run make mutate again", path, s.Line, s.Code)
		}
		mutated, err := Mutate(orig, s)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			return nil, err
		}
		out, testErr := exec.Command("go", "test", "-short", "-count=1", "-failfast", "./"+s.Package).CombinedOutput()
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			return nil, fmt.Errorf("restoring %s: %w (the mutant is still in it)", path, err)
		}
		switch {
		case testErr == nil:
			alive = append(alive, s)
			log("LIVES  %s:%d:%d %s", path, s.Line, s.Column, s.Mutator)
		case bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")):
			return nil, fmt.Errorf("%s:%d:%d %s does not build: %s", path, s.Line, s.Column, s.Mutator, out)
		default:
			log("KILLED %s:%d:%d %s", path, s.Line, s.Column, s.Mutator)
		}
	}
	return alive, nil
}
