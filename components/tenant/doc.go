// Package tenant provides the hardened tenant Namespace component: a namespace with Pod Security Admission
// labels, default-deny NetworkPolicies with a DNS-only egress exception, a ResourceQuota, a LimitRange and a
// default ServiceAccount that mounts no token.
package tenant
