// Package logging provides the LogAgent component: a Fluent Bit DaemonSet, hardened as far as a log
// agent can be, that collects container and node logs and ships them off the cluster over TLS, in a
// namespace of its own whose Pod Security exception is explicit and reasoned, and where nothing else may run.
package logging
