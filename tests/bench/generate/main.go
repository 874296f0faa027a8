package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 10000, "how many objects")
	dir := flag.String("dir", "bench-manifests", "output folder")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var docs []string
	file := 0
	flush := func() {
		if len(docs) == 0 {
			return
		}
		path := filepath.Join(*dir, fmt.Sprintf("objects-%04d.yaml", file))
		if err := os.WriteFile(path, []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		file++
		docs = docs[:0]
	}
	for i := 0; i < *n; i++ {
		ns := fmt.Sprintf("team-%d", i/10)
		switch i % 10 {
		case 0:
			docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: v1.36\n", ns))
		case 1:
			docs = append(docs, fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: %s\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n", ns))
		case 2:
			docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\n  namespace: %s\nspec:\n  hard:\n    limits.cpu: \"2\"\n", ns))
		case 3:
			docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: limits\n  namespace: %s\nspec:\n  limits:\n  - type: Container\n    default:\n      cpu: \"1\"\n", ns))
		case 4:
			docs = append(docs, fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: developer\n  namespace: %s\nrules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, create]\n", ns))
		default:
			privileged := ""
			if i%3 == 0 {
				privileged = "        privileged: true\n"
			}
			docs = append(docs, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  namespace: %s
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-%d}
  template:
    metadata:
      labels: {app: app-%d}
    spec:
      serviceAccountName: app
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.k8s.io/pause:3.10
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 200m, memory: 128Mi}
        securityContext:
%s          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
`, i, ns, i, i, strings.Replace(privileged, "        ", "          ", 1)))
		}
		if len(docs) == 100 {
			flush()
		}
	}
	flush()
}
