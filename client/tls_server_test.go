package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/worker"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a leaf certificate for localhost and 127.0.0.1, for a
// server or for a client.
func (ca *testCA) issue(t *testing.T, name string, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key := newKey(t)
	usage := x509.ExtKeyUsageClientAuth
	if server {
		usage = x509.ExtKeyUsageServerAuth
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func serial(t *testing.T) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// writeFiles writes name -> content into dir and returns name -> path.
func writeFiles(t *testing.T, dir string, files map[string][]byte) map[string]string {
	t.Helper()
	out := make(map[string]string, len(files))
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

// startServers starts the embedded servers in parallel; each starts in a
// few seconds.
func startServers(t *testing.T, opts ...devserver.Options) []*devserver.Server {
	t.Helper()
	srvs := make([]*devserver.Server, len(opts))
	errs := make([]error, len(opts))
	var wg sync.WaitGroup
	for i, o := range opts {
		wg.Go(func() { srvs[i], errs[i] = devserver.Start(context.Background(), o) })
	}
	wg.Wait()
	for i, s := range srvs {
		if s != nil {
			t.Cleanup(s.Stop)
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	return srvs
}

// TestEmbeddedServerTLS connects to embedded servers that serve TLS and
// mTLS on certificates made here, and runs a JS workflow over mTLS.
func TestEmbeddedServerTLS(t *testing.T) {
	ca, otherCA := newTestCA(t, "tsworker test CA"), newTestCA(t, "some other CA")
	serverCert, serverKey := ca.issue(t, "temporal server", true)
	clientCert, clientKey := ca.issue(t, "tsworker worker", false)
	strangerCert, strangerKey := otherCA.issue(t, "stranger", false)
	f := writeFiles(t, t.TempDir(), map[string][]byte{
		"ca.pem": ca.pem, "other-ca.pem": otherCA.pem,
		"client.pem": clientCert, "client.key": clientKey,
		"stranger.pem": strangerCert, "stranger.key": strangerKey,
	})
	pair, err := tls.X509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	srvs := startServers(t,
		devserver.Options{TLS: &tls.Config{Certificates: []tls.Certificate{pair}}},
		devserver.Options{UI: true, TLS: &tls.Config{
			Certificates: []tls.Certificate{pair},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    ca.pool(),
		}},
	)
	tlsAddr, mtlsAddr := srvs[0].FrontendHostPort(), srvs[1].FrontendHostPort()

	tests := []struct {
		name    string
		o       client.Options
		wantErr string // empty: the dial succeeds
	}{
		{name: "TLS with the right CA", o: client.Options{HostPort: tlsAddr, TLSCAPath: f["ca.pem"]}},
		{name: "TLS with the CA as data", o: client.Options{HostPort: tlsAddr, TLSCAData: string(ca.pem)}},
		{name: "TLS with an API key", o: client.Options{HostPort: tlsAddr, TLSCAPath: f["ca.pem"], APIKey: "secret-key"}},
		{name: "mTLS with a client certificate", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"],
			TLSCertPath: f["client.pem"], TLSKeyPath: f["client.key"]}},
		{name: "wrong CA", o: client.Options{HostPort: tlsAddr, TLSCAPath: f["other-ca.pem"]},
			wantErr: "cannot reach Temporal at " + tlsAddr + ": certificate signed by unknown authority (the TLS handshake failed; check the CA (--tls-ca-path)"},
		{name: "system roots", o: client.Options{HostPort: tlsAddr, TLS: client.TLSEnabled},
			wantErr: "certificate signed by unknown authority (the TLS handshake failed; check the CA (--tls-ca-path)"},
		{name: "wrong server name", o: client.Options{HostPort: tlsAddr, TLSCAPath: f["ca.pem"], TLSServerName: "temporal.example.com"},
			wantErr: "certificate is valid for localhost, not temporal.example.com (the TLS handshake failed; check the CA (--tls-ca-path) and the server name (--tls-server-name))"},
		{name: "plain text to a TLS server", o: client.Options{HostPort: tlsAddr},
			wantErr: "cannot reach Temporal at " + tlsAddr},
		{name: "mTLS client key missing", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"], TLSCertPath: f["client.pem"]},
			wantErr: "TLS client certificate " + f["client.pem"] + " has no key: also give the key (--tls-key-path or TEMPORAL_TLS_KEY)"},
		{name: "mTLS client key file missing", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"], TLSCertPath: f["client.pem"],
			TLSKeyPath: f["client.pem"] + ".key"}, wantErr: "TLS key file " + f["client.pem"] + ".key does not exist"},
		{name: "mTLS key of another certificate", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"], TLSCertPath: f["client.pem"],
			TLSKeyPath: f["stranger.key"]}, wantErr: "load TLS client certificate " + f["client.pem"] + " with key " + f["stranger.key"] + ": tls: private key does not match public key"},
		// In TLS 1.3 the server checks the client's certificate after the
		// handshake, so its alert races the client's first write: the cause
		// is the alert ("tls: certificate required", "tls: unknown
		// certificate authority") or a broken pipe.
		{name: "mTLS without a client certificate", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"]},
			wantErr: "cannot reach Temporal at " + mtlsAddr + ": "},
		{name: "mTLS with a certificate of another CA", o: client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"],
			TLSCertPath: f["stranger.pem"], TLSKeyPath: f["stranger.key"]},
			wantErr: "cannot reach Temporal at " + mtlsAddr + ": "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := client.Dial(ctx, tt.o)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer c.Close()
				if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"}); err != nil {
					t.Fatalf("describe namespace: %v", err)
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got  %v\nwant %q on one line", err, tt.wantErr)
			}
			t.Log(err)
		})
	}

	t.Run("JS workflow over mTLS", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := client.Dial(ctx, client.Options{HostPort: mtlsAddr, TLSCAPath: f["ca.pem"],
			TLSCertPath: f["client.pem"], TLSKeyPath: f["client.key"], Logger: quietLogger{}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		w, err := worker.New(c, "tls", worker.Options{Workflows: "testdata/tls.ts"})
		if err != nil {
			t.Fatal(err)
		}
		w.RegisterActivity(greet)
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		run, err := c.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{TaskQueue: "tls"}, "hello", "mTLS")
		if err != nil {
			t.Fatal(err)
		}
		var out string
		if err := run.Get(ctx, &out); err != nil {
			t.Fatal(err)
		}
		if out != "Hello, mTLS!" {
			t.Fatalf("got %q", out)
		}
	})

	t.Run("Web UI of an mTLS server", func(t *testing.T) {
		// The UI reaches the server through its plain internal frontend.
		resp, err := http.Get(srvs[1].UIAddress() + "/api/v1/namespaces/default")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"default"`) {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	})
}

// TestAPIKeyHeader checks that an API key goes to the server as
// "authorization: Bearer KEY" on every call, over TLS. The embedded server
// takes no interceptor, so a stand-in gRPC server records the header.
func TestAPIKeyHeader(t *testing.T) {
	ca := newTestCA(t, "tsworker test CA")
	certPEM, keyPEM := ca.issue(t, "temporal server", true)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string][]string{} // method -> authorization values
	record := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		mu.Lock()
		seen[info.FullMethod] = md.Get("authorization")
		mu.Unlock()
		return next(ctx, req)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pair}})),
		grpc.ChainUnaryInterceptor(record))
	workflowservice.RegisterWorkflowServiceServer(srv, &workflowservice.UnimplementedWorkflowServiceServer{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)

	f := writeFiles(t, t.TempDir(), map[string][]byte{"ca.pem": ca.pem})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{HostPort: l.Addr().String(), TLSCAPath: f["ca.pem"], APIKey: "secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})

	mu.Lock()
	defer mu.Unlock()
	for _, m := range []string{"GetSystemInfo", "DescribeNamespace"} {
		got := seen["/"+workflowservice.WorkflowService_ServiceDesc.ServiceName+"/"+m]
		if fmt.Sprint(got) != "[Bearer secret-key]" {
			t.Errorf("%s: authorization %q, want [Bearer secret-key] (seen: %v)", m, got, seen)
		}
	}
}

func greet(_ context.Context, name string) (string, error) { return "Hello, " + name + "!", nil }

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
