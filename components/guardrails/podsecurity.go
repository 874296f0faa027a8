package guardrails

import (
	"strings"

	psaapi "k8s.io/pod-security-admission/api"

	"github.com/kubeharden/kubeharden/config"
)

// TemplateCheck is one Pod Security Standards check written for pod templates. Pod Security admission
// judges pods only; a Deployment whose template breaks the level is admitted with a warning and its
// pods then fail one by one in the ReplicaSet controller. These checks refuse the workload itself.
type TemplateCheck struct {
	// ID is the check's ID in k8s.io/pod-security-admission/policy, whose latest version it follows.
	ID string
	// Level is the lowest Pod Security level the check belongs to.
	Level psaapi.Level
	// Reason is Pod Security admission's ForbiddenReason for the check.
	Reason string
	// Expression (CEL) is true when the template passes; it reads the variables of templateVariables.
	Expression string
	// Message (CEL) names the field and what must change; it is evaluated only when Expression is false.
	Message string
}

// templateResources are the kinds with a pod template, as Pod Security admission reads them.
var templateResources = []Resource{
	{Group: "", Resources: []string{"podtemplates", "replicationcontrollers"}, Kinds: []string{"PodTemplate", "ReplicationController"}},
	appsWorkloads, batchWorkloads,
}

// templateVariables locate the pod template of every kind with one: where (its field path, for the
// messages), spec, containers (and init containers), annotations, and the two relaxations Pod Security
// makes: Windows pods (some restricted checks) and pods in their own user namespace (hostUsers: false).
var templateVariables = [][2]string{
	{"where", "object.kind == 'CronJob' ? 'spec.jobTemplate.spec.template' : (object.kind == 'PodTemplate' ? 'template' : 'spec.template')"},
	{"template", "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : (object.kind == 'PodTemplate' ? object.template : object.spec.template)"},
	{"spec", "variables.template.spec"},
	{"containers", "variables.spec.containers + variables.spec.?initContainers.orValue([])"},
	{"annotations", "variables.template.?metadata.?annotations.orValue({})"},
	{"windows", "variables.spec.?os.?name.orValue('') == 'windows'"},
	{"userNamespace", "!variables.spec.?hostUsers.orValue(true)"},
}

// containersWhere is a CEL message part: the quoted names of the containers for which bad holds.
func containersWhere(bad string) string {
	return "variables.containers.filter(c, " + bad + ").map(c, '\"' + c.name + '\"').join(', ')"
}

// containerMessage is a CEL message: where the template is, the containers that break the check and
// what they must do.
func containerMessage(bad, must string) string {
	return "variables.where + '.spec: containers ' + " + containersWhere(bad) + " + ' " + must + "'"
}

// Values Pod Security allows, as CEL lists.
var (
	baselineCapabilities = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
		"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
	seLinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
	safeSysctls  = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
		"net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports",
		"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
		"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
	restrictedVolumeSources = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
		"persistentVolumeClaim", "projected", "secret"}
	seccompTypes = []string{"RuntimeDefault", "Localhost"}
)

