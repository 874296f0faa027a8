// Package controlplanecomponent is the ControlPlane Pulumi component: the hardened control-plane file
// set that package controlplane renders from a resolved profile, published as stack outputs, the keys
// as secrets. It is a package of its own so that controlplane, which the kubeharden command line uses to
// render and check the same files, stays free of the Pulumi SDK (a test in cmd/kubeharden holds that the
// CLI links no component and no Pulumi SDK).
package controlplanecomponent
