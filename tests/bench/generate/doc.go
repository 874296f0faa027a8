// Command generate writes N Kubernetes objects for the benchmark: per namespace, a Namespace, a
// default-deny NetworkPolicy, a ResourceQuota, a LimitRange, a Role and Deployments (some compliant,
// some not), as multi-document YAML files of 100 objects.
package main