// probeHosts is a CEL expression: the container sets a host on a probe or lifecycle handler.
func probeHosts() string {
	var parts []string
	for _, h := range []string{"livenessProbe", "readinessProbe", "startupProbe", "lifecycle.?postStart", "lifecycle.?preStop"} {
		for _, k := range []string{"httpGet", "tcpSocket"} {
			parts = append(parts, "c.?"+h+".?"+k+".?host.orValue('') != ''")
		}
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// TemplateChecks are the Pod Security Standards checks at their latest version, for pod templates.
// TestTemplateChecksAreEveryPodSecurityCheck holds the list to k8s.io/pod-security-admission, and the
// end-to-end test holds each expression to the API server's own Pod Security admission.
func TemplateChecks() []TemplateCheck {
	podSC := "variables.spec.?securityContext"
	return []TemplateCheck{
		{
			ID: "windowsHostProcess", Level: psaapi.LevelBaseline, Reason: "hostProcess",
			Expression: "!" + podSC + ".?windowsOptions.?hostProcess.orValue(false) && variables.containers.all(c, !c.?securityContext.?windowsOptions.?hostProcess.orValue(false))",
			Message:    "variables.where + '.spec: the pod and its containers must not set securityContext.windowsOptions.hostProcess=true'",
		},
		{
			ID: "hostNamespaces", Level: psaapi.LevelBaseline, Reason: "host namespaces",
			Expression: "!variables.spec.?hostNetwork.orValue(false) && !variables.spec.?hostPID.orValue(false) && !variables.spec.?hostIPC.orValue(false)",
			Message:    "variables.where + '.spec: ' + [variables.spec.?hostNetwork.orValue(false) ? 'hostNetwork' : '', variables.spec.?hostPID.orValue(false) ? 'hostPID' : '', variables.spec.?hostIPC.orValue(false) ? 'hostIPC' : ''].filter(n, n != '').join(', ') + ' must not be true'",
		},
		{
			ID: "privileged", Level: psaapi.LevelBaseline, Reason: "privileged",
			Expression: "variables.containers.all(c, !c.?securityContext.?privileged.orValue(false))",
			Message:    containerMessage("c.?securityContext.?privileged.orValue(false)", "must not set securityContext.privileged=true"),
		},
		{
			ID: "capabilities_baseline", Level: psaapi.LevelBaseline, Reason: "non-default capabilities",
			Expression: "variables.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a in " + celList(baselineCapabilities) + "))",
			Message: containerMessage("!c.?securityContext.?capabilities.?add.orValue([]).all(a, a in "+celList(baselineCapabilities)+")",
				"may add only "+strings.Join(baselineCapabilities, ", ")+" in securityContext.capabilities.add"),
		},
		{
			ID: "hostPathVolumes", Level: psaapi.LevelBaseline, Reason: "hostPath volumes",
			Expression: "variables.spec.?volumes.orValue([]).all(v, !has(v.hostPath))",
			Message:    "variables.where + '.spec.volumes: ' + variables.spec.volumes.filter(v, has(v.hostPath)).map(v, '\"' + v.name + '\"').join(', ') + ' must not be hostPath volumes'",
		},
		{
			ID: "hostPorts", Level: psaapi.LevelBaseline, Reason: "hostPort",
			Expression: "variables.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0))",
			Message:    containerMessage("!c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)", "must not set ports[].hostPort"),
		},
		{
			ID: "appArmorProfile", Level: psaapi.LevelBaseline, Reason: "forbidden AppArmor profile",
			Expression: podSC + ".?appArmorProfile.?type.orValue('RuntimeDefault') in " + celList(seccompTypes) +
				" && variables.containers.all(c, c.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') in " + celList(seccompTypes) + ")" +
				" && variables.annotations.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || variables.annotations[k] == '' || variables.annotations[k] == 'runtime/default' || variables.annotations[k].startsWith('localhost/'))",
			Message: "variables.where + ': securityContext.appArmorProfile.type (pod and containers) must be RuntimeDefault or Localhost, and container.apparmor.security.beta.kubernetes.io annotations runtime/default or localhost/*'",
		},
		{
			ID: "seLinuxOptions", Level: psaapi.LevelBaseline, Reason: "seLinuxOptions",
			Expression: seLinuxOK(podSC+".?seLinuxOptions") + " && variables.containers.all(c, " + seLinuxOK("c.?securityContext.?seLinuxOptions") + ")",
			Message:    "variables.where + '.spec: securityContext.seLinuxOptions (pod and containers) may set only type, one of " + strings.Join(seLinuxTypes[1:], ", ") + "; not user or role'",
		},
		{
			ID: "procMount", Level: psaapi.LevelBaseline, Reason: "procMount",
			Expression: "variables.userNamespace || variables.containers.all(c, c.?securityContext.?procMount.orValue('Default') == 'Default')",
			Message:    containerMessage("c.?securityContext.?procMount.orValue('Default') != 'Default'", "must not set securityContext.procMount other than Default"),
		},
		{
			ID: "seccompProfile_baseline", Level: psaapi.LevelBaseline, Reason: "seccompProfile",
			Expression: podSC + ".?seccompProfile.?type.orValue('RuntimeDefault') in " + celList(seccompTypes) +
				" && variables.containers.all(c, c.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in " + celList(seccompTypes) + ")",
			Message: "variables.where + '.spec: securityContext.seccompProfile.type (pod and containers) must not be Unconfined'",
		},
		{
			ID: "sysctls", Level: psaapi.LevelBaseline, Reason: "forbidden sysctls",
			Expression: podSC + ".?sysctls.orValue([]).all(s, s.name in " + celList(safeSysctls) + ")",
			Message:    "variables.where + '.spec.securityContext.sysctls: ' + variables.spec.securityContext.sysctls.filter(s, !(s.name in " + celList(safeSysctls) + ")).map(s, s.name).join(', ') + ' are not among the safe sysctls'",
		},
		{
			ID: "hostProbesAndHostLifecycle", Level: psaapi.LevelBaseline, Reason: "probe or lifecycle host",
			Expression: "variables.containers.all(c, !" + probeHosts() + ")",
			Message:    containerMessage(probeHosts(), "must not set host in the httpGet or tcpSocket of a probe or lifecycle handler"),
		},
		{
			ID: "restrictedVolumes", Level: psaapi.LevelRestricted, Reason: "restricted volume types",
			Expression: "variables.spec.?volumes.orValue([]).all(v, " + volumeAllowed() + ")",
			Message: "variables.where + '.spec.volumes: ' + variables.spec.volumes.filter(v, !(" + volumeAllowed() + ")).map(v, '\"' + v.name + '\"').join(', ') +" +
				" ' must be of the types " + strings.Join(restrictedVolumeSources, ", ") + "'",
		},
		{
			ID: "allowPrivilegeEscalation", Level: psaapi.LevelRestricted, Reason: "allowPrivilegeEscalation != false",
			Expression: "variables.windows || variables.containers.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)",
			Message:    containerMessage("c.?securityContext.?allowPrivilegeEscalation.orValue(true) != false", "must set securityContext.allowPrivilegeEscalation=false"),
		},
		{
			ID: "runAsNonRoot", Level: psaapi.LevelRestricted, Reason: "runAsNonRoot != true",
			Expression: "variables.userNamespace || (" + podSC + ".?runAsNonRoot.orValue(true) && variables.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(" + podSC + ".?runAsNonRoot.orValue(false))))",
			Message:    "variables.where + '.spec: securityContext.runAsNonRoot must be true, on the pod or on every container, and false nowhere'",
		},
		{
			ID: "runAsUser", Level: psaapi.LevelRestricted, Reason: "runAsUser=0",
			Expression: "variables.userNamespace || (" + podSC + ".?runAsUser.orValue(1) != 0 && variables.containers.all(c, c.?securityContext.?runAsUser.orValue(1) != 0))",
			Message:    "variables.where + '.spec: securityContext.runAsUser (pod and containers) must not be 0'",
		},
		{
			ID: "seccompProfile_restricted", Level: psaapi.LevelRestricted, Reason: "seccompProfile",
			Expression: "variables.windows || (" + podSC + ".?seccompProfile.?type.orValue('RuntimeDefault') in " + celList(seccompTypes) +
				" && variables.containers.all(c, c.?securityContext.?seccompProfile.?type.orValue(" + podSC + ".?seccompProfile.?type.orValue('')) in " + celList(seccompTypes) + "))",
			Message: "variables.where + '.spec: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, on the pod or on every container'",
		},
		{
			ID: "capabilities_restricted", Level: psaapi.LevelRestricted, Reason: "unrestricted capabilities",
			Expression: "variables.windows || variables.containers.all(c, 'ALL' in c.?securityContext.?capabilities.?drop.orValue([]) && c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE'))",
			Message: containerMessage("!('ALL' in c.?securityContext.?capabilities.?drop.orValue([]) && c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE'))",
				"must set securityContext.capabilities.drop=[\"ALL\"] and may add only NET_BIND_SERVICE"),
		},
		{
			ID: "procMount_restricted", Level: psaapi.LevelRestricted, Reason: "procMount",
			Expression: "variables.containers.all(c, c.?securityContext.?procMount.orValue('Default') == 'Default')",
			Message:    containerMessage("c.?securityContext.?procMount.orValue('Default') != 'Default'", "must not set securityContext.procMount other than Default"),
		},
	}
}

// seLinuxOK is a CEL expression: the optional seLinuxOptions o sets no user or role and an allowed type.
func seLinuxOK(o string) string {
	return o + ".?type.orValue('') in " + celList(seLinuxTypes) + " && " + o + ".?user.orValue('') == '' && " + o + ".?role.orValue('') == ''"
}

// volumeAllowed is a CEL expression: the volume v is of a type restricted allows.
func volumeAllowed() string {
	has := make([]string, len(restrictedVolumeSources))
	for i, s := range restrictedVolumeSources {
		has[i] = "has(v." + s + ")"
	}
	return strings.Join(has, " || ")
}

// PodSecurityPolicyName is the native template policy's name.
const PodSecurityPolicyName = "kubeharden-pod-security"

// podSecurityPolicy is the native template policy: one validation that holds when every check of the
// namespace's level passes, and a message that names every check that fails, as Pod Security admission
// names them all. Its binding leaves privileged namespaces alone; a namespace whose enforce label is
// missing or not a level gets restricted, as Pod Security admission reads an invalid level.
func podSecurityPolicy() Policy {
	vars := append(append([][2]string(nil), templateVariables...),
		[2]string{"restricted", "!(namespaceObject.?metadata.?labels[?'" + psaapi.EnforceLevelLabel + "'].orValue('') in " + celList(levelsBelow(psaapi.LevelRestricted)) + ")"})
	var passes, failures []string
	for _, c := range TemplateChecks() {
		check, failure := "("+c.Expression+")", "(("+c.Expression+") ? '' : '("+c.Reason+"): ' + "+c.Message+")"
		if c.Level == psaapi.LevelRestricted {
			check, failure = "(!variables.restricted || "+check+")", "(variables.restricted ? "+failure+" : '')"
		}
		passes, failures = append(passes, check), append(failures, failure)
	}
	return Policy{
		Name: PodSecurityPolicyName, Rule: config.PodSecurityTemplatesRule, Match: templateResources,
		Variables: vars, ExceptLevels: []string{string(psaapi.LevelPrivileged)},
		Validations: one(strings.Join(passes, " && "),
			"'violates PodSecurity \"' + (variables.restricted ? 'restricted' : 'baseline') + '\": ' + ["+
				strings.Join(failures, ", ")+"].filter(m, m != '').join('; ')"),
	}
}

// levelsBelow are the enforce levels under which level's checks do not apply.
func levelsBelow(level psaapi.Level) []string {
	if level == psaapi.LevelRestricted {
		return []string{string(psaapi.LevelPrivileged), string(psaapi.LevelBaseline)}
	}
	return []string{string(psaapi.LevelPrivileged)}
}
