package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.temporal.io/sdk/converter"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/codec"
	"github.com/tsworker/tsworker/worker"
)

// DefaultCodecPort is the port `tsworker codec-server` listens on unless
// told otherwise, as in Temporal's codec server samples.
const DefaultCodecPort = 8081

type codecServerFlags struct {
	key             codecFlags
	ip              string
	port            int
	origins         []string
	tlsCert, tlsKey string
}

func newCodecServerCommand() *cobra.Command {
	var f codecServerFlags
	cmd := &cobra.Command{
		Use:   "codec-server --key-file FILE",
		Short: "Serve the payload codec over HTTP, so the Web UI and the temporal CLI show decrypted payloads",
		Long: `Serve the AES-GCM payload codec of --key-file over HTTP: POST /encode and
/decode (under any path prefix), as the Temporal Web UI (Settings > Codec Server), the
temporal CLI (--codec-endpoint) and Temporal Cloud's UI expect. It decodes the payloads
of workers and clients that encrypt with the same key (the Go package
github.com/tsworker/tsworker/codec).

Browsers may call it from the Web UI origins given with --ui-origin (default: any port
of localhost, 127.0.0.1 and [::1], and https://cloud.temporal.io). Anyone who can reach
the server can decrypt payloads with it: keep it on 127.0.0.1, or serve it with TLS
behind something that authenticates users.`,
		Example: `  # A key, once: 64 hex digits, readable by you only
  openssl rand -hex 32 > codec.key && chmod 600 codec.key

  # Serve it for the Web UI of 'tsworker dev' (set http://127.0.0.1:8081 in Settings > Codec Server)
  tsworker codec-server --key-file codec.key

  # For the Temporal Cloud UI only, over HTTPS
  tsworker codec-server --key-file codec.key --ui-origin https://cloud.temporal.io \
    --tls-cert-path codec.pem --tls-key-path codec-key.pem --ip 0.0.0.0 --port 443`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCodecServer(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fs := cmd.Flags()
	f.key.add(fs, "")
	fs.StringVar(&f.ip, "ip", "127.0.0.1", "`ADDRESS` to listen on")
	fs.IntVarP(&f.port, "port", "p", DefaultCodecPort, "`PORT` to listen on; 0 picks a free one")
	fs.StringSliceVar(&f.origins, "ui-origin", nil, "Web UI `URL` (scheme://host[:port]) allowed to call the server from a browser; repeat for more, \"*\" for any (default: local UIs and https://cloud.temporal.io)")
	fs.StringVar(&f.tlsCert, "tls-cert-path", "", "serve HTTPS with this certificate `FILE` (PEM)")
	fs.StringVar(&f.tlsKey, "tls-key-path", "", "private key `FILE` (PEM) of --tls-cert-path")
	return cmd
}

func runCodecServer(ctx context.Context, stdout io.Writer, f codecServerFlags) error {
	switch {
	case f.key.keyFile == "":
		return errors.New("--key-file is required: the AES key file to encrypt and decrypt with (make one with: openssl rand -hex 32 > codec.key)")
	case f.port < 0 || f.port > 65535:
		return fmt.Errorf("--port %d: want a TCP port, 1 to 65535 (or 0 for a free one)", f.port)
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return errors.New("--tls-cert-path and --tls-key-path go together: give both to serve HTTPS, or neither")
	}
	for _, o := range f.origins {
		if err := checkOrigin(o); err != nil {
			return err
		}
	}
	aes, err := f.key.codec()
	if err != nil {
		return err
	}
	origins := f.origins
	if len(origins) == 0 {
		origins = codec.DefaultUIOrigins
	}
	addr := net.JoinHostPort(f.ip, strconv.Itoa(f.port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) {
			err = op.Err
		}
		return fmt.Errorf("codec server: cannot listen on %s (%v); pass --port with another port, or --ip with another address", addr, err)
	}
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + l.Addr().String()
	fmt.Fprintf(stdout, "Codec server: %s (key %s)\n", url, aes.KeyID())
	fmt.Fprintf(stdout, "  Web UI origins: %s\n", strings.Join(origins, ", "))
	fmt.Fprintf(stdout, "  In the Web UI: Settings > Codec Server > %s\n", url)
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	return serveHTTP(ctx, l, codec.NewHTTPHandlerWithOrigins(origins, aes), f.tlsCert, f.tlsKey)
}

// checkOrigin rejects a --ui-origin that is not an origin, which would
// never match what a browser sends.
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok || (scheme != "http" && scheme != "https") || rest == "" || strings.ContainsAny(strings.TrimSuffix(rest, "/"), "/?#") {
		return fmt.Errorf("--ui-origin %q: want an origin such as https://temporal.example.com or http://localhost:8233 (scheme, host and port only)", o)
	}
	return nil
}

// serveHTTP serves h on l until ctx is done, then lets requests in flight
// finish (for up to 5s).
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler, certFile, keyFile string) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		if certFile != "" {
			done <- srv.ServeTLS(l, certFile, keyFile)
		} else {
			done <- srv.Serve(l)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("codec server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	return nil
}

// codecFlags are the flags of the payload codec a command's clients and
// workers encrypt payloads with: --codec-key-file and --codec-key-id on
// dev and run, --key-file and --key-id on codec-server.
type codecFlags struct {
	keyFile, keyID string
	prefix         string // of the flag names
}

func (f *codecFlags) add(fs *pflag.FlagSet, prefix string) {
	f.prefix = prefix
	fs.StringVar(&f.keyFile, prefix+"key-file", "", "encrypt and decrypt payloads with the AES-GCM key in `FILE` (64 hex digits; make one with: openssl rand -hex 32)")
	fs.StringVar(&f.keyID, prefix+"key-id", "", "`ID` recorded in encrypted payloads (default: a fingerprint of the key)")
}

// codec loads the key; it is nil without a key file.
func (f *codecFlags) codec() (*codec.AESGCM, error) {
	if f.keyFile == "" {
		if f.keyID != "" {
			return nil, fmt.Errorf("--%skey-id needs --%skey-file", f.prefix, f.prefix)
		}
		return nil, nil
	}
	key, err := codec.LoadKey(f.keyFile)
	if err != nil {
		return nil, err
	}
	return codec.NewAESGCM(key, f.keyID)
}

// payloadCodec is what --codec-key-file gives a command: the data
// converter its clients and workers share, and the codec itself.
type payloadCodec struct {
	aes *codec.AESGCM
	dc  converter.DataConverter
}

// load returns the codec of the flags, or nil without a key file.
func (f *codecFlags) load() (*payloadCodec, error) {
	aes, err := f.codec()
	if aes == nil || err != nil {
		return nil, err
	}
	return &payloadCodec{aes: aes, dc: converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), aes)}, nil
}

