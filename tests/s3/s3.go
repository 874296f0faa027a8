package s3

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/tests/pulumitest"
)

// Bucket is the bucket every server holds; AccessKey and SecretKey are its root user's.
const (
	Bucket    = "kubeharden-state"
	AccessKey = "kubeharden-test"
	SecretKey = "kubeharden-test-secret-key"
	Region    = "us-east-1"
)

// Server is a running S3-compatible server.
type Server struct {
	// Endpoint is its http://127.0.0.1:<port>; Dir the folder its buckets live in.
	Endpoint, Dir string
}

// BackendURL is the Pulumi backend URL of the server's bucket (gocloud.dev's s3 scheme: path-style
// requests to the endpoint).
func (s *Server) BackendURL() string {
	return fmt.Sprintf("s3://%s?endpoint=%s&region=%s&use_path_style=true", Bucket, s.Endpoint, Region)
}

// Env is the environment a pulumi command needs to reach the server.
func (s *Server) Env() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey, "AWS_REGION=" + Region}
}

// Start starts versitygw on a free port of 127.0.0.1, serving a folder of the test's with the bucket in
// it, and stops it when the test ends. Outside CI the test is skipped when versitygw is missing; in CI it
// fails.
func Start(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts an S3 server (not with -short)")
	}
	bin := pulumitest.RequireTool(t, pulumitest.ToolsBin(), "versitygw")
	dir := t.TempDir()
	root, sidecar := filepath.Join(dir, "buckets"), filepath.Join(dir, "meta")
	for _, d := range []string{filepath.Join(root, Bucket), sidecar} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	log, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region, "--port", addr,
		"posix", "--sidecar", sidecar, root)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		log.Close()
	})
	s := &Server{Endpoint: "http://" + addr, Dir: root}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case <-done:
			data, _ := os.ReadFile(log.Name())
			t.Fatalf("versitygw exited: %s", data)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
