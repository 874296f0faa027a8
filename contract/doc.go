// Package contract holds the names that cross from what kubeharden makes to what it checks: the labels
// and annotations its components write on the cluster's objects and its controls read back. Each is
// defined here once, so the writer and the reader cannot drift apart.
package contract
