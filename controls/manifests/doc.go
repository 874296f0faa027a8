// Package manifests reads Kubernetes YAML into the k8s.io/api types. LoadDir and Decode read kubeharden's
// own rendered files strictly, so that a test fails on an unknown field, an unknown kind or a misspelt
// key. ReadTree reads what `kubeharden check` is handed, tolerantly and fast: any files, lists and kinds,
// each document that cannot be read reported for its file; workloads are deferred, kept as JSON until a
// control asks for them (deferred.go), so that thousands of them are never all held decoded. PodTemplate
// finds the pod template of every workload kind.
package manifests
