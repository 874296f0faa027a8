// Package examples holds Pulumi programs that use kubeharden's components from a stack of their own;
// go-import is a complete Go program with its own go.mod, and ci holds CI workflows (GitHub Actions,
// GitLab CI) that call the scripts `make ci-preview` and `make drift` run.
package examples
