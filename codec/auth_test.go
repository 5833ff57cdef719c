package codec_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/tsworker/tsworker/codec"
)

const (
	testIssuer   = "https://issuer.example.com/"
	testAudience = "https://codec.example.com"
)

// issuer is an identity provider for the tests: it signs tokens and serves
// its public keys as a JWKS on loopback.
type issuer struct {
	url     string // of the JWKS
	fetches atomic.Int32

	mu   sync.Mutex
	keys []jose.JSONWebKey // public, served
}

var (
	rsaKeyOnce sync.Once
	rsaKey     *rsa.PrivateKey
)

// testRSAKey is made once: 2048-bit RSA keys are slow to generate.
func testRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	rsaKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func ecKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	iss := &issuer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss.fetches.Add(1)
		iss.mu.Lock()
		set := jose.JSONWebKeySet{Keys: iss.keys}
		iss.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	iss.url = srv.URL + "/.well-known/jwks.json"
	return iss
}

// publish adds the public half of key to the served key set.
func (iss *issuer) publish(kid string, key any, alg jose.SignatureAlgorithm) {
	k := jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(alg), Use: "sig"}
	pub := k.Public()
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.keys = append(iss.keys, pub)
}

// sign makes a JWT with claims, signed by key under kid.
func sign(t *testing.T, alg jose.SignatureAlgorithm, kid string, key any, claims any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// claimsAt are valid claims shifted by the given offsets from now.
func claimsAt(iss, aud string, exp time.Duration) jwt.Claims {
	now := time.Now()
	return jwt.Claims{
		Issuer: iss, Subject: "user@example.com", Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute)), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		Expiry: jwt.NewNumericDate(now.Add(exp)),
	}
}

// countingCodec counts the payloads that reach the codec.
type countingCodec struct {
	converter.PayloadCodec
	n atomic.Int32
}

func (c *countingCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	c.n.Add(int32(len(ps)))
	return c.PayloadCodec.Encode(ps)
}

func (c *countingCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	c.n.Add(int32(len(ps)))
	return c.PayloadCodec.Decode(ps)
}

// authCall posts an encrypted payload to /decode with the Authorization
// header auth (none if empty) and returns the response.
func authCall(t *testing.T, h http.Handler, auth string, enc []*commonpb.Payload) *httptest.ResponseRecorder {
	t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: enc})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/default/decode", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	req.Header.Set("Origin", "https://cloud.temporal.io")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// secretPayloads are one encrypted payload holding "s3cr3t".
func secretPayloads(t *testing.T, c converter.PayloadCodec) []*commonpb.Payload {
	t.Helper()
	enc, err := c.Encode([]*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"s3cr3t"`)}})
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// checkAuth checks a response: 200 with the payload decoded, or 401 with a
// JSON error holding wantErr and nothing decoded.
func checkAuth(t *testing.T, rec *httptest.ResponseRecorder, counter *countingCodec, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "InMzY3IzdCI=") { // base64 of "s3cr3t"
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return
	}
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401: %s", rec.Code, rec.Body)
	}
	if n := counter.n.Load(); n != 0 {
		t.Fatalf("the codec saw %d payloads of a refused request", n)
	}
	var body struct{ Error string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("401 body %q (%s): %v", rec.Body, rec.Header().Get("Content-Type"), err)
	}
	if !strings.Contains(body.Error, wantErr) {
		t.Fatalf("error %q, want %q", body.Error, wantErr)
	}
	if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") {
		t.Fatalf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
	}
	// The browser must be able to read the error.
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://cloud.temporal.io" {
		t.Fatalf("401 without CORS headers: %v", rec.Header())
	}
}

func TestJWTAuth(t *testing.T) {
	iss := newIssuer(t)
	rsaK, ecK, otherEC := testRSAKey(t), ecKey(t), ecKey(t)
	iss.publish("rsa-1", &rsaK.PublicKey, jose.RS256)
	iss.publish("ec-1", &ecK.PublicKey, jose.ES256)
	auth, err := codec.NewJWTAuth(codec.JWTOptions{JWKSURL: iss.url, Issuer: testIssuer, Audience: []string{testAudience}, MinRefetch: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	aes := newCodec(t, testKey, "k1")
	enc := secretPayloads(t, aes)

	valid := claimsAt(testIssuer, testAudience, time.Hour)
	noExp := valid
	noExp.Expiry = nil
	future := valid
	future.NotBefore = jwt.NewNumericDate(time.Now().Add(10 * time.Minute))
	hs, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: bytes.Repeat([]byte{1}, 32)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hsTok, _ := jwt.Signed(hs).Claims(valid).Serialize()

	tests := []struct {
		name, auth, wantErr string
	}{
		{"RS256", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, valid), ""},
		{"ES256", "Bearer " + sign(t, jose.ES256, "ec-1", ecK, valid), ""},
		{"scheme in lower case", "bearer " + sign(t, jose.ES256, "ec-1", ecK, valid), ""},
		{"expired within the leeway", "Bearer " + sign(t, jose.ES256, "ec-1", ecK, claimsAt(testIssuer, testAudience, -5*time.Second)), ""},
		{"no token", "", `no credentials: send "Authorization: Bearer <token>"`},
		{"basic auth", "Basic dXNlcjpwYXNz", `authorization scheme "Basic"`},
		{"not a JWT", "Bearer 0123456789abcdef0123", "bearer token is not a signed JWT"},
		{"wrong issuer", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, claimsAt("https://evil.example.com/", testAudience, time.Hour)),
			`issuer "https://evil.example.com/" is not "https://issuer.example.com/"`},
		{"wrong audience", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, claimsAt(testIssuer, "https://other.example.com", time.Hour)),
			`audience ["https://other.example.com"] is not ["https://codec.example.com"]`},
		{"expired", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, claimsAt(testIssuer, testAudience, -10*time.Minute)), "JWT: expired at"},
		{"not valid yet", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, future), "JWT: not valid before"},
		{"no expiry", "Bearer " + sign(t, jose.RS256, "rsa-1", rsaK, noExp), `JWT: no expiry ("exp")`},
		{"wrong key, known key id", "Bearer " + sign(t, jose.ES256, "ec-1", otherEC, valid), "signature does not verify with the issuer's keys"},
		{"wrong key, unknown key id", "Bearer " + sign(t, jose.ES256, "ec-2", otherEC, valid), `token signed with key "ec-2", which is not in the issuer's key set`},
		{"key of another algorithm", "Bearer " + sign(t, jose.ES256, "rsa-1", otherEC, valid), `token signed with key "rsa-1"`},
		{"HMAC", "Bearer " + hsTok, "bearer token is not a signed JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter := &countingCodec{PayloadCodec: aes}
			h := codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Auth: auth}, counter)
			checkAuth(t, authCall(t, h, tt.auth, enc), counter, tt.wantErr)
		})
	}
	// One fetch served them all: the key set is cached, and MinRefetch
	// keeps unknown key ids from fetching it again.
	if n := iss.fetches.Load(); n != 1 {
		t.Errorf("the key set was fetched %d times, want 1", n)
	}
}

