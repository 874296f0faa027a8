// Package manifests is the input of files: ReadTree reads what `kubeharden check` is handed (files and
// folders), ReadSources documents a caller made (a preview's resources), tolerantly and fast, into the
// objects the catalog judges: any files, lists and kinds, each document that cannot be read reported for
// its file. Two fast stages, each with its own switch, come before the general path (sigs.k8s.io/yaml
// and the unstructured converter): the head scan skips a document of a kind no control inspects from its
// top-level lines (headScan, on fastyaml.ScanHead), and the block reader decodes a block-style document
// through fastyaml.Convert straight into its type. Workloads are deferred, kept as JSON until a control
// asks for them (deferred.go), so that thousands of them are never all held decoded. PodTemplate finds
// the pod template of every workload kind. (kubeharden's own rendered files are read strictly by the
// tests, through tests/rendered.)
package manifests
