package cluster

import (
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// LossyProxy stands between a client and the API server and loses answers: the first request for which
// lose returns true is passed on to the API server, which does it, and then the client's connection is
// dropped instead of answering. That is the fault "the write landed, its answer was lost" (an API server
// that died just after the write, a load balancer that reset the connection), made to happen on the one
// request a test chooses instead of by a race.
type LossyProxy struct {
	// Kubeconfig is a kubeconfig that reaches the API server through the proxy, as a cluster admin.
	Kubeconfig string

	mu   sync.Mutex
	lost []string
}

// Lost is what the proxy did without answering: "METHOD path" of each lost answer.
func (p *LossyProxy) Lost() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lost...)
}

// errLost marks the answer the proxy throws away.
var errLost = errors.New("answer lost on purpose")

// LossyProxy starts a proxy to the API server that loses the answer to the first request lose picks.
// The proxy speaks TLS with a certificate of its own and calls the API server with the admin's
// credentials, so the kubeconfig it writes needs none; it stops when the test ends.
func (c *Cluster) LossyProxy(t testing.TB, lose func(*http.Request) bool) *LossyProxy {
	t.Helper()
	upstream, err := url.Parse(c.APIServerURL())
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	p := &LossyProxy{}
	fired := false
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			// The admin's credentials are the transport's; nothing of the client's is passed on.
			r.Out.Header.Del("Authorization")
		},
		Transport:     transport,
		FlushInterval: -1, // watches stream
		ModifyResponse: func(resp *http.Response) error {
			r := resp.Request
			p.mu.Lock()
			defer p.mu.Unlock()
			if fired || !lose(r) {
				return nil
			}
			fired = true
			p.lost = append(p.lost, r.Method+" "+r.URL.Path)
			return errLost
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(err, errLost) {
				panic(http.ErrAbortHandler) // drop the connection: no status, no body
			}
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	srv := httptest.NewUnstartedServer(rp)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)

	kc := clientcmdapi.NewConfig()
	kc.Clusters["lossy"] = &clientcmdapi.Cluster{
		Server:                   srv.URL,
		CertificateAuthorityData: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}),
	}
	kc.AuthInfos["lossy"] = &clientcmdapi.AuthInfo{}
	kc.Contexts["lossy"] = &clientcmdapi.Context{Cluster: "lossy", AuthInfo: "lossy"}
	kc.CurrentContext = "lossy"
	p.Kubeconfig = filepath.Join(t.TempDir(), "lossy.kubeconfig")
	if err := clientcmd.WriteToFile(*kc, p.Kubeconfig); err != nil {
		t.Fatal(err)
	}
	return p
}
