package controls

import "strings"

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" and "Upgrading and application
security practices": run the images that were scanned and approved; an image named by a moving tag
(latest, or none, which means latest) runs whatever was pushed last, on every node a different one.

**Checked:** the image of every init container and container of every workload.

**Passes when:** each is pinned by a digest (@sha256:...), or names a tag other than latest.

Sources: Trivy KSV013; kube-score container-image-tag.
*/

func init() { addControl(CheckContainerImageTag) }

// CheckContainerImageTag is the pinned image control.
func CheckContainerImageTag() Control {
	return Control{
		ID: "container-image-tag", Level: LevelMandatory, Title: "Every container image is pinned by a digest or a tag other than latest",
		Guide: "Kubernetes Pod security", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: containerImageTag_1_31}},
	}
}

// imageTag is an image reference's tag ("" for none) and whether it has a digest.
func imageTag(image string) (tag string, digest bool) {
	if strings.Contains(image, "@") {
		return "", true
	}
	last := image[strings.LastIndex(image, "/")+1:] // a registry's port is before the last slash
	if i := strings.LastIndex(last, ":"); i >= 0 {
		return last[i+1:], false
	}
	return "", false
}

func containerImageTag_1_31(_ *Inventory, w Workload) Result {
	var out Result
	for c := range w.Containers() {
		tag, digest := imageTag(c.Image)
		if digest || (tag != "" && tag != "latest") {
			continue
		}
		what := "has no tag, which means latest"
		if tag == "latest" {
			what = "is tagged latest"
		}
		out.Findings = append(out.Findings, w.finding(c.Path+".image",
			"container "+c.Name+" image "+c.Image+" "+what,
			"name the image by a version tag (such as "+strings.TrimSuffix(c.Image, ":latest")+":1.2.3) or, better, by its digest (@sha256:...)"))
	}
	if len(out.Findings) == 0 {
		out.Evidence = []Evidence{w.evidence("every image is pinned by a digest or a version tag")}
	}
	return out
}
