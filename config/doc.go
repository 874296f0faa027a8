// Package config holds kubeharden's hardening profile: the one typed structure that says how a cluster
// is hardened, its documented defaults (SetDefaultsProfile) and its validation (ValidateProfile), and a
// loader (Load) that reads it from a profile file, the Pulumi stack config and the KUBEHARDEN_*
// environment variables of EnvOverrides (read with os.LookupEnv), decodes it strictly once (the field
// paths of unknown and duplicate keys come from the strict decoder's own FieldError), defaults and
// validates it once (Resolve).
package config
