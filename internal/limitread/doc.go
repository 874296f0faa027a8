// Package limitread reads a file no larger than a limit: a profile, a fleet file, a manifest. A larger
// file is refused with an error that says so (TooLargeError) before more than the limit is read, so a
// mistaken or hostile file cannot make a reader hold gigabytes. It is the one place kubeharden reads a
// file with a size limit.
package limitread
