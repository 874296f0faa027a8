# Shared by every kubeharden ConstraintTemplate (Gatekeeper "libs"): the pod spec and containers of
# whatever workload kind is under review.
package lib.kubeharden

import rego.v1

pod_spec(obj) := obj.spec if obj.kind == "Pod"

pod_spec(obj) := obj.spec.jobTemplate.spec.template.spec if obj.kind == "CronJob"

pod_spec(obj) := obj.spec.template.spec if not obj.kind in {"Pod", "CronJob"}

containers(obj) := array.concat(object.get(pod_spec(obj), "containers", []), object.get(pod_spec(obj), "initContainers", []))

# The pod template of a kind that has one (the pod security rules), its field path, spec, containers
# and init containers, annotations, and the pod's securityContext beside its containers' (as an object
# with only a securityContext), for the checks that look at both.
pod_template(obj) := obj.spec.jobTemplate.spec.template if obj.kind == "CronJob"

pod_template(obj) := obj.template if obj.kind == "PodTemplate"

pod_template(obj) := obj.spec.template if not obj.kind in {"CronJob", "PodTemplate"}

template_path(obj) := "spec.jobTemplate.spec.template" if obj.kind == "CronJob"

template_path(obj) := "template" if obj.kind == "PodTemplate"

template_path(obj) := "spec.template" if not obj.kind in {"CronJob", "PodTemplate"}

template_spec(obj) := object.get(pod_template(obj), "spec", {})

template_containers(obj) := array.concat(object.get(template_spec(obj), "containers", []), object.get(template_spec(obj), "initContainers", []))

template_annotations(obj) := object.get(pod_template(obj), ["metadata", "annotations"], {})

pod_and_containers(obj) := array.concat([{"securityContext": object.get(template_spec(obj), "securityContext", {})}], template_containers(obj))

# A pod in its own user namespace (hostUsers: false), for which Pod Security relaxes some checks.
user_namespace(spec) if object.get(spec, "hostUsers", true) == false
