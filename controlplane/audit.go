package controlplane

import (
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}
var readVerbs = []string{"get", "list", "watch"}

// AuditPolicy is kubeharden's audit policy (NSA/CISA v1.2 "Audit logging and threat detection"). Rules
// match in order, first match wins:
//  1. Secrets, ConfigMaps, service-account tokens and TokenReviews at Metadata only: their bodies hold
//     credentials and must never reach the log.
//  2. Known-noisy read-only system traffic is dropped: health and version probes, kube-proxy watching
//     Services and Endpoints, kubelets reading their Node, leader-election leases, event reads.
//  3. Changes to RBAC and to admission configuration at RequestResponse: who granted what, in full.
//  4. Every other change at Request; every other read at Metadata.
//
// The RequestReceived stage is omitted throughout: ResponseComplete carries the same and more.
func AuditPolicy() *auditv1.Policy {
	p := &auditv1.Policy{
		OmitStages: []auditv1.Stage{auditv1.StageRequestReceived},
		Rules: []auditv1.PolicyRule{
			{Level: auditv1.LevelMetadata, Resources: []auditv1.GroupResources{
				{Group: "", Resources: []string{"secrets", "configmaps", "serviceaccounts/token"}},
				{Group: "authentication.k8s.io", Resources: []string{"tokenreviews"}},
			}},
			{Level: auditv1.LevelNone, Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz*", "/livez*", "/readyz*", "/version", "/version/"}},
			{Level: auditv1.LevelNone, Users: []string{"system:kube-proxy"}, Verbs: []string{"watch"}, Resources: []auditv1.GroupResources{
				{Group: "", Resources: []string{"endpoints", "services", "services/status"}},
				{Group: "discovery.k8s.io", Resources: []string{"endpointslices"}},
			}},
			{Level: auditv1.LevelNone, UserGroups: []string{"system:nodes"}, Verbs: []string{"get"}, Resources: []auditv1.GroupResources{
				{Group: "", Resources: []string{"nodes", "nodes/status"}},
			}},
			{Level: auditv1.LevelNone, Users: []string{"system:kube-controller-manager", "system:kube-scheduler", "system:apiserver"},
				Verbs: []string{"get", "update"}, Namespaces: []string{"kube-system"}, Resources: []auditv1.GroupResources{
					{Group: "coordination.k8s.io", Resources: []string{"leases"}},
				}},
			{Level: auditv1.LevelNone, Verbs: readVerbs, Resources: []auditv1.GroupResources{
				{Group: "", Resources: []string{"events"}},
				{Group: "events.k8s.io", Resources: []string{"events"}},
			}},
			{Level: auditv1.LevelRequestResponse, Verbs: writeVerbs, Resources: []auditv1.GroupResources{
				{Group: "rbac.authorization.k8s.io"},
				{Group: "admissionregistration.k8s.io"},
			}},
			{Level: auditv1.LevelRequest, Verbs: writeVerbs},
			{Level: auditv1.LevelMetadata},
		},
	}
	p.APIVersion = "audit.k8s.io/v1"
	p.Kind = "Policy"
	return p
}
