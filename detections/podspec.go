package detections

import (
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// requestBody decodes the request body the audit event records into v. The JSON log holds JSON bodies
// only: the API server's log backend drops an event whose body is YAML (a server-side apply's; README).
func requestBody(ev *auditv1.Event, v any) error {
	return json.Unmarshal(ev.RequestObject.Raw, v)
}

// podSpecOf is the pod spec a create or update of a pod or a workload carries in its request body (the
// audit policy records writes at Request level), false when the event has none.
func podSpecOf(ev *auditv1.Event) (*corev1.PodSpec, bool) {
	if ev.RequestObject == nil || ev.ObjectRef == nil || ev.ObjectRef.Subresource != "" {
		return nil, false
	}
	var obj struct {
		Spec struct {
			corev1.PodSpec
			Template    *corev1.PodTemplateSpec `json:"template"`
			JobTemplate *struct {
				Spec struct {
					Template corev1.PodTemplateSpec `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if requestBody(ev, &obj) != nil {
		return nil, false
	}
	switch ev.ObjectRef.Resource {
	case "pods":
		return &obj.Spec.PodSpec, true
	case "deployments", "daemonsets", "statefulsets", "replicasets", "replicationcontrollers", "jobs":
		if obj.Spec.Template != nil {
			return &obj.Spec.Template.Spec, true
		}
	case "cronjobs":
		if obj.Spec.JobTemplate != nil {
			return &obj.Spec.JobTemplate.Spec.Template.Spec, true
		}
	}
	return nil, false
}

// hostAccess lists what a pod spec takes of its node: privileged containers, host namespaces and
// hostPath volumes.
func hostAccess(spec *corev1.PodSpec) []string {
	var out []string
	if spec.HostNetwork {
		out = append(out, "hostNetwork")
	}
	if spec.HostPID {
		out = append(out, "hostPID")
	}
	if spec.HostIPC {
		out = append(out, "hostIPC")
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			out = append(out, "hostPath "+v.HostPath.Path)
		}
	}
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
				out = append(out, "privileged container "+c.Name)
			}
		}
	}
	return out
}

// hostAccessRequest is what a write of a pod or workload asks of its node, "" when nothing.
func hostAccessRequest(ev *auditv1.Event) string {
	if ev.Verb != "create" && ev.Verb != "update" && ev.Verb != "patch" {
		return ""
	}
	spec, ok := podSpecOf(ev)
	if !ok {
		return ""
	}
	return strings.Join(hostAccess(spec), ", ")
}
