package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/tsworker/tsworker/client"
)

// TestCodecFlags checks what --codec-key-file gives dev and run: the
// client's data and failure converters, the workflows' load options and a
// codec endpoint for the Web UI.
func TestCodecFlags(t *testing.T) {
	key := filepath.Join(t.TempDir(), "codec.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("01", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(args ...string) (*payloadCodec, error) {
		var f codecFlags
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		f.add(fs, "codec-")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return f.load()
	}

	none, err := parse()
	if err != nil || none != nil {
		t.Fatalf("no flags: %v, %v", none, err)
	}
	if o := none.apply(client.Options{HostPort: "x:1"}); o.SDK.DataConverter != nil || o.HostPort != "x:1" {
		t.Fatalf("no codec changed the options: %+v", o)
	}
	if none.loadOptions().DataConverter != nil {
		t.Fatal("no codec set a data converter")
	}
	if _, err := parse("--codec-key-id", "k"); err == nil || err.Error() != "--codec-key-id needs --codec-key-file" {
		t.Fatalf("id without key: %v", err)
	}

	pc, err := parse("--codec-key-file", key, "--codec-key-id", "k1")
	if err != nil {
		t.Fatal(err)
	}
	o := pc.apply(client.Options{HostPort: "x:1"})
	if o.SDK.DataConverter == nil || o.SDK.FailureConverter == nil || pc.loadOptions().DataConverter != o.SDK.DataConverter {
		t.Fatalf("options: %+v", o.SDK)
	}
	p, err := o.SDK.DataConverter.ToPayload("s3cr3t")
	if err != nil || string(p.Metadata["encryption-key-id"]) != "k1" || bytes.Contains(p.Data, []byte("s3cr3t")) {
		t.Fatalf("payload %v, %v", p, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, err := pc.serve(ctx, "0.0.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %s", endpoint)
	}
	// It asks for no credentials, so it stays on loopback whatever the dev
	// server's address is.
	for _, ip := range []string{"192.0.2.1", "::"} {
		if e, err := pc.serve(ctx, ip); err != nil || !strings.HasPrefix(e, "http://127.0.0.1:") {
			t.Fatalf("serve on %s: endpoint %s, %v", ip, e, err)
		}
	}
	if e, err := pc.serve(ctx, "::1"); err == nil && !strings.HasPrefix(e, "http://[::1]:") {
		t.Fatalf("serve on ::1: endpoint %s", e) // (no IPv6 here is fine)
	}
	body := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"InMzY3IzdCI="}]}`
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/encode", strings.NewReader(body))
	req.Header.Set("Origin", "http://127.0.0.1:8233")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8233" {
		t.Fatalf("codec endpoint: %d %v", resp.StatusCode, resp.Header)
	}
}
