// Package s3 starts a real S3-compatible server for a test: versitygw (built by tests/toolchain/tools.sh)
// serving a folder on 127.0.0.1, with one bucket, as a Pulumi backend URL and the environment that
// reaches it.
package s3
