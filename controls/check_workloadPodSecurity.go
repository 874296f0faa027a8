package controls

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

/*
NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security": pods run as non-root, without
privilege, escalation, host namespaces, host paths or added capabilities, with a RuntimeDefault seccomp
profile; the Pod Security Standards' restricted level is the rule, applied here by the standard's own
library (k8s.io/pod-security-admission).

**Checked:** the pod template of every Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob and ReplicationController, in every namespace, kube-system included (what is exempt is said by
the profile's exemptions, or by a bootstrap rule: see bootstrap.go).

**Passes when:** it meets the level its namespace enforces (restricted where the namespace is not in the
inventory, or carries no label).

**Located:** the standard's library names a violation, not its field; each violation is located by
evaluating the library again on the pod with one container, or one volume, at a time, and reported with
the full field path and the value to set.

Sources: CIS 5.2.2-5.2.12, kubescape C-0013, C-0016, C-0038, C-0041, C-0044, C-0046, C-0055, C-0057.
*/

func init() { addControl(CheckWorkloadPodSecurity) }

// CheckWorkloadPodSecurity is the workload Pod Security control.
func CheckWorkloadPodSecurity() Control {
	return Control{
		ID: "workload-pod-security", Level: LevelMandatory, Title: "Every workload meets the Pod Security Standard its namespace enforces (restricted by default)",
		Guide: "Kubernetes Pod security", CIS: "5.2.2-5.2.12", Kubescape: "C-0013, C-0016, C-0038, C-0041, C-0044, C-0046, C-0055, C-0057", Inspects: ScopeObjects,
		Versions: []VersionedCheck{{MinimumVersion: "1.31", CheckWorkload: workloadPodSecurity_1_31}},
	}
}

var podSecurityEvaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err) // the upstream catalog validates itself
	}
	return e
}()

// podSecurityLevel is the level a namespace enforces.
type podSecurityLevel = psaapi.LevelVersion

// restrictedLatest is what a namespace with no label, or not among the inputs, is held to.
var restrictedLatest = psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}

// enforcedLevel is the Pod Security level the namespace ns enforces, from its labels among the inputs.
func (inv *Inventory) enforcedLevel(ns string) psaapi.LevelVersion {
	levels := inv.podSecurityLevels.get(func() map[string]podSecurityLevel {
		levels := map[string]podSecurityLevel{}
		for o := range inv.ByKind("Namespace") {
			lv := restrictedLatest
			labels := o.Meta().GetLabels()
			if l, err := psaapi.ParseLevel(labels[psaapi.EnforceLevelLabel]); err == nil {
				lv.Level = l
			}
			if v, err := psaapi.ParseVersion(labels[psaapi.EnforceVersionLabel]); err == nil {
				lv.Version = v
			}
			levels[o.Name] = lv
		}
		return levels
	})
	if lv, ok := levels[ns]; ok {
		return lv
	}
	return restrictedLatest
}

func workloadPodSecurity_1_31(inv *Inventory, w Workload) Result {
	lv := inv.enforcedLevel(namespaceOf(w.Object))
	level := "Pod Security " + string(lv.Level) + " " + lv.Version.String()
	failing := violations(lv, w.Pod, w.Spec)
	if len(failing) == 0 {
		return Result{Evidence: []Evidence{w.evidence("meets " + level)}}
	}
	var out Result
	for _, v := range locateViolations(lv, w, failing) {
		out.Findings = append(out.Findings, w.finding(v.field, "violates "+level+": "+v.reason+" ("+v.detail+")", v.remedy))
	}
	return out
}

// violations are the failing checks of the standard for a pod, by ForbiddenReason, with their details.
func violations(lv psaapi.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) map[string]string {
	out := map[string]string{}
	for _, r := range podSecurityEvaluator.EvaluatePod(lv, meta, spec) {
		if !r.Allowed {
			out[r.ForbiddenReason] = r.ForbiddenDetail
		}
	}
	return out
}

// violation is one located violation.
type violation struct{ reason, detail, field, remedy string }

