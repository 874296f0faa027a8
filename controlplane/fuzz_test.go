package controlplane

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/config"
	"github.com/kubeharden/kubeharden/pki"
)

// FuzzDecodeInputs: the PKI bundle and the encryption keys a stack holds, whatever their JSON, are
// decoded or refused without crashing, and a refusal never quotes a key: not an encryption key's
// secret, not a private key.
func FuzzDecodeInputs(f *testing.F) {
	profile, err := config.Resolve(&config.Profile{})
	if err != nil {
		f.Fatal(err)
	}
	b, err := pki.Generate(pki.Options{Now: time.Now()})
	if err != nil {
		f.Fatal(err)
	}
	bundle, _ := json.Marshal(b)
	k, err := NewEncryptionKey("key-1")
	if err != nil {
		f.Fatal(err)
	}
	keys, _ := json.Marshal([]EncryptionKey{k})
	f.Add(string(bundle), string(keys))
	f.Add(string(bundle), `[{"name":"short","secret":"c2VjcmV0LWtleS10b28tc2hvcnQ="}]`)
	f.Add(`{"clusterCA":{"cert":"x","key":"-----BEGIN PRIVATE KEY-----\nsecretsecret\n-----END PRIVATE KEY-----\n"}}`, `[]`)
	f.Add(`null`, `[{"name":"a","secret":"AAAA"},{"name":"a","secret":"AAAA"}]`)
	f.Fuzz(func(t *testing.T, pkiJSON, keysJSON string) {
		var err error
		done := make(chan struct{})
		go func() { defer close(done); _, err = DecodeInputs(profile, pkiJSON, keysJSON) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("DecodeInputs has not returned after 10 s")
		}
		if err == nil {
			return
		}
		msg := err.Error()
		var secrets []string
		var ks []EncryptionKey
		if json.Unmarshal([]byte(keysJSON), &ks) == nil {
			for _, k := range ks {
				secrets = append(secrets, k.Secret)
			}
		}
		var pb pki.Bundle
		if json.Unmarshal([]byte(pkiJSON), &pb) == nil {
			secrets = append(secrets, pb.ServiceAccountKey)
			for _, kp := range []pki.KeyPair{pb.ClusterCA, pb.EtcdCA, pb.FrontProxyCA, pb.APIServer, pb.APIServerKubeletClient,
				pb.APIServerEtcdClient, pb.FrontProxyClient, pb.EtcdServer, pb.EtcdPeer, pb.Admin, pb.ControllerManager, pb.Scheduler} {
				secrets = append(secrets, kp.Key)
			}
		}
		for _, s := range secrets {
			if len(s) >= 12 && strings.Contains(msg, s) {
				t.Fatalf("the refusal quotes a key:\n%s", msg)
			}
		}
	})
}
