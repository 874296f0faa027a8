package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Gremlins' statuses, as its JSON output writes them.
const (
	killed     = "KILLED"
	lived      = "LIVED"
	notCovered = "NOT COVERED"
	timedOut   = "TIMED OUT"
	notViable  = "NOT VIABLE"
)

// gremlinsOutput is the JSON file `gremlins unleash -o` writes for one package.
type gremlinsOutput struct {
	Module string `json:"go_module"`
	Files  []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// Survivor is a mutant no test killed, named so that it can be accepted in docs/testing.md: its package,
// file, mutator and the source line it changed (trimmed), which stays the same when lines above it move.
type Survivor struct {
	Package, File, Mutator, Code string
	Line, Column                 int
}

// Key is how docs/testing.md names the survivor.
func (s Survivor) Key() string {
	return strings.Join([]string{s.Package, s.File, s.Mutator, s.Code}, " | ")
}

// Figures are one package's counts.
type Figures struct {
	Package                                        string
	Killed, Lived, NotCovered, TimedOut, NotViable int
	Survivors                                      []Survivor
	// Uncovered are the mutants gremlins did not run because no test covers their line by its reading of
	// the coverage profile (which misses a case clause's expression): a recheck runs them too.
	Uncovered []Survivor
}

// Efficacy is the share of covered mutants that a test killed, in percent (100 with none covered).
func (f Figures) Efficacy() float64 {
	if f.Killed+f.Lived == 0 {
		return 100
	}
	return 100 * float64(f.Killed) / float64(f.Killed+f.Lived)
}

// Read reads one package's gremlins output; pkgDir is the package's folder, whose files the survivors'
// source lines are read from.
func Read(r io.Reader, pkg, pkgDir string) (Figures, error) {
	var out gremlinsOutput
	if err := json.NewDecoder(r).Decode(&out); err != nil {
		return Figures{}, fmt.Errorf("%s: gremlins output: %w", pkg, err)
	}
	f := Figures{Package: pkg}
	for _, file := range out.Files {
		var lines []string
		for _, m := range file.Mutations {
			switch m.Status {
			case killed:
				f.Killed++
			case notCovered:
				f.NotCovered++
				if lines == nil {
					var err error
					if lines, err = readLines(filepath.Join(pkgDir, file.Name)); err != nil {
						return Figures{}, err
					}
				}
				if m.Line >= 1 && m.Line <= len(lines) {
					f.Uncovered = append(f.Uncovered, Survivor{Package: pkg, File: file.Name, Mutator: m.Type,
						Code: strings.TrimSpace(lines[m.Line-1]), Line: m.Line, Column: m.Column})
				}
			case timedOut:
				f.TimedOut++
			case notViable:
				f.NotViable++
			case lived:
				f.Lived++
				if lines == nil {
					var err error
					if lines, err = readLines(filepath.Join(pkgDir, file.Name)); err != nil {
						return Figures{}, err
					}
				}
				if m.Line < 1 || m.Line > len(lines) {
					return Figures{}, fmt.Errorf("%s: %s has no line %d", pkg, file.Name, m.Line)
				}
				f.Survivors = append(f.Survivors, Survivor{Package: pkg, File: file.Name, Mutator: m.Type,
					Code: strings.TrimSpace(lines[m.Line-1]), Line: m.Line, Column: m.Column})
			default:
				return Figures{}, fmt.Errorf("%s: %s:%d: unknown status %q", pkg, file.Name, m.Line, m.Status)
			}
		}
	}
	sort.Slice(f.Survivors, func(i, j int) bool {
		a, b := f.Survivors[i], f.Survivors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return f, nil
}

func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Split(string(data), "\n"), nil
}

// AcceptedHeading opens the section of docs/testing.md whose table accepts survivors.
const AcceptedHeading = "### Accepted survivors"

// Accepted reads the survivors docs/testing.md accepts: in the section under AcceptedHeading, the rows
// of its table whose first four cells are package, file, mutator and code (each in backticks), each with
// a reason in the fifth.
func Accepted(r io.Reader) (map[string]string, error) {
	accepted := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	in, found := false, false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			in = line == AcceptedHeading
			found = found || in
			continue
		}
		if !in || !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := splitRow(line)
		if len(cells) != 5 {
			return nil, fmt.Errorf("docs/testing.md:%d: a survivor's row has five cells (package, file, mutator, code, reason), not %d", n, len(cells))
		}
		for i := range 4 {
			cells[i] = strings.TrimSuffix(strings.TrimPrefix(cells[i], "`"), "`")
		}
		if cells[4] == "" {
			return nil, fmt.Errorf("docs/testing.md:%d: a survivor is accepted only with a reason", n)
		}
		accepted[strings.Join(cells[:4], " | ")] = cells[4]
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("no section %q", AcceptedHeading)
	}
	return accepted, nil
}

// splitRow splits a Markdown table row into its cells; an escaped pipe (\|, as GitHub needs it even in
// code) and a pipe inside backticks are the cell's own.
func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	inCode, escaped := false, false
	for _, r := range line {
		switch {
		case escaped:
			if r != '|' {
				cur.WriteRune('\\')
			}
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '`':
			inCode = !inCode
			cur.WriteRune(r)
		case r == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// Summary writes the table of figures and returns the survivors no row accepts.
func Summary(w io.Writer, figures []Figures, accepted map[string]string) []Survivor {
	fmt.Fprintf(w, "%-24s %7s %9s %12s %10s %11s %9s %9s\n", "package", "killed", "survived", "not covered", "timed out", "not viable", "efficacy", "accepted")
	var open []Survivor
	for _, f := range figures {
		ok := 0
		for _, s := range f.Survivors {
			if _, found := accepted[s.Key()]; found {
				ok++
			} else {
				open = append(open, s)
			}
		}
		fmt.Fprintf(w, "%-24s %7d %9d %12d %10d %11d %8.1f%% %9d\n", f.Package, f.Killed, f.Lived, f.NotCovered, f.TimedOut, f.NotViable, f.Efficacy(), ok)
	}
	return open
}