// apply makes a client encrypt with the codec: payloads, and the messages
// and details of failures. A nil codec changes nothing.
func (p *payloadCodec) apply(o client.Options) client.Options {
	if p == nil {
		return o
	}
	o.SDK.DataConverter = p.dc
	o.SDK.FailureConverter = codec.FailureConverter(p.dc)
	return o
}

// loadOptions are the options to load workflows with, so the engine
// decodes what the Go SDK hands it undecoded (signals).
func (p *payloadCodec) loadOptions() worker.LoadOptions {
	if p == nil {
		return worker.LoadOptions{}
	}
	return worker.LoadOptions{DataConverter: p.dc}
}

// serve serves the codec for the Web UI of `tsworker dev` on a free port of
// ip, until ctx is done. It returns the endpoint to give the UI.
func (p *payloadCodec) serve(ctx context.Context, ip string) (string, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return "", fmt.Errorf("codec server for the Web UI: %w", err)
	}
	go func() { _ = serveHTTP(ctx, l, codec.NewHTTPHandler(p.aes), "", "") }()
	host := ip
	if a := net.ParseIP(ip); a != nil && a.IsUnspecified() {
		host = "127.0.0.1" // what the browser on this machine reaches
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(l.Addr().(*net.TCPAddr).Port)), nil
}
