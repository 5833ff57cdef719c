package codec_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/tsworker/tsworker/codec"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func newCodec(t *testing.T, key []byte, id string) *codec.AESGCM {
	t.Helper()
	c, err := codec.NewAESGCM(key, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAESGCMRoundTrip(t *testing.T) {
	c := newCodec(t, testKey, "k1")
	dc := converter.GetDefaultDataConverter()
	var in []*commonpb.Payload
	for _, v := range []any{"top secret", map[string]any{"card": "4242"}, []byte{1, 2, 3}, nil} {
		p, err := dc.ToPayload(v)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, p)
	}
	enc, err := c.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range enc {
		if got := string(p.Metadata["encoding"]); got != "binary/encrypted" {
			t.Errorf("%d: encoding %q", i, got)
		}
		if got := string(p.Metadata["encryption-key-id"]); got != "k1" {
			t.Errorf("%d: key id %q", i, got)
		}
		if len(p.Metadata) != 2 || bytes.Contains(p.Data, []byte("secret")) || bytes.Contains(p.Data, []byte("json/plain")) {
			t.Errorf("%d: leaks plain text: %v", i, p)
		}
	}
	again, _ := c.Encode(in[:1])
	if bytes.Equal(again[0].Data, enc[0].Data) {
		t.Error("two encryptions of one payload are equal: the nonce is not random")
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if !proto.Equal(in[i], dec[i]) {
			t.Errorf("%d: got %v, want %v", i, dec[i], in[i])
		}
	}
}

