// Package baseline provides the Baseline component: everything a hardening profile puts into a cluster,
// built from one validated config.Profile. It is the one component the kubeharden stack program creates.
package baseline
