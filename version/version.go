package version

import (
	"runtime/debug"
)

// Unknown stands for what the build information does not say (a test binary, a build outside a git
// checkout).
const Unknown = "unknown"

// Build is what a binary says of its own build.
type Build struct {
	// Module is the main module's path; Version its version ("(devel)" for a build of a checkout).
	Module  string `json:"module"`
	Version string `json:"version"`
	// Commit is the VCS revision the binary was built from, Modified whether the work tree had changes,
	// and CommitTime when that revision was made.
	Commit     string `json:"commit"`
	Modified   bool   `json:"modified"`
	CommitTime string `json:"commitTime,omitempty"`
	GoVersion  string `json:"goVersion"`
}

// Read is the running binary's build.
func Read() Build {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Build{Module: Unknown, Version: Unknown, Commit: Unknown}
	}
	return FromBuildInfo(info)
}

// FromBuildInfo is the build that info describes.
func FromBuildInfo(info *debug.BuildInfo) Build {
	b := Build{Module: info.Main.Path, Version: info.Main.Version, Commit: Unknown, GoVersion: info.GoVersion}
	if b.Module == "" {
		b.Module = Unknown
	}
	if b.Version == "" {
		b.Version = Unknown
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			b.CommitTime = s.Value
		}
	}
	return b
}
