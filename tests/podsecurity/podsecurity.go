package podsecurity

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"

	"github.com/kubeharden/kubeharden/controls/manifests"
	"github.com/kubeharden/kubeharden/tests/testenv"
)

// Restricted is a pod spec that passes Pod Security restricted, with an image from an allowed registry,
// limits and a ServiceAccount of its own, so that kubeharden's other guardrails pass it too.
func Restricted() corev1.PodSpec {
	return corev1.PodSpec{
		ServiceAccountName:           "app",
		AutomountServiceAccountToken: ptr.To(false),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(65532)),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name: "app", Image: "registry.k8s.io/pause:3.10",
			Resources: Resources(),
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
	}
}

// Resources are requests and limits that a tenant namespace's quota and the limits guardrail accept.
func Resources() corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
}

// Case is a pod template: a name, its annotations and its spec.
type Case struct {
	Name        string
	Annotations map[string]string
	Spec        corev1.PodSpec
}

// Cases are pod templates that each change Restricted in one way: for every check of Pod Security at
// least one that breaks it, and some that Pod Security relaxes (Windows pods, user namespaces) or allows
// (the values each check names as safe).
func Cases() []Case {
	var out []Case
	add := func(name string, change func(s *corev1.PodSpec)) {
		s := Restricted()
		change(&s)
		out = append(out, Case{Name: name, Spec: s})
	}
	c0 := func(s *corev1.PodSpec) *corev1.Container { return &s.Containers[0] }
	add("compliant", func(*corev1.PodSpec) {})
	add("compliant with an init container", func(s *corev1.PodSpec) {
		init := s.Containers[0]
		init.Name = "init"
		s.InitContainers = []corev1.Container{init}
	})
	add("hostProcess container", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: ptr.To(true)}
		s.HostNetwork = true // the API requires a hostProcess pod to be on the host network
	})
	add("host network", func(s *corev1.PodSpec) { s.HostNetwork = true })
	add("host PID", func(s *corev1.PodSpec) { s.HostPID = true })
	add("host IPC", func(s *corev1.PodSpec) { s.HostIPC = true })
	add("privileged", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.Privileged = ptr.To(true)
		c0(s).SecurityContext.AllowPrivilegeEscalation = nil
	})
	add("privileged init container", func(s *corev1.PodSpec) {
		init := s.Containers[0]
		init.Name = "init"
		init.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		s.InitContainers = []corev1.Container{init}
	})
	add("adds SYS_ADMIN", func(s *corev1.PodSpec) { c0(s).SecurityContext.Capabilities.Add = []corev1.Capability{"SYS_ADMIN"} })
	add("adds CHOWN", func(s *corev1.PodSpec) { c0(s).SecurityContext.Capabilities.Add = []corev1.Capability{"CHOWN"} })
	add("adds NET_BIND_SERVICE", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
	})
	add("drops nothing", func(s *corev1.PodSpec) { c0(s).SecurityContext.Capabilities = nil })
	add("hostPath volume", func(s *corev1.PodSpec) {
		s.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}}}
	})
	add("nfs volume", func(s *corev1.PodSpec) {
		s.Volumes = []corev1.Volume{{Name: "share", VolumeSource: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "10.0.0.1", Path: "/x"}}}}
	})
	add("allowed volumes", func(s *corev1.PodSpec) {
		s.Volumes = []corev1.Volume{
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}}},
			{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "d"}}},
		}
	})
	add("host port", func(s *corev1.PodSpec) { c0(s).Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080}} })
	add("container port only", func(s *corev1.PodSpec) { c0(s).Ports = []corev1.ContainerPort{{ContainerPort: 80}} })
	add("unconfined AppArmor", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
	})
	add("runtime default AppArmor on the pod", func(s *corev1.PodSpec) {
		s.SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}
	})
	add("SELinux type spc_t", func(s *corev1.PodSpec) { s.SecurityContext.SELinuxOptions = &corev1.SELinuxOptions{Type: "spc_t"} })
	add("SELinux user", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.SELinuxOptions = &corev1.SELinuxOptions{User: "system_u"}
	})
	add("SELinux level only", func(s *corev1.PodSpec) {
		s.SecurityContext.SELinuxOptions = &corev1.SELinuxOptions{Level: "s0:c123,c456", Type: "container_t"}
	})
	add("unmasked proc", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.ProcMount = ptr.To(corev1.UnmaskedProcMount)
		s.HostUsers = ptr.To(false) // the API allows Unmasked only in a user namespace
	})
	add("unconfined seccomp on the pod", func(s *corev1.PodSpec) {
		s.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
	})
	add("unconfined seccomp on a container", func(s *corev1.PodSpec) {
		c0(s).SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
	})
	add("no seccomp profile", func(s *corev1.PodSpec) { s.SecurityContext.SeccompProfile = nil })
	add("seccomp on every container instead", func(s *corev1.PodSpec) {
		s.SecurityContext.SeccompProfile = nil
		c0(s).SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	})
	add("unsafe sysctl", func(s *corev1.PodSpec) {
		s.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "kernel.msgmax", Value: "65536"}}
	})
	add("safe sysctl", func(s *corev1.PodSpec) {
		s.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "net.ipv4.tcp_keepalive_time", Value: "300"}}
	})
	add("probe host", func(s *corev1.PodSpec) {
		c0(s).ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: "10.0.0.1", Port: intstr.FromInt32(8080), Path: "/"}}}
	})
	add("lifecycle host", func(s *corev1.PodSpec) {
		c0(s).Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{TCPSocket: &corev1.TCPSocketAction{Host: "metadata.internal", Port: intstr.FromInt32(80)}}}
	})
	add("probe without host", func(s *corev1.PodSpec) {
		c0(s).LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}}
	})
	add("privilege escalation", func(s *corev1.PodSpec) { c0(s).SecurityContext.AllowPrivilegeEscalation = ptr.To(true) })
	add("privilege escalation unset", func(s *corev1.PodSpec) { c0(s).SecurityContext.AllowPrivilegeEscalation = nil })
	add("runs as root", func(s *corev1.PodSpec) {
		s.SecurityContext.RunAsNonRoot = nil
		s.SecurityContext.RunAsUser = ptr.To(int64(0))
	})
	add("container runs as root", func(s *corev1.PodSpec) {
		s.SecurityContext.RunAsNonRoot = nil
		c0(s).SecurityContext.RunAsUser = ptr.To(int64(0))
		c0(s).SecurityContext.RunAsNonRoot = ptr.To(false)
	})
	add("non-root not required", func(s *corev1.PodSpec) { s.SecurityContext.RunAsNonRoot = nil })
	add("non-root on the container only", func(s *corev1.PodSpec) {
		s.SecurityContext.RunAsNonRoot = nil
		c0(s).SecurityContext.RunAsNonRoot = ptr.To(true)
	})
	add("pod says root is fine", func(s *corev1.PodSpec) { s.SecurityContext.RunAsNonRoot = ptr.To(false) })
	add("root in a user namespace", func(s *corev1.PodSpec) {
		s.HostUsers = ptr.To(false)
		s.SecurityContext.RunAsNonRoot = nil
		s.SecurityContext.RunAsUser = ptr.To(int64(0))
	})
	add("windows pod without linux settings", func(s *corev1.PodSpec) {
		s.OS = &corev1.PodOS{Name: corev1.Windows}
		s.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)}
		c0(s).SecurityContext = &corev1.SecurityContext{}
	})
	out = append(out,
		Case{Name: "unconfined AppArmor annotation", Spec: Restricted(), Annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}},
		Case{Name: "localhost AppArmor annotation", Spec: Restricted(), Annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/app": "localhost/k8s-apparmor-example"}},
	)
	return out
}