// locateViolations finds the field of each failing check: a check that fails for the pod with no
// containers and no volumes is the pod's own (host namespaces, sysctls, its security context); one that
// fails with a single volume is that volume's; the rest fail with a single container, which is at fault.
func locateViolations(lv psaapi.LevelVersion, w Workload, failing map[string]string) []violation {
	bare := *w.Spec
	bare.InitContainers, bare.Containers, bare.EphemeralContainers, bare.Volumes = nil, nil, nil, nil
	podLevel := violations(lv, w.Pod, &bare)

	var out []violation
	located := map[string]bool{}
	for reason, detail := range podLevel {
		for _, field := range podFields(w, reason) {
			out = append(out, violation{reason, detail, field, podRemedy(reason)})
		}
		located[reason] = true
	}
	atVolumes := map[string]bool{}
	for i := range w.Spec.Volumes {
		one := bare
		one.Volumes = w.Spec.Volumes[i : i+1]
		for reason, detail := range violations(lv, w.Pod, &one) {
			if !located[reason] {
				out = append(out, violation{reason, detail, fmt.Sprintf("%s.volumes[%d]", w.SpecPath, i), volumeRemedy(reason, w.Spec.Volumes[i].Name)})
				atVolumes[reason] = true
			}
		}
	}
	for reason := range atVolumes {
		located[reason] = true
	}
	for c := range w.Containers() {
		one := bare
		if strings.Contains(c.Path, ".initContainers[") {
			one.InitContainers = []corev1.Container{*c.Container}
		} else {
			one.Containers = []corev1.Container{*c.Container}
		}
		for reason, detail := range violations(lv, w.Pod, &one) {
			if !located[reason] {
				field, remedy := containerFix(reason)
				out = append(out, violation{reason, detail, c.Path + "." + field, remedy})
			}
		}
	}
	// A check that fails only for the whole pod (none of its parts alone) is reported on the spec.
	for reason, detail := range failing {
		found := false
		for _, v := range out {
			found = found || v.reason == reason
		}
		if !found {
			out = append(out, violation{reason, detail, w.SpecPath, "change the pod so that it meets the level: " + detail})
		}
	}
	// Maps are unordered: sorted, a report does not change from run to run.
	slices.SortFunc(out, func(a, b violation) int {
		return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.reason, b.reason))
	})
	return out
}

// podFields are the pod-level fields a check's violation is at.
func podFields(w Workload, reason string) []string {
	if reason == "host namespaces" {
		var fields []string
		for _, f := range []struct {
			name string
			on   bool
		}{{"hostNetwork", w.Spec.HostNetwork}, {"hostPID", w.Spec.HostPID}, {"hostIPC", w.Spec.HostIPC}} {
			if f.on {
				fields = append(fields, w.Field(f.name))
			}
		}
		return fields
	}
	if reason == "forbidden sysctls" {
		return []string{w.Field("securityContext.sysctls")}
	}
	if strings.HasPrefix(reason, "forbidden AppArmor") && w.Spec.SecurityContext != nil && w.Spec.SecurityContext.AppArmorProfile == nil {
		return []string{"metadata.annotations"} // the pod template's beta annotations
	}
	field, _ := containerFix(reason)
	return []string{w.Field(field)}
}

func podRemedy(reason string) string {
	switch reason {
	case "host namespaces":
		return "set it to false: the pod shares none of the node's namespaces"
	case "forbidden sysctls":
		return "set only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, ...)"
	}
	_, remedy := containerFix(reason)
	return remedy
}

func volumeRemedy(reason, name string) string {
	if reason == "hostPath volumes" {
		return fmt.Sprintf("replace the hostPath volume %q with emptyDir, configMap, secret, projected or a persistentVolumeClaim", name)
	}
	return fmt.Sprintf("replace volume %q with one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret", name)
}

// containerFix is the field below a container (or the pod) that a check reads, and the value to set.
func containerFix(reason string) (field, remedy string) {
	switch {
	case reason == "privileged":
		return "securityContext.privileged", "set securityContext.privileged: false"
	case reason == "allowPrivilegeEscalation != false":
		return "securityContext.allowPrivilegeEscalation", "set securityContext.allowPrivilegeEscalation: false"
	case reason == "unrestricted capabilities":
		return "securityContext.capabilities", "set securityContext.capabilities.drop: [ALL], and add at most NET_BIND_SERVICE"
	case reason == "non-default capabilities":
		return "securityContext.capabilities.add", "add no capability beyond the container runtime's defaults (drop: [ALL] is better)"
	case reason == "runAsNonRoot != true":
		return "securityContext.runAsNonRoot", "set securityContext.runAsNonRoot: true (here, or once on the pod)"
	case reason == "runAsUser=0":
		return "securityContext.runAsUser", "set securityContext.runAsUser to a non-zero UID, or leave it out with runAsNonRoot: true"
	case reason == "seccompProfile":
		return "securityContext.seccompProfile.type", "set securityContext.seccompProfile.type: RuntimeDefault (here, or once on the pod)"
	case reason == "seLinuxOptions":
		return "securityContext.seLinuxOptions", "leave seLinuxOptions.user and role unset and type to container_t, container_init_t, container_kvm_t or container_engine_t"
	case reason == "procMount":
		return "securityContext.procMount", "set securityContext.procMount: Default, or leave it out"
	case reason == "hostPort":
		return "ports", "remove hostPort from every port; expose the pod through a Service"
	case reason == "hostProcess":
		return "securityContext.windowsOptions.hostProcess", "set securityContext.windowsOptions.hostProcess: false"
	case reason == "probe or lifecycle host":
		return "livenessProbe", "remove host from the probes' and lifecycle handlers' httpGet and tcpSocket (they reach the pod itself)"
	case strings.HasPrefix(reason, "forbidden AppArmor"):
		return "securityContext.appArmorProfile.type", "set securityContext.appArmorProfile.type: RuntimeDefault, or leave it out"
	}
	return "securityContext", "change it so that it meets the level: " + reason
}
