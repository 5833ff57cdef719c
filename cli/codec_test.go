package cli_test

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

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
