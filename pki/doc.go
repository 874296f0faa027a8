// Package pki generates and checks the control plane's certificates: a cluster CA, a separate etcd CA
// (NSA/CISA v1.2), a front-proxy CA, the service-account signing key and every leaf certificate the API
// server, etcd, the controller-manager, the scheduler and an administrator need. A Bundle is generated
// once (or around a CA the user brings) and then kept as a Pulumi secret, so that every run renders the
// same material.
package pki
