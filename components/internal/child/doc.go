// Package child holds what every kubeharden component gives its children: the options of the Pulumi
// component contract (parented to the component), and the aliases that keep the URNs of resources that
// were registered before their component existed.
package child