// CorpusTemplates are the pod templates of the workloads in the corpus (Deployments, DaemonSets, Jobs
// ...), named by file and object; the test ends as testenv.Unavailable where the corpus is absent.
func CorpusTemplates(t testing.TB) []Case {
	t.Helper()
	dir := testenv.Corpus(t)
	tree := manifests.ReadTree(dir)
	var out []Case
	for _, o := range tree.Objects {
		if o.Undecodable() {
			continue
		}
		meta, spec, ok := manifests.PodTemplate(o.Typed())
		if !ok || spec == nil {
			continue
		}
		rel, _ := filepath.Rel(dir, o.Path)
		out = append(out, Case{Name: rel + " " + o.Key(), Annotations: meta.Annotations, Spec: *spec.DeepCopy()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// evaluator is Pod Security admission's evaluator with its default checks, built once.
var evaluator = sync.OnceValue(func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(fmt.Sprintf("pod security evaluator: %v", err))
	}
	return e
})

// Allows is Pod Security admission's verdict, at level and the latest version, on a pod with these
// annotations and spec, and the reasons it refuses it for.
func Allows(level psaapi.Level, c Case) (bool, []string) {
	results := evaluator().EvaluatePod(psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()},
		&metav1.ObjectMeta{Annotations: c.Annotations}, &c.Spec)
	agg := policy.AggregateCheckResults(results)
	if agg.Allowed {
		return true, nil
	}
	var reasons []string
	for _, r := range results {
		if !r.Allowed {
			reasons = append(reasons, r.ForbiddenReason)
		}
	}
	return false, reasons
}

// Describe is a one-line summary of a verdict, for failure messages.
func Describe(allowed bool, reasons []string) string {
	if allowed {
		return "allowed"
	}
	return "refused (" + strings.Join(reasons, "; ") + ")"
}
