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
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/tsworker/tsworker/client"
)

func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{client.EnvAddress, client.EnvNamespace, client.EnvAPIKey, client.EnvTLS,
		client.EnvTLSCert, client.EnvTLSKey, client.EnvTLSCA, client.EnvTLSCertData, client.EnvTLSKeyData,
		client.EnvTLSCAData, client.EnvTLSServerName, client.EnvTLSDisableHostVerification,
		client.EnvConfigFile, client.EnvProfile, "TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_KEY_PATH",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_CLIENT_AUTHORITY"} {
		t.Setenv(k, "")
	}
	// No environment configuration file of the machine's user.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
}

func TestOptionsFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    client.Options
		wantErr string
	}{
		{name: "empty", want: client.Options{}},
		{
			name: "all",
			env: map[string]string{
				"TEMPORAL_ADDRESS": "ns.acct.tmprl.cloud:7233", "TEMPORAL_NAMESPACE": "ns.acct",
				"TEMPORAL_API_KEY": "key", "TEMPORAL_TLS_CERT": "c.pem", "TEMPORAL_TLS_KEY": "k.pem",
				"TEMPORAL_TLS_CA": "ca.pem", "TEMPORAL_TLS_SERVER_NAME": "srv", "TEMPORAL_TLS": "true",
				"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "1", "TEMPORAL_TLS_CA_DATA": "pem",
			},
			want: client.Options{
				HostPort: "ns.acct.tmprl.cloud:7233", Namespace: "ns.acct", APIKey: "key",
				TLSCertPath: "c.pem", TLSKeyPath: "k.pem", TLSCAPath: "ca.pem", TLSServerName: "srv",
				TLS: client.TLSEnabled, TLSDisableHostVerification: true, TLSCAData: "pem",
			},
		},
		{name: "tls off", env: map[string]string{"TEMPORAL_TLS": "false"}, want: client.Options{TLS: client.TLSDisabled}},
		{name: "bad bool", env: map[string]string{"TEMPORAL_TLS": "yes please"}, wantErr: `TEMPORAL_TLS="yes please": want true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := client.OptionsFromEnv()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	env := client.Options{HostPort: "env:7233", Namespace: "env-ns", APIKey: "env-key", TLS: client.TLSEnabled}
	tests := []struct {
		name       string
		base, over client.Options
		want       client.Options
	}{
		{name: "nothing over", base: env, want: env},
		{name: "flags win", base: env, over: client.Options{HostPort: "flag:7233", TLS: client.TLSDisabled},
			want: client.Options{HostPort: "flag:7233", Namespace: "env-ns", APIKey: "env-key", TLS: client.TLSDisabled}},
		{name: "empty base", over: client.Options{Namespace: "x", TLSDisableHostVerification: true},
			want: client.Options{Namespace: "x", TLSDisableHostVerification: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := client.Merge(tt.base, tt.over); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	so, err := client.Options{}.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if so.HostPort != "localhost:7233" || so.Namespace != "default" || so.ConnectionOptions.TLS != nil || so.Credentials != nil {
		t.Fatalf("defaults: %+v", so)
	}
}

func TestUsesTLS(t *testing.T) {
	tests := []struct {
		o    client.Options
		want bool
	}{
		{client.Options{}, false},
		{client.Options{HostPort: "x:1"}, false},
		{client.Options{APIKey: "k"}, true},
		{client.Options{APIKey: "k", TLS: client.TLSDisabled}, false},
		{client.Options{TLSCAPath: "ca.pem"}, true},
		{client.Options{TLSServerName: "srv"}, true},
		{client.Options{TLSDisableHostVerification: true}, true},
		{client.Options{TLS: client.TLSEnabled}, true},
	}
	for _, tt := range tests {
		if got := tt.o.UsesTLS(); got != tt.want {
			t.Errorf("%+v: UsesTLS = %v, want %v", tt.o, got, tt.want)
		}
	}
}

func TestAPIKeyImpliesTLS(t *testing.T) {
	so, err := client.Options{APIKey: "secret"}.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if so.ConnectionOptions.TLS == nil || so.Credentials == nil {
		t.Fatalf("API key: TLS %v, credentials %v", so.ConnectionOptions.TLS, so.Credentials)
	}
	so, err = client.Options{APIKey: "secret", TLS: client.TLSDisabled}.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if so.ConnectionOptions.TLS != nil || !so.ConnectionOptions.TLSDisabled || so.Credentials == nil {
		t.Fatalf("API key without TLS: %+v", so.ConnectionOptions)
	}
}

func TestTLSConfig(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert, key := write("client.pem", certPEM), write("client.key", keyPEM)
	junk := write("junk.pem", []byte("not a certificate"))

	tests := []struct {
		name    string
		o       client.Options
		check   func(t *testing.T, c *tls.Config)
		wantErr string
	}{
		{name: "off", o: client.Options{}, check: func(t *testing.T, c *tls.Config) {
			if c != nil {
				t.Fatalf("want nil config, got %+v", c)
			}
		}},
		{name: "system roots", o: client.Options{TLS: client.TLSEnabled}, check: func(t *testing.T, c *tls.Config) {
			if c == nil || c.RootCAs != nil || len(c.Certificates) != 0 || c.InsecureSkipVerify {
				t.Fatalf("got %+v", c)
			}
		}},
		{name: "mtls", o: client.Options{TLSCertPath: cert, TLSKeyPath: key, TLSCAPath: cert, TLSServerName: "temporal.test"},
			check: func(t *testing.T, c *tls.Config) {
				if len(c.Certificates) != 1 || c.RootCAs == nil || c.ServerName != "temporal.test" {
					t.Fatalf("got %+v", c)
				}
				leaf, err := x509.ParseCertificate(c.Certificates[0].Certificate[0])
				if err != nil || leaf.Subject.CommonName != "tsworker test" {
					t.Fatalf("leaf %v, %v", leaf, err)
				}
			}},
		{name: "inline data", o: client.Options{TLSCertData: string(certPEM), TLSKeyData: string(keyPEM), TLSCAData: string(certPEM)},
			check: func(t *testing.T, c *tls.Config) {
				if len(c.Certificates) != 1 || c.RootCAs == nil {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "skip verify", o: client.Options{TLSDisableHostVerification: true}, check: func(t *testing.T, c *tls.Config) {
			if !c.InsecureSkipVerify {
				t.Fatal("InsecureSkipVerify not set")
			}
		}},
		{name: "cert without key", o: client.Options{TLSCertPath: cert}, wantErr: "has no key"},
		{name: "key without cert", o: client.Options{TLSKeyPath: key}, wantErr: "has no certificate"},
		{name: "missing file", o: client.Options{TLSCAPath: filepath.Join(dir, "nope.pem")}, wantErr: "nope.pem does not exist"},
		{name: "bad CA", o: client.Options{TLSCAPath: junk}, wantErr: "load TLS CA " + junk + ": no PEM certificate found"},
		{name: "bad pair", o: client.Options{TLSCertPath: junk, TLSKeyPath: key}, wantErr: "load TLS client certificate " + junk},
		{name: "file and data", o: client.Options{TLSCAPath: cert, TLSCAData: "x"}, wantErr: "both as a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.o.TLSConfig()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// selfSigned makes a self-signed certificate and its key, in PEM.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tsworker test"},
		DNSNames:              []string{"temporal.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func TestDialUnreachable(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	c, err := client.Dial(ctx, client.Options{HostPort: addr})
	if err == nil {
		c.Close()
		t.Fatal("dial succeeded")
	}
	var unreachable *client.UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("want *UnreachableError, got %T: %v", err, err)
	}
	want := "cannot reach Temporal at " + addr + ": connection refused (is the server running? start one with `tsworker dev`)"
	if err.Error() != want {
		t.Fatalf("got  %s\nwant %s", err, want)
	}
	t.Logf("failed after %v", time.Since(start))
}

func TestDialBadTLSFile(t *testing.T) {
	_, err := client.Dial(context.Background(), client.Options{TLSCAPath: filepath.Join(t.TempDir(), "ca.pem")})
	if err == nil || !strings.Contains(err.Error(), "TLS CA file") {
		t.Fatalf("got %v", err)
	}
}

func TestJSONArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    []string // payload data
		wantErr string
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "[]", want: []string{}},
		{in: `["Temporal", 3]`, want: []string{`"Temporal"`, `3`}},
		{in: `[{"z": 1, "a": 12345678901234567890.5}, null, [1, 2]]`, want: []string{`{"z":1,"a":12345678901234567890.5}`, `null`, `[1,2]`}},
		{in: `"Temporal"`, want: []string{`"Temporal"`}},
		{in: ` {"b": 1, "a": 2} `, want: []string{`{"b":1,"a":2}`}},
		{in: `3`, want: []string{`3`}},
		{in: `[[1, 2]]`, want: []string{`[1,2]`}},
		{in: `Temporal`, wantErr: "not valid JSON"},
		{in: `[1,`, wantErr: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			args, err := client.JSONArgs(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if args != nil {
					t.Fatalf("got %v, want none", args)
				}
				return
			}
			got := make([]string, len(args))
			for i, a := range args {
				p := a.(converter.RawValue).Payload()
				if enc := string(p.GetMetadata()["encoding"]); enc != "json/plain" {
					t.Fatalf("encoding %q", enc)
				}
				got[i] = string(p.GetData())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPayloadJSON(t *testing.T) {
	p := func(enc, data string) *commonpb.Payload {
		return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte(enc)}, Data: []byte(data)}
	}
	tests := []struct {
		p       *commonpb.Payload
		want    string
		wantErr bool
	}{
		{nil, "null", false},
		{p("binary/null", ""), "null", false},
		{p("json/plain", `{"b":1,"a":2}`), `{"b":1,"a":2}`, false},
		{p("binary/plain", "\x01\x02\x03"), `"AQID"`, false},
		{p("binary/protobuf", "x"), "", true},
	}
	for i, tt := range tests {
		got, err := client.PayloadJSON(tt.p)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%d: got %q, %v; want %q (error %v)", i, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDataConverterIsSDKDefault(t *testing.T) {
	dc := client.DataConverter()
	tests := []struct {
		v    any
		want string
	}{
		{nil, "binary/null"},
		{[]byte{1}, "binary/plain"},
		{"x", "json/plain"},
		{map[string]int{"a": 1}, "json/plain"},
	}
	for _, tt := range tests {
		p, err := dc.ToPayload(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(p.GetMetadata()["encoding"]); got != tt.want {
			t.Errorf("%#v: encoding %s, want %s", tt.v, got, tt.want)
		}
	}
}

// tlsServer serves the workflow service (every method unimplemented, which
// is enough for Dial) over TLS with cert, requiring client certificates
// signed by it.
func tlsServer(t *testing.T, certPEM, keyPEM []byte) string {
	t.Helper()
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	})))
	workflowservice.RegisterWorkflowServiceServer(srv, &workflowservice.UnimplementedWorkflowServiceServer{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return l.Addr().String()
}

func TestDialMTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "c.key")
	if err := os.WriteFile(cert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := tlsServer(t, certPEM, keyPEM)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	mtls := client.Options{HostPort: addr, TLSCertPath: cert, TLSKeyPath: key, TLSCAPath: cert, TLSServerName: "temporal.test"}
	c, err := client.Dial(ctx, mtls)
	if err != nil {
		t.Fatalf("mTLS dial: %v", err)
	}
	c.Close()

	tests := []struct {
		name string
		o    client.Options
		want string
	}{
		{"wrong server name", client.Options{HostPort: addr, TLSCertPath: cert, TLSKeyPath: key, TLSCAPath: cert, TLSServerName: "other.test"},
			"certificate is valid for temporal.test, not other.test (the TLS handshake failed; check the CA"},
		{"unknown CA", client.Options{HostPort: addr, TLSCertPath: cert, TLSKeyPath: key, TLSServerName: "temporal.test"},
			"certificate signed by unknown authority (the TLS handshake failed"},
		{"plain text", client.Options{HostPort: addr}, "cannot reach Temporal at " + addr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := client.Dial(ctx, tt.o)
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got  %v\nwant %q", err, tt.want)
			}
		})
	}
}

func TestDialTLSToPlainServer(t *testing.T) {
	// A server that does not speak TLS answers the handshake with bytes
	// that are not a TLS record.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			_ = conn.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = client.Dial(ctx, client.Options{HostPort: l.Addr().String(), APIKey: "secret"})
	want := "first record does not look like a TLS handshake (the server does not use TLS; turn TLS off"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}

const profiles = `
[profile.default]
address = "localhost:7233"

[profile.prod]
address = "prod.example.com:7233"
namespace = "orders"
api_key = "from-file"

[profile.prod.tls]
server_name = "srv.example.com"

[profile.prod.grpc_meta]
x-team = "payments"
`

func TestOptionsFromProfile(t *testing.T) {
	clearEnv(t)
	file := filepath.Join(t.TempDir(), "temporal.toml")
	if err := os.WriteFile(file, []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}

	// The default profile of the file named by TEMPORAL_CONFIG_FILE.
	t.Setenv(client.EnvConfigFile, file)
	got, err := client.OptionsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if got.HostPort != "localhost:7233" || got.Namespace != "" || got.UsesTLS() {
		t.Errorf("default profile: got %+v", got)
	}

	// TEMPORAL_PROFILE picks another; environment variables win over it.
	t.Setenv(client.EnvProfile, "prod")
	t.Setenv(client.EnvAPIKey, "from-env")
	got, err = client.OptionsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if got.HostPort != "prod.example.com:7233" || got.Namespace != "orders" || got.APIKey != "from-env" ||
		got.TLS != client.TLSEnabled || got.TLSServerName != "srv.example.com" {
		t.Errorf("prod profile: got %+v", got)
	}
	so, err := got.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if so.HeadersProvider == nil {
		t.Fatal("prod profile: the grpc_meta headers are not sent")
	}
	if h, _ := so.HeadersProvider.GetHeaders(context.Background()); h["x-team"] != "payments" {
		t.Errorf("prod profile: headers = %v, want x-team=payments", h)
	}

	// ProfileOptions win over the environment.
	got, err = client.OptionsFromProfile(client.ProfileOptions{ConfigFile: file, Profile: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if got.HostPort != "localhost:7233" || got.APIKey != "from-env" {
		t.Errorf("ProfileOptions default: got %+v", got)
	}

	// A profile or file that is not there is one clear error.
	if _, err := client.OptionsFromProfile(client.ProfileOptions{ConfigFile: file, Profile: "staging"}); err == nil ||
		!strings.Contains(err.Error(), "staging") || !strings.Contains(err.Error(), file) {
		t.Errorf("missing profile: err = %v, want one naming the profile and the file", err)
	}
	missing := filepath.Join(t.TempDir(), "nope.toml")
	if _, err := client.OptionsFromProfile(client.ProfileOptions{ConfigFile: missing}); err == nil ||
		!strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: err = %v, want one naming the file", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[profile.x\naddress = 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := client.OptionsFromProfile(client.ProfileOptions{ConfigFile: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("malformed file: err = %v, want one naming the file", err)
	}
}

// Workers name the SDK tsworker in their heartbeats, unless told otherwise.
func TestSDKName(t *testing.T) {
	so, err := client.Options{}.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if so.SdkName != client.SDKName || so.SdkVersion == "" {
		t.Errorf("SdkName %q, SdkVersion %q; want %q and a version", so.SdkName, so.SdkVersion, client.SDKName)
	}
	var o client.Options
	o.SDK.SdkName = "mine"
	if so, _ := o.SDKOptions(); so.SdkName != "mine" {
		t.Errorf("SdkName %q, want the one given", so.SdkName)
	}
}
