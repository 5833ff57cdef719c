package cli_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func writeKey(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "codec.key")
	if err := os.WriteFile(p, []byte(strings.Repeat("5a", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// codecCall posts payloads to a codec server as the Web UI does.
func codecCall(t *testing.T, url, origin string, ps []*commonpb.Payload) (*http.Response, []*commonpb.Payload) {
	t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out commonpb.Payloads
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := protojson.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v", buf.String(), err)
		}
	}
	return resp, out.Payloads
}

func TestCodecServer(t *testing.T) {
	b := startBackground(t, "codec-server", "--key-file", writeKey(t), "--key-id", "k1", "--port", "0", "--ui-origin", "http://127.0.0.1:8233")
	b.waitFor(t, &b.out, "Press Ctrl-C to stop.")
	m := regexp.MustCompile(`Codec server: (http://\S+) \(key k1\)`).FindStringSubmatch(b.out.String())
	if m == nil {
		t.Fatalf("no address in:\n%s", b.out.String())
	}
	url := m[1]
	if !strings.Contains(b.out.String(), "Web UI origins: http://127.0.0.1:8233\n") {
		t.Errorf("origins not printed:\n%s", b.out.String())
	}

	in := []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"s3cr3t"`)}}
	resp, enc := codecCall(t, url+"/encode", "http://127.0.0.1:8233", in)
	if resp.StatusCode != http.StatusOK || len(enc) != 1 || string(enc[0].Metadata["encryption-key-id"]) != "k1" || bytes.Contains(enc[0].Data, []byte("s3cr3t")) {
		t.Fatalf("encode: %d %v", resp.StatusCode, enc)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://127.0.0.1:8233" {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}
	resp, dec := codecCall(t, url+"/default/decode", "http://127.0.0.1:8233", enc)
	if resp.StatusCode != http.StatusOK || len(dec) != 1 || !proto.Equal(dec[0], in[0]) {
		t.Fatalf("decode: %d %v", resp.StatusCode, dec)
	}
	// Only the origins given are allowed, not the defaults.
	if resp, _ := codecCall(t, url+"/decode", "http://localhost:8233", enc); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other origin: status %d", resp.StatusCode)
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

func TestCodecServerErrors(t *testing.T) {
	key := writeKey(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	named := filepath.Join(t.TempDir(), "codec.keys")
	short := filepath.Join(t.TempDir(), "codec.token")
	if err := os.WriteFile(named, []byte("a="+strings.Repeat("01", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(short, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no key", nil, "--key-file is required: the AES key file to encrypt and decrypt with (make one with: openssl rand -hex 32 > codec.key)"},
		{"missing key file", []string{"--key-file", key + ".nope"}, "codec key file " + key + ".nope does not exist"},
		{"bad origin", []string{"--key-file", key, "--ui-origin", "localhost:8233"}, `--ui-origin "localhost:8233": want an origin such as`},
		{"origin with a path", []string{"--key-file", key, "--ui-origin", "https://example.com/ui"}, `--ui-origin "https://example.com/ui"`},
		{"cert without key", []string{"--key-file", key, "--tls-cert-path", "c.pem"}, "--tls-cert-path and --tls-key-path go together"},
		{"port in use", []string{"--key-file", key, "--port", strconv.Itoa(busy)},
			"codec server: cannot listen on 127.0.0.1:" + strconv.Itoa(busy) + " (bind: address already in use); pass --port with another port"},
		{"bad port", []string{"--key-file", key, "--port", "70000"}, "--port 70000: want a TCP port"},
		{"key id with named keys", []string{"--key-file", named, "--key-id", "x"}, "--key-id is for a key file of one key alone, but " + named + " names its keys (id=key lines); drop --key-id"},
		{"missing token file", []string{"--key-file", key, "--auth-token-file", key + ".token"}, "--auth-token-file: token file " + key + ".token does not exist; make one with: openssl rand -hex 32 >"},
		{"short token", []string{"--key-file", key, "--auth-token-file", short}, "--auth-token-file: token file " + short + ": bearer token of 5 characters: want at least 16"},
		{"issuer without JWKS", []string{"--key-file", key, "--auth-issuer", "https://idp.example.com/"}, "--auth-issuer and --auth-audience go with --auth-jwks-url"},
		{"JWKS without issuer", []string{"--key-file", key, "--auth-jwks-url", "https://idp.example.com/jwks", "--auth-audience", "a"}, "--auth-jwks-url needs --auth-issuer and --auth-audience"},
		{"JWKS over http", []string{"--key-file", key, "--auth-jwks-url", "http://idp.example.com/jwks", "--auth-issuer", "i", "--auth-audience", "a"},
			`--auth-jwks-url: JWKS URL "http://idp.example.com/jwks": want https (plain http is allowed on a loopback address only)`},
		{"JWKS not found", []string{"--key-file", key, "--auth-jwks-url", notFound.URL + "/nope", "--auth-issuer", "i", "--auth-audience", "a"},
			"--auth-jwks-url: fetch JWKS " + notFound.URL + "/nope: status 404 Not Found; check the URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tsworker(t, append([]string{"codec-server"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// codecServerURL starts `tsworker codec-server` with args and returns its
// URL and output.
func codecServerURL(t *testing.T, args ...string) (string, *background) {
	t.Helper()
	b := startBackground(t, append([]string{"codec-server", "--port", "0"}, args...)...)
	b.waitFor(t, &b.out, "Press Ctrl-C to stop.")
	m := regexp.MustCompile(`Codec server: (http://\S+) `).FindStringSubmatch(b.out.String())
	if m == nil {
		t.Fatalf("no address in:\n%s", b.out.String())
	}
	return m[1], b
}

// authPost posts payloads to url with the Authorization header auth (none
// if empty); it returns the status and the body.
func authPost(t *testing.T, url, auth string, ps []*commonpb.Payload) (int, string) {
	t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

// TestCodecServerRotation encrypts with key 1, rotates the key file to
// keys 1 and 2, and checks both decode while key 2 encrypts.
func TestCodecServerRotation(t *testing.T) {
	dir := t.TempDir()
	key1, key2 := strings.Repeat("5a", 32), strings.Repeat("a5", 32)
	one, two := filepath.Join(dir, "one.key"), filepath.Join(dir, "two.keys")
	if err := os.WriteFile(one, []byte(key1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(two, []byte("# newest last\nk1="+key1+"\nk2="+key2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"s3cr3t"`)}}

	// Before: one key, the single-key format, named with --key-id.
	url, b := codecServerURL(t, "--key-file", one, "--key-id", "k1")
	resp, enc1 := codecCall(t, url+"/encode", "", in)
	if resp.StatusCode != http.StatusOK || string(enc1[0].Metadata["encryption-key-id"]) != "k1" {
		t.Fatalf("encode with key 1: %d %v", resp.StatusCode, enc1)
	}
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}

	// After: both keys; key 2 encrypts.
	url, b = codecServerURL(t, "--key-file", two)
	if !strings.Contains(b.out.String(), "(key k2, also decrypts k1)") {
		t.Errorf("keys not printed:\n%s", b.out.String())
	}
	resp, enc2 := codecCall(t, url+"/encode", "", in)
	if resp.StatusCode != http.StatusOK || string(enc2[0].Metadata["encryption-key-id"]) != "k2" {
		t.Fatalf("encode with key 2: %d %v", resp.StatusCode, enc2)
	}
	for name, enc := range map[string][]*commonpb.Payload{"key 1": enc1, "key 2": enc2} {
		if resp, dec := codecCall(t, url+"/decode", "", enc); resp.StatusCode != http.StatusOK || !proto.Equal(dec[0], in[0]) {
			t.Errorf("decode %s: %d %v", name, resp.StatusCode, dec)
		}
	}
}

// jwks serves the public half of an EC key on loopback and signs tokens
// with it.
type jwks struct {
	url string
	key *ecdsa.PrivateKey
}

func newJWKS(t *testing.T) *jwks {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, KeyID: "k", Algorithm: "ES256", Use: "sig"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	}))
	t.Cleanup(srv.Close)
	return &jwks{url: srv.URL + "/jwks.json", key: key}
}

func (j *jwks) token(t *testing.T, iss, aud string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: j.key, KeyID: "k"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := jwt.Signed(s).Claims(jwt.Claims{Issuer: iss, Audience: jwt.Audience{aud}, Subject: "user@example.com",
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour))}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestCodecServerAuth(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	tokens := filepath.Join(t.TempDir(), "codec.token")
	if err := os.WriteFile(tokens, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	idp := newJWKS(t)
	url, b := codecServerURL(t, "--key-file", writeKey(t), "--key-id", "k1", "--auth-token-file", tokens,
		"--auth-jwks-url", idp.url, "--auth-issuer", "https://idp.example.com/", "--auth-audience", "temporal-ui")
	if want := "Credentials: bearer token of " + tokens + "; or JWT of issuer https://idp.example.com/ for audience temporal-ui"; !strings.Contains(b.out.String(), want) {
		t.Errorf("no %q in:\n%s", want, b.out.String())
	}

	in := []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"s3cr3t"`)}}
	code, body := authPost(t, url+"/encode", "Bearer "+token, in)
	if code != http.StatusOK {
		t.Fatalf("encode: %d %s", code, body)
	}
	var enc commonpb.Payloads
	if err := protojson.Unmarshal([]byte(body), &enc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, auth string
		want       int
	}{
		{"no credentials", "", http.StatusUnauthorized},
		{"token", "Bearer " + token, http.StatusOK},
		{"wrong token", "Bearer " + strings.Repeat("0", 32), http.StatusUnauthorized},
		{"JWT", "Bearer " + idp.token(t, "https://idp.example.com/", "temporal-ui"), http.StatusOK},
		{"JWT of another audience", "Bearer " + idp.token(t, "https://idp.example.com/", "other"), http.StatusUnauthorized},
		{"JWT of another issuer", "Bearer " + idp.token(t, "https://evil.example.com/", "temporal-ui"), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := authPost(t, url+"/default/decode", tt.auth, enc.Payloads)
			if code != tt.want {
				t.Fatalf("status %d, want %d: %s", code, tt.want, body)
			}
			// "s3cr3t" in base64, as a decoded payload carries it.
			if decoded := strings.Contains(body, "InMzY3IzdCI="); decoded != (code == http.StatusOK) {
				t.Fatalf("status %d, decoded %v: %s", code, decoded, body)
			}
		})
	}
}

// TestCodecServerInsecure checks that a server reachable from other
// machines asks for credentials unless told --insecure.
func TestCodecServerInsecure(t *testing.T) {
	key := writeKey(t)
	_, _, err := tsworker(t, "codec-server", "--key-file", key, "--ip", "0.0.0.0", "--port", "0")
	if want := "codec server: --ip 0.0.0.0 is reachable from other machines, and without authentication anyone who reaches the server can decrypt payloads; " +
		"pass --auth-token-file FILE, or --auth-jwks-url URL with --auth-issuer and --auth-audience, or listen on 127.0.0.1 (the default); " +
		"--insecure serves without authentication anyway"; err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}

	_, b := codecServerURL(t, "--key-file", key, "--ip", "0.0.0.0", "--insecure")
	if !strings.Contains(b.out.String(), "Credentials: none (--insecure): anyone who reaches the server can decrypt payloads") {
		t.Errorf("no warning in:\n%s", b.out.String())
	}
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}

	tokens := filepath.Join(t.TempDir(), "codec.token")
	if err := os.WriteFile(tokens, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, b := codecServerURL(t, "--key-file", key, "--ip", "0.0.0.0", "--auth-token-file", tokens)
	if !strings.Contains(b.out.String(), "Warning: without TLS, credentials and payloads cross the network in plain text") {
		t.Errorf("no TLS warning in:\n%s", b.out.String())
	}
	if code, body := authPost(t, url+"/decode", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("no credentials: %d %s", code, body)
	}

	// On loopback, no credentials are needed.
	url, _ = codecServerURL(t, "--key-file", key)
	if code, body := authPost(t, url+"/decode", "", nil); code != http.StatusOK {
		t.Fatalf("loopback: %d %s", code, body)
	}
}
