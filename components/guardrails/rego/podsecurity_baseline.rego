# Pod Security "baseline" for pod templates: a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
# CronJob, ReplicationController or PodTemplate whose pod template Pod Security admission would refuse as
# a pod. One rule a check, named by its ID in k8s.io/pod-security-admission/policy, at its latest
# version; the same checks as the native policy kubeharden-pod-security-baseline (podsecurity.go).
package kubeharden.podsecuritybaseline

import data.lib.kubeharden
import rego.v1

spec := kubeharden.template_spec(input.review.object)

containers := kubeharden.template_containers(input.review.object)

pod_and_containers := kubeharden.pod_and_containers(input.review.object)

deny(reason, detail) := sprintf("violates PodSecurity \"baseline\" (%v): %v.spec: %v", [reason, kubeharden.template_path(input.review.object), detail])

# windowsHostProcess
violation contains {"msg": deny("hostProcess", "the pod and its containers must not set securityContext.windowsOptions.hostProcess=true")} if {
	some c in pod_and_containers
	object.get(c, ["securityContext", "windowsOptions", "hostProcess"], false) == true
}

# hostNamespaces
violation contains {"msg": deny("host namespaces", sprintf("%v must not be true", [ns]))} if {
	some ns in ["hostNetwork", "hostPID", "hostIPC"]
	object.get(spec, ns, false) == true
}

# privileged
violation contains {"msg": deny("privileged", sprintf("container %q must not set securityContext.privileged=true", [c.name]))} if {
	some c in containers
	object.get(c, ["securityContext", "privileged"], false) == true
}

baseline_capabilities := {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

# capabilities_baseline
violation contains {"msg": deny("non-default capabilities", sprintf("container %q must not add %v in securityContext.capabilities.add", [c.name, a]))} if {
	some c in containers
	some a in object.get(c, ["securityContext", "capabilities", "add"], [])
	not a in baseline_capabilities
}

# hostPathVolumes
violation contains {"msg": deny("hostPath volumes", sprintf("volume %q must not be a hostPath volume", [v.name]))} if {
	some v in object.get(spec, "volumes", [])
	"hostPath" in object.keys(v)
}

# hostPorts
violation contains {"msg": deny("hostPort", sprintf("container %q must not set ports[].hostPort (%v)", [c.name, p.hostPort]))} if {
	some c in containers
	some p in object.get(c, "ports", [])
	object.get(p, "hostPort", 0) != 0
}

# appArmorProfile: the profile type of the pod or a container, and the deprecated annotations
violation contains {"msg": deny("forbidden AppArmor profile", "securityContext.appArmorProfile.type must be RuntimeDefault or Localhost")} if {
	some c in pod_and_containers
	not object.get(c, ["securityContext", "appArmorProfile", "type"], "RuntimeDefault") in {"RuntimeDefault", "Localhost"}
}

violation contains {"msg": deny("forbidden AppArmor profile", sprintf("annotation %v must be runtime/default or localhost/*", [k]))} if {
	some k, v in kubeharden.template_annotations(input.review.object)
	startswith(k, "container.apparmor.security.beta.kubernetes.io/")
	not apparmor_annotation_allowed(v)
}

apparmor_annotation_allowed(v) if v in {"", "runtime/default"}

apparmor_annotation_allowed(v) if startswith(v, "localhost/")

# seLinuxOptions
violation contains {"msg": deny("seLinuxOptions", "securityContext.seLinuxOptions may set only type, one of container_t, container_init_t, container_kvm_t, container_engine_t; not user or role")} if {
	some c in pod_and_containers
	selinux_forbidden(object.get(c, ["securityContext", "seLinuxOptions"], {}))
}

selinux_forbidden(o) if not object.get(o, "type", "") in {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

selinux_forbidden(o) if object.get(o, "user", "") != ""

selinux_forbidden(o) if object.get(o, "role", "") != ""

# procMount (relaxed for a pod in its own user namespace)
violation contains {"msg": deny("procMount", sprintf("container %q must not set securityContext.procMount other than Default", [c.name]))} if {
	not kubeharden.user_namespace(spec)
	some c in containers
	object.get(c, ["securityContext", "procMount"], "Default") != "Default"
}

# seccompProfile_baseline
violation contains {"msg": deny("seccompProfile", "securityContext.seccompProfile.type must not be Unconfined")} if {
	some c in pod_and_containers
	not object.get(c, ["securityContext", "seccompProfile", "type"], "RuntimeDefault") in {"RuntimeDefault", "Localhost"}
}

safe_sysctls := {
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
}

# sysctls
violation contains {"msg": deny("forbidden sysctls", sprintf("securityContext.sysctls: %v is not among the safe sysctls", [s.name]))} if {
	some s in object.get(spec, ["securityContext", "sysctls"], [])
	not s.name in safe_sysctls
}

# hostProbesAndHostLifecycle
violation contains {"msg": deny("probe or lifecycle host", sprintf("container %q must not set host in %v.%v", [c.name, h, k]))} if {
	some c in containers
	some h in ["livenessProbe", "readinessProbe", "startupProbe"]
	some k in ["httpGet", "tcpSocket"]
	object.get(c, [h, k, "host"], "") != ""
}

violation contains {"msg": deny("probe or lifecycle host", sprintf("container %q must not set host in lifecycle.%v.%v", [c.name, h, k]))} if {
	some c in containers
	some h in ["postStart", "preStop"]
	some k in ["httpGet", "tcpSocket"]
	object.get(c, ["lifecycle", h, k, "host"], "") != ""
}
