// Package podsecurity holds the tests to Pod Security admission itself: pod specs that each break one
// Pod Security Standards check (Cases), the pod templates of the real-world corpus (CorpusTemplates), and
// the verdict of k8s.io/pod-security-admission's own evaluator on a pod spec (Allows). The Gatekeeper
// rules' unit test and the native policies' end-to-end test judge the same specs and must agree with it.
package podsecurity
