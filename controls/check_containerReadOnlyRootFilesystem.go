package controls

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" (immutable container file systems):
"containers ... run with an immutable file system ... by setting readOnlyRootFilesystem", so that an
attacker who gets in cannot change the container's programs or drop new ones; what must be written goes
to a mounted volume (emptyDir).

**Checked:** securityContext.readOnlyRootFilesystem of every init container and container of every
workload.

**Passes when:** it is true for each.

Sources: kubescape C-0017, Trivy KSV014.
*/

func init() { addControl(CheckContainerReadOnlyRootFilesystem) }

// CheckContainerReadOnlyRootFilesystem is the read-only root filesystem control.
func CheckContainerReadOnlyRootFilesystem() Control {
	return Control{
		ID: "container-read-only-root-filesystem", Level: LevelMandatory, Title: "Every container runs with a read-only root filesystem",
		Guide: "Kubernetes Pod security", Kubescape: "C-0017", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: containerReadOnlyRootFilesystem_1_31}},
	}
}

func containerReadOnlyRootFilesystem_1_31(_ *Inventory, w Workload) Result {
	var out Result
	for c := range w.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
			continue
		}
		state := "does not set it"
		if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil {
			state = "sets it to false"
		}
		out.Findings = append(out.Findings, w.finding(c.Path+".securityContext.readOnlyRootFilesystem",
			"container "+c.Name+" can write to its root filesystem (it "+state+")",
			"set securityContext.readOnlyRootFilesystem: true, and mount an emptyDir where the container must write (such as /tmp)"))
	}
	if len(out.Findings) == 0 {
		out.Evidence = []Evidence{w.evidence("every container's root filesystem is read-only")}
	}
	return out
}
