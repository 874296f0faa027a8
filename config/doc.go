// Package config holds kubeharden's hardening profile: the one typed structure that says how a cluster
// is hardened, its documented defaults (SetDefaultsProfile) and its validation (ValidateProfile), and a
// loader that reads it with viper from a profile file, the Pulumi stack config and KUBEHARDEN_*
// environment variables.
package config
