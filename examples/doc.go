// Package examples holds Pulumi programs that use kubeharden's components from a stack of their own;
// each subfolder is a complete program.
package examples