// TestJWTAuthKeyRotation checks that a token signed with a key the issuer
// published after the key set was cached is accepted: an unknown key id
// fetches the set again.
func TestJWTAuthKeyRotation(t *testing.T) {
	iss := newIssuer(t)
	old, next := ecKey(t), ecKey(t)
	iss.publish("old", &old.PublicKey, jose.ES256)
	auth, err := codec.NewJWTAuth(codec.JWTOptions{JWKSURL: iss.url, Issuer: testIssuer, Audience: []string{"a", testAudience}, MinRefetch: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	aes := newCodec(t, testKey, "k1")
	counter := &countingCodec{PayloadCodec: aes}
	h := codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Auth: auth}, counter)
	enc := secretPayloads(t, aes)
	valid := claimsAt(testIssuer, testAudience, time.Hour)

	checkAuth(t, authCall(t, h, "Bearer "+sign(t, jose.ES256, "next", next, valid), enc), counter, `token signed with key "next"`)
	iss.publish("next", &next.PublicKey, jose.ES256)
	checkAuth(t, authCall(t, h, "Bearer "+sign(t, jose.ES256, "next", next, valid), enc), counter, "")
	checkAuth(t, authCall(t, h, "Bearer "+sign(t, jose.ES256, "old", old, valid), enc), counter, "")
	if n := iss.fetches.Load(); n != 3 {
		t.Errorf("the key set was fetched %d times, want 3 (start, and once for each unknown key id)", n)
	}
}

