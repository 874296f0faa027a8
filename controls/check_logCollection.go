package controls

import (
	"fmt"
	"path"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Audit logging and threat detection": node and container logs
are collected by an agent on every node and shipped off the cluster; the agent reads them and changes
nothing.

**Checked:** every DaemonSet, for hostPath volumes under /var/log.

**Passes when:** a DaemonSet mounts /var/log (or a folder below it), and every mount of such a volume is
read-only.

Sources: guide v1.2 logging recommendations; kubescape C-0067 (audit logs) covers only the API server.
*/

func init() { addControl(CheckLogCollection) }

// CheckLogCollection is the log collection control.
func CheckLogCollection() Control {
	return Control{
		ID: "log-collection", Level: LevelAdvisory, Title: "A DaemonSet agent collects node and container logs, mounting them read-only",
		Guide: "Audit logging and threat detection", Inspects: ScopeCluster,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", Check: logCollection_1_31}},
	}
}

func logCollection_1_31(inv *Inventory) Result {
	var out Result
	for o := range inv.ByKind("DaemonSet") {
		ds, ok := o.Typed().(*appsv1.DaemonSet)
		if !ok {
			continue // it does not decode: reported as an error of its file
		}
		spec := ds.Spec.Template.Spec
		logVolumes := map[string]string{}
		for _, v := range spec.Volumes {
			if v.HostPath != nil {
				if p := path.Clean(v.HostPath.Path); p == "/var/log" || strings.HasPrefix(p, "/var/log/") {
					logVolumes[v.Name] = p
				}
			}
		}
		if len(logVolumes) == 0 {
			continue
		}
		writable := false
		for _, list := range []struct {
			field      string
			containers []corev1.Container
		}{{"initContainers", spec.InitContainers}, {"containers", spec.Containers}} {
			for ci, c := range list.containers {
				for mi, m := range c.VolumeMounts {
					if _, ok := logVolumes[m.Name]; !ok || m.ReadOnly {
						continue
					}
					writable = true
					out.Findings = append(out.Findings, Finding{Object: o.Key(), Path: o.Path, Field: fmt.Sprintf("spec.template.spec.%s[%d].volumeMounts[%d].readOnly", list.field, ci, mi),
						Message: "mounts the node's logs (" + logVolumes[m.Name] + ") writable", Remedy: "mount it readOnly: true; an agent reads logs, it never changes them"})
				}
			}
		}
		if !writable {
			var paths []string
			for _, p := range logVolumes {
				paths = append(paths, p)
			}
			slices.Sort(paths)
			out.Evidence = append(out.Evidence, Evidence{Object: o.Key(), Path: o.Path, Detail: "collects " + strings.Join(paths, ", ") + " read-only on every node"})
		}
	}
	if len(out.Findings) == 0 && len(out.Evidence) == 0 {
		out.Findings = append(out.Findings, Finding{Object: "cluster",
			Message: "no DaemonSet collects the nodes' logs (/var/log)", Remedy: "enable kubeharden's log agent (profile logging.enabled) or run one of your own that ships logs off the cluster"})
	}
	return out
}
