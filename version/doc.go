// Package version says which build of kubeharden is running: the module's version, the commit it was
// built from and whether the work tree had changes, read from the build information the Go toolchain
// stamps into every binary.
package version