func TestNewJWTAuth(t *testing.T) {
	ok := codec.JWTOptions{JWKSURL: "https://login.example.com/.well-known/jwks.json", Issuer: testIssuer, Audience: []string{testAudience}}
	tests := []struct {
		name    string
		edit    func(o *codec.JWTOptions)
		wantErr string
	}{
		{"https", func(o *codec.JWTOptions) {}, ""},
		{"http on loopback", func(o *codec.JWTOptions) { o.JWKSURL = "http://127.0.0.1:9000/jwks" }, ""},
		{"http on localhost", func(o *codec.JWTOptions) { o.JWKSURL = "http://localhost:9000/jwks" }, ""},
		{"http elsewhere", func(o *codec.JWTOptions) { o.JWKSURL = "http://login.example.com/jwks" }, "want https (plain http is allowed on a loopback address only)"},
		{"no URL", func(o *codec.JWTOptions) { o.JWKSURL = "" }, "needs the URL of the issuer's key set"},
		{"not a URL", func(o *codec.JWTOptions) { o.JWKSURL = "login.example.com" }, "want an https URL"},
		{"no issuer", func(o *codec.JWTOptions) { o.Issuer = "" }, `needs the issuer tokens must have ("iss")`},
		{"no audience", func(o *codec.JWTOptions) { o.Audience = nil }, `needs the audience tokens must have ("aud")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			_, err := codec.NewJWTAuth(o)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	// A key set that cannot be fetched is an error at Refresh, and at a
	// request.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	o := ok
	o.JWKSURL = srv.URL + "/jwks"
	a, err := codec.NewJWTAuth(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Refresh(t.Context()); err == nil || !strings.Contains(err.Error(), "fetch JWKS "+srv.URL+"/jwks: status 404 Not Found") {
		t.Fatalf("refresh: %v", err)
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTokenAuth(t *testing.T) {
	const tok1, tok2 = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	auth, err := codec.LoadTokenAuth(writeFile(t, "# codec server tokens\n"+tok1+"\n\n  "+tok2+"  \n"))
	if err != nil {
		t.Fatal(err)
	}
	aes := newCodec(t, testKey, "k1")
	enc := secretPayloads(t, aes)
	tests := []struct {
		name, auth, wantErr string
	}{
		{"first token", "Bearer " + tok1, ""},
		{"second token", "Bearer " + tok2, ""},
		{"no token", "", "no credentials"},
		{"wrong token", "Bearer " + strings.Repeat("x", 32), "bearer token is not a token of this server"},
		{"prefix of a token", "Bearer " + tok1[:20], "bearer token is not a token of this server"},
		{"token without scheme", tok1, `authorization scheme "` + tok1 + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter := &countingCodec{PayloadCodec: aes}
			h := codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Auth: auth}, counter)
			checkAuth(t, authCall(t, h, tt.auth, enc), counter, tt.wantErr)
		})
	}

	// Encode asks for credentials too, and the Go SDK's remote codec can
	// send them.
	srv := httptest.NewServer(codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Auth: auth}, aes))
	defer srv.Close()
	in := []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"x"`)}}
	if _, err := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL}).Encode(in); err == nil || !strings.Contains(err.Error(), `Unauthorized: {"error":"codec server: unauthorized: no credentials: send \"Authorization: Bearer <token>\""}`) {
		t.Fatalf("encode without a token: %v", err)
	}
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL, ModifyRequest: func(r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+tok2)
		return nil
	}})
	if out, err := remote.Encode(in); err != nil || string(out[0].Metadata["encryption-key-id"]) != "k1" {
		t.Fatalf("encode with a token: %v, %v", out, err)
	}

	for _, tt := range []struct{ text, wantErr string }{
		{"", "no bearer token"},
		{"# only a comment\n", "no bearer token"},
		{"short\n", "bearer token of 5 characters: want at least 16"},
	} {
		if _, err := codec.LoadTokenAuth(writeFile(t, tt.text)); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: err = %v, want %q", tt.text, err, tt.wantErr)
		}
	}
	if _, err := codec.LoadTokenAuth(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "does not exist; make one with: openssl rand -hex 32 >") {
		t.Errorf("missing file: %v", err)
	}
}

// TestAnyOf checks a server that takes a token (for the CLI) or a JWT (for
// the Web UI), and that a CORS preflight needs neither.
func TestAnyOf(t *testing.T) {
	iss := newIssuer(t)
	ecK := ecKey(t)
	iss.publish("ec-1", &ecK.PublicKey, jose.ES256)
	jwtAuth, err := codec.NewJWTAuth(codec.JWTOptions{JWKSURL: iss.url, Issuer: testIssuer, Audience: []string{testAudience}})
	if err != nil {
		t.Fatal(err)
	}
	tokAuth, err := codec.NewTokenAuth("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	aes := newCodec(t, testKey, "k1")
	enc := secretPayloads(t, aes)
	counter := &countingCodec{PayloadCodec: aes}
	h := codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Auth: codec.AnyOf(tokAuth, jwtAuth)}, counter)

	checkAuth(t, authCall(t, h, "", enc), counter, "no credentials")
	checkAuth(t, authCall(t, h, "Bearer nope-nope-nope-nope", enc), counter, "bearer token is not a token of this server; bearer token is not a signed JWT")
	checkAuth(t, authCall(t, h, "Bearer 0123456789abcdef0123456789abcdef", enc), counter, "")
	checkAuth(t, authCall(t, h, "Bearer "+sign(t, jose.ES256, "ec-1", ecK, claimsAt(testIssuer, testAudience, time.Hour)), enc), counter, "")

	// The Web UI's preflight: no credentials, as browsers send it.
	req := httptest.NewRequest(http.MethodOptions, "/decode", nil)
	req.Header.Set("Origin", "https://cloud.temporal.io")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://cloud.temporal.io" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "authorization") {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
}
