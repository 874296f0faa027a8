package version

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want Build
	}{
		{"a build of a checkout with changes", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/kubeharden/kubeharden", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "c233d33"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-12-07T10:00:00Z"}}},
			Build{Module: "github.com/kubeharden/kubeharden", Version: "(devel)", Commit: "c233d33", Modified: true, CommitTime: "2026-12-07T10:00:00Z", GoVersion: "go1.26.8"}},
		{"a clean build", debug.BuildInfo{Main: debug.Module{Path: "m", Version: "v0.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			Build{Module: "m", Version: "v0.2.0", Commit: "abc"}},
		{"no VCS information: unknown, never empty", debug.BuildInfo{},
			Build{Module: Unknown, Version: Unknown, Commit: Unknown}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, FromBuildInfo(&tc.info))
		})
	}
}
