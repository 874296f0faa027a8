# Shared by every kubeharden ConstraintTemplate (Gatekeeper "libs"): the pod spec and containers of
# whatever workload kind is under review.
package lib.kubeharden

import rego.v1

pod_spec(obj) := obj.spec if obj.kind == "Pod"

pod_spec(obj) := obj.spec.jobTemplate.spec.template.spec if obj.kind == "CronJob"

pod_spec(obj) := obj.spec.template.spec if not obj.kind in {"Pod", "CronJob"}

containers(obj) := array.concat(object.get(pod_spec(obj), "containers", []), object.get(pod_spec(obj), "initContainers", []))
