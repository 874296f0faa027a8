// Package controlplanecomponent is the ControlPlane Pulumi component: the hardened control-plane file
// set that components/controlplane renders, published as stack outputs, the keys as secrets. It is a
// package of its own so that the kubeharden command line, which renders and checks the same files, does
// not link the Pulumi SDK.
package controlplanecomponent
