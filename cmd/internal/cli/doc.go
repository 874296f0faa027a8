// Package cli is what kubeharden's commands share: how a command line's error becomes the process's
// exit code (UsageError 2, Outcome its code, anything else 1), the refusal of positional arguments as a
// usage error, and where a sibling executable is found. It holds no command.
package cli
