# Pod Security "restricted" for pod templates, on top of podsecurity_baseline.rego (a namespace that
# enforces restricted gets both constraints). One rule a check, named by its ID in
# k8s.io/pod-security-admission/policy, at its latest version; the same checks as the native policy
# kubeharden-pod-security-restricted (podsecurity.go).
package kubeharden.podsecurityrestricted

import data.lib.kubeharden
import rego.v1

spec := kubeharden.template_spec(input.review.object)

containers := kubeharden.template_containers(input.review.object)

pod_and_containers := kubeharden.pod_and_containers(input.review.object)

windows := object.get(spec, ["os", "name"], "") == "windows"

deny(reason, detail) := sprintf("violates PodSecurity \"restricted\" (%v): %v.spec: %v", [reason, kubeharden.template_path(input.review.object), detail])

allowed_volume_types := {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}

# restrictedVolumes
violation contains {"msg": deny("restricted volume types", sprintf("volume %q must be of the types configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret", [v.name]))} if {
	some v in object.get(spec, "volumes", [])
	count({k | some k, _ in v; k in allowed_volume_types}) == 0
}

# allowPrivilegeEscalation (not for Windows pods)
violation contains {"msg": deny("allowPrivilegeEscalation != false", sprintf("container %q must set securityContext.allowPrivilegeEscalation=false", [c.name]))} if {
	not windows
	some c in containers
	object.get(c, ["securityContext", "allowPrivilegeEscalation"], true) != false
}

# runAsNonRoot (relaxed for a pod in its own user namespace)
violation contains {"msg": deny("runAsNonRoot != true", "the pod must not set securityContext.runAsNonRoot=false")} if {
	not kubeharden.user_namespace(spec)
	object.get(spec, ["securityContext", "runAsNonRoot"], true) == false
}

violation contains {"msg": deny("runAsNonRoot != true", sprintf("container %q: securityContext.runAsNonRoot must be true, on the pod or the container", [c.name]))} if {
	not kubeharden.user_namespace(spec)
	some c in containers
	object.get(c, ["securityContext", "runAsNonRoot"], object.get(spec, ["securityContext", "runAsNonRoot"], false)) != true
}

# runAsUser (relaxed for a pod in its own user namespace)
violation contains {"msg": deny("runAsUser=0", "securityContext.runAsUser (pod and containers) must not be 0")} if {
	not kubeharden.user_namespace(spec)
	some c in pod_and_containers
	object.get(c, ["securityContext", "runAsUser"], 1) == 0
}

# seccompProfile_restricted (not for Windows pods)
violation contains {"msg": deny("seccompProfile", "the pod's securityContext.seccompProfile.type must be RuntimeDefault or Localhost")} if {
	not windows
	not object.get(spec, ["securityContext", "seccompProfile", "type"], "RuntimeDefault") in {"RuntimeDefault", "Localhost"}
}

violation contains {"msg": deny("seccompProfile", sprintf("container %q: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, on the pod or the container", [c.name]))} if {
	not windows
	some c in containers
	not object.get(c, ["securityContext", "seccompProfile", "type"], object.get(spec, ["securityContext", "seccompProfile", "type"], "")) in {"RuntimeDefault", "Localhost"}
}

# capabilities_restricted (not for Windows pods)
violation contains {"msg": deny("unrestricted capabilities", sprintf("container %q must set securityContext.capabilities.drop=[\"ALL\"]", [c.name]))} if {
	not windows
	some c in containers
	not "ALL" in object.get(c, ["securityContext", "capabilities", "drop"], [])
}

violation contains {"msg": deny("unrestricted capabilities", sprintf("container %q may add only NET_BIND_SERVICE, not %v", [c.name, a]))} if {
	not windows
	some c in containers
	some a in object.get(c, ["securityContext", "capabilities", "add"], [])
	a != "NET_BIND_SERVICE"
}

# procMount_restricted (not relaxed for user namespaces)
violation contains {"msg": deny("procMount", sprintf("container %q must not set securityContext.procMount other than Default", [c.name]))} if {
	some c in containers
	object.get(c, ["securityContext", "procMount"], "Default") != "Default"
}