func TestAESGCMDecodeErrors(t *testing.T) {
	c := newCodec(t, testKey, "k1")
	plain := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"x"`)}
	enc, err := c.Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	tampered := proto.Clone(enc[0]).(*commonpb.Payload)
	tampered.Data[len(tampered.Data)-1] ^= 1
	short := proto.Clone(enc[0]).(*commonpb.Payload)
	short.Data = short.Data[:5]

	tests := []struct {
		name    string
		c       *codec.AESGCM
		p       *commonpb.Payload
		wantErr string
	}{
		{name: "not encrypted passes through", c: c, p: plain},
		{name: "other key id", c: newCodec(t, bytes.Repeat([]byte{8}, 32), "k2"), p: enc[0],
			wantErr: `payload encrypted with key "k1", but this codec has key "k2"`},
		{name: "same id, other key", c: newCodec(t, bytes.Repeat([]byte{8}, 32), "k1"), p: enc[0],
			wantErr: `decrypt payload with key "k1": cipher: message authentication failed (the key is wrong or the payload was altered)`},
		{name: "altered", c: c, p: tampered, wantErr: "message authentication failed"},
		{name: "too short", c: c, p: short, wantErr: "encrypted payload of 5 bytes is too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.c.Decode([]*commonpb.Payload{tt.p})
			if tt.wantErr == "" {
				if err != nil || !proto.Equal(out[0], plain) {
					t.Fatalf("got %v, %v", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewAESGCM(t *testing.T) {
	if _, err := codec.NewAESGCM(make([]byte, 10), ""); err == nil || !strings.Contains(err.Error(), "AES key of 10 bytes: want 32") {
		t.Fatalf("err = %v", err)
	}
	c := newCodec(t, testKey, "")
	if c.KeyID() != codec.KeyID(testKey) || !strings.HasPrefix(c.KeyID(), "sha256:") || len(c.KeyID()) != len("sha256:")+16 {
		t.Fatalf("default key id %q", c.KeyID())
	}
	if codec.KeyID(testKey) == codec.KeyID(make([]byte, 32)) {
		t.Fatal("two keys share an id")
	}
}

func TestParseKey(t *testing.T) {
	hex32 := strings.Repeat("0a", 32)
	tests := []struct {
		in      string
		want    int // key length
		wantErr string
	}{
		{in: hex32 + "\n", want: 32},
		{in: strings.Repeat("0a", 16), want: 16},
		{in: "  " + strings.ToUpper(hex32) + "  ", want: 32},
		{in: "CgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo=", want: 32},
		{in: "CgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo", want: 32},
		{in: "", wantErr: "empty key"},
		{in: strings.Repeat("0a", 10), wantErr: "hex key of 10 bytes; want a 256-bit key as 64 hex digits"},
		{in: "aGVsbG8=", wantErr: "base64 key of 5 bytes"},
		{in: "not a key!", wantErr: "not hex or base64"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := codec.ParseKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(k) != tt.want {
				t.Fatalf("got %d bytes, %v; want %d", len(k), err, tt.want)
			}
		})
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "codec.key")
	if err := os.WriteFile(p, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := codec.LoadKey(p)
	if err != nil || len(k) != 32 || k[0] != 0xab {
		t.Fatalf("got %x, %v", k, err)
	}
	_, err = codec.LoadKey(filepath.Join(dir, "nope.key"))
	if err == nil || !strings.Contains(err.Error(), "nope.key does not exist; want a 256-bit key as 64 hex digits (make one with: openssl rand -hex 32 > codec.key)") {
		t.Fatalf("err = %v", err)
	}
}

// post sends payloads to the handler as the Web UI does.
func post(t *testing.T, h http.Handler, path, origin string, ps []*commonpb.Payload) *httptest.ResponseRecorder {
	t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func payloadsOf(t *testing.T, rec *httptest.ResponseRecorder) []*commonpb.Payload {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var out commonpb.Payloads
	if err := protojson.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response %s: %v", rec.Body, err)
	}
	return out.Payloads
}

func TestHTTPHandlerRoundTrip(t *testing.T) {
	h := codec.NewHTTPHandler(newCodec(t, testKey, "k1"))
	in := []*commonpb.Payload{
		{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`{"secret":"s3cr3t"}`)},
		{Metadata: map[string][]byte{"encoding": []byte("binary/null")}},
	}
	enc := payloadsOf(t, post(t, h, "/encode", "http://127.0.0.1:8233", in))
	if len(enc) != 2 || string(enc[0].Metadata["encoding"]) != "binary/encrypted" || bytes.Contains(enc[0].Data, []byte("s3cr3t")) {
		t.Fatalf("encode: %v", enc)
	}
	// A path prefix (say, the namespace) is fine.
	dec := payloadsOf(t, post(t, h, "/default/decode", "", enc))
	for i := range in {
		if !proto.Equal(in[i], dec[i]) {
			t.Fatalf("decode %d: got %v, want %v", i, dec[i], in[i])
		}
	}
	// The Go SDK's remote codec speaks the same protocol.
	srv := httptest.NewServer(h)
	defer srv.Close()
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL})
	dec, err := remote.Decode(enc)
	if err != nil || !proto.Equal(dec[0], in[0]) {
		t.Fatalf("remote decode: %v, %v", dec, err)
	}
	// The response is what the Web UI reads: base64 data and metadata.
	var raw struct {
		Payloads []struct {
			Metadata map[string]string `json:"metadata"`
			Data     string            `json:"data"`
		} `json:"payloads"`
	}
	rec := post(t, h, "/decode", "", enc)
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil || raw.Payloads[0].Metadata["encoding"] != "anNvbi9wbGFpbg==" {
		t.Fatalf("decode response %s: %v", rec.Body, err)
	}
}

func TestHTTPHandlerCORS(t *testing.T) {
	h := codec.NewHTTPHandler(newCodec(t, testKey, "k1"))
	custom := codec.NewHTTPHandlerWithOrigins([]string{"https://temporal.example.com"}, newCodec(t, testKey, "k1"))
	preflight := func(h http.Handler, origin string, extra map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/decode", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		for k, v := range extra {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name   string
		h      http.Handler
		origin string
		allow  bool
	}{
		{"local dev UI", h, "http://127.0.0.1:8233", true},
		{"localhost any port", h, "http://localhost:9000", true},
		{"IPv6 loopback", h, "http://[::1]:8233", true},
		{"Temporal Cloud", h, "https://cloud.temporal.io", true},
		{"another site", h, "https://evil.example.com", false},
		{"lookalike host", h, "http://localhost.evil.example.com", false},
		{"port that is not a number", h, "http://localhost:80@evil.example.com", false},
		{"configured origin", custom, "https://temporal.example.com", true},
		{"default origin not configured", custom, "http://127.0.0.1:8233", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := preflight(tt.h, tt.origin, map[string]string{"Access-Control-Request-Headers": "content-type,x-namespace"})
			got := rec.Header().Get("Access-Control-Allow-Origin")
			if !tt.allow {
				if rec.Code != http.StatusForbidden || got != "" {
					t.Fatalf("preflight: status %d, allow-origin %q", rec.Code, got)
				}
				post := post(t, tt.h, "/decode", tt.origin, nil)
				if post.Code != http.StatusForbidden || !strings.Contains(post.Body.String(), "--ui-origin "+tt.origin) {
					t.Fatalf("post: status %d: %s", post.Code, post.Body)
				}
				return
			}
			if rec.Code != http.StatusNoContent || got != tt.origin ||
				rec.Header().Get("Access-Control-Allow-Credentials") != "true" ||
				!strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") ||
				rec.Header().Get("Access-Control-Allow-Headers") != "content-type,x-namespace" {
				t.Fatalf("preflight: status %d, headers %v", rec.Code, rec.Header())
			}
			post := post(t, tt.h, "/decode", tt.origin, nil)
			if post.Code != http.StatusOK || post.Header().Get("Access-Control-Allow-Origin") != tt.origin {
				t.Fatalf("post: status %d, headers %v", post.Code, post.Header())
			}
		})
	}

	rec := preflight(h, "https://cloud.temporal.io", map[string]string{"Access-Control-Request-Private-Network": "true"})
	if rec.Header().Get("Access-Control-Allow-Private-Network") != "true" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Fatalf("private network preflight: %v", rec.Header())
	}
}

func TestHTTPHandlerBadRequests(t *testing.T) {
	h := codec.NewHTTPHandler(newCodec(t, testKey, "k1"))
	other := newCodec(t, bytes.Repeat([]byte{9}, 32), "k9")
	enc, err := other.Encode([]*commonpb.Payload{{Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	rec := post(t, h, "/decode", "", enc)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `payload encrypted with key "k9"`) {
		t.Fatalf("wrong key: status %d: %s", rec.Code, rec.Body)
	}
	for _, tt := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodGet, "/decode", "", http.StatusNotFound},
		{http.MethodPost, "/other", "{}", http.StatusNotFound},
		{http.MethodPost, "/decode", "not json", http.StatusBadRequest},
	} {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			b, _ := io.ReadAll(rec.Body)
			t.Errorf("%s %s: status %d (%s), want %d", tt.method, tt.path, rec.Code, b, tt.want)
		}
	}
}

// sealByHand encrypts p in the format every version of the codec writes,
// with crypto/aes directly: a 12-byte nonce, then the AES-GCM seal of the
// payload's protobuf encoding. keyID "" leaves the key id out, as codecs
// that do not record one do.
func sealByHand(t *testing.T, key []byte, keyID string, p *commonpb.Payload) *commonpb.Payload {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	nonce := bytes.Repeat([]byte{9}, gcm.NonceSize())
	md := map[string][]byte{"encoding": []byte("binary/encrypted")}
	if keyID != "" {
		md["encryption-key-id"] = []byte(keyID)
	}
	return &commonpb.Payload{Metadata: md, Data: gcm.Seal(nonce, nonce, plain, nil)}
}

func TestAESGCMKeyRotation(t *testing.T) {
	key1, key2, key3 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 16)
	plain := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"s3cr3t"`)}

	// Before the rotation: one key.
	before := newCodec(t, key1, "2025-01")
	enc1, err := before.Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	// After: key 2 is added last, so it encrypts; key 1 still decrypts.
	after, err := codec.NewAESGCMKeys(codec.Key{ID: "2025-01", Key: key1}, codec.Key{ID: "2025-07", Key: key2})
	if err != nil {
		t.Fatal(err)
	}
	if after.KeyID() != "2025-07" || !reflect.DeepEqual(after.KeyIDs(), []string{"2025-01", "2025-07"}) {
		t.Fatalf("ids %q %q", after.KeyID(), after.KeyIDs())
	}
	enc2, err := after.Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(enc2[0].Metadata["encryption-key-id"]); got != "2025-07" {
		t.Fatalf("encrypted with %q, want the newest key", got)
	}
	// Payloads of earlier versions, written by hand: with the default
	// (fingerprint) id, with no id, and with a named id.
	defaultID, err := codec.NewAESGCMKeys(codec.Key{ID: "2025-07", Key: key2}, codec.Key{Key: key3})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		c       *codec.AESGCM
		p       *commonpb.Payload
		wantErr string
	}{
		{"old key, new codec", after, enc1[0], ""},
		{"new key, new codec", after, enc2[0], ""},
		{"new key, old codec", before, enc2[0], `payload encrypted with key "2025-07", but this codec has key "2025-01"; add that key to decrypt it`},
		{"earlier version, named key", after, sealByHand(t, key1, "2025-01", plain), ""},
		{"earlier version, fingerprint id", defaultID, sealByHand(t, key3, codec.KeyID(key3), plain), ""},
		{"no key id: every key is tried", after, sealByHand(t, key2, "", plain), ""},
		{"no key id, no key fits", defaultID, sealByHand(t, key1, "", plain),
			`payload without a key id: none of the keys "2025-07", "` + codec.KeyID(key3) + `" decrypts it`},
		{"unknown key", after, sealByHand(t, key3, "2024-12", plain), `payload encrypted with key "2024-12", but this codec has keys "2025-01", "2025-07"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.c.Decode([]*commonpb.Payload{tt.p})
			if tt.wantErr == "" {
				if err != nil || !proto.Equal(out[0], plain) {
					t.Fatalf("got %v, %v", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}

	if _, err := codec.NewAESGCMKeys(codec.Key{ID: "a", Key: key1}, codec.Key{ID: "a", Key: key2}); err == nil || !strings.Contains(err.Error(), `two keys have the id "a"`) {
		t.Fatalf("duplicate ids: %v", err)
	}
	if _, err := codec.NewAESGCMKeys(); err == nil || !strings.Contains(err.Error(), "no key") {
		t.Fatalf("no keys: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	hex1, hex2 := strings.Repeat("01", 32), strings.Repeat("02", 32)
	b64 := "CgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo="
	tests := []struct {
		name    string
		in      string
		want    []string // ids, "" for a key alone
		wantErr string
	}{
		{"one key alone (the single-key format)", hex1 + "\n", []string{""}, ""},
		{"one key alone, base64", b64, []string{""}, ""},
		{"ids, newest last", "# keys\n\n2025-01=" + hex1 + "\n 2025-07 = " + b64 + " \n", []string{"2025-01", "2025-07"}, ""},
		{"a key alone and a named one", hex1 + "\nnew=" + hex2, []string{"", "new"}, ""},
		{"empty", "# nothing\n", nil, "no key; want a 256-bit key"},
		{"duplicate id", "a=" + hex1 + "\na=" + hex2, nil, `line 2: key id "a" is also on line 1`},
		{"duplicate key alone", hex1 + "\n" + hex1, nil, "line 2: key id \"sha256:"},
		{"bad key", "a=" + hex1 + "\nb=abcd", nil, `line 2: key "b": hex key of 2 bytes`},
		{"no id", "=" + hex1, nil, "line 1: not hex or base64"},
		{"id with a space", "my key=" + hex1, nil, "a line is id=key or a key alone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := codec.ParseKeys(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, k := range keys {
				ids = append(ids, k.ID)
				if len(k.Key) != 32 {
					t.Errorf("key %q of %d bytes", k.ID, len(k.Key))
				}
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Fatalf("ids %q, want %q", ids, tt.want)
			}
		})
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "codec.keys")
	if err := os.WriteFile(p, []byte("old="+hex1+"\nnew="+hex2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := codec.LoadKeys(p)
	if err != nil || len(keys) != 2 || keys[1].ID != "new" || keys[1].Key[0] != 2 {
		t.Fatalf("LoadKeys: %v, %v", keys, err)
	}
	if _, err := codec.LoadKeys(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "does not exist; want a 256-bit key") {
		t.Fatalf("missing file: %v", err)
	}
}
