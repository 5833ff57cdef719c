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
	tokenFile       string
	jwksURL, issuer string
	audience        []string
	insecure        bool
}

func newCodecServerCommand() *cobra.Command {
	var f codecServerFlags
	cmd := &cobra.Command{
		Use:   "codec-server --key-file FILE",
		Short: "Serve the payload codec over HTTP, so the Web UI and the temporal CLI show decrypted payloads",
		Long: `Serve the AES-GCM payload codec of --key-file over HTTP: POST /encode and
/decode (under any path prefix), as the Temporal Web UI (Settings > Codec Server), the
temporal CLI (--codec-endpoint) and Temporal Cloud's UI expect. It decodes the payloads
of workers and clients that encrypt with the same keys (the Go package
github.com/tsworker/tsworker/codec).

Keys rotate: --key-file holds one key, or several "id=key" lines, oldest first. The
last key encrypts; every key decrypts the payloads that name it.

Anyone who can call the server can decrypt payloads with it, so requests must carry
"Authorization: Bearer <token>", checked against:
  --auth-token-file   tokens in a file, one a line (for the temporal CLI's
                      --codec-auth and programs);
  --auth-jwks-url     a JWT signed by a key of this JWKS, with --auth-issuer and
                      --auth-audience (the access token the Web UI sends with "Pass
                      access token", and Temporal Cloud's UI).
Requests without valid credentials get 401 and decode nothing. Without either flag
the server asks for no credentials, and listens on a loopback address only: any
other --ip is refused unless --insecure is given.

Browsers may call it from the Web UI origins given with --ui-origin (default: any port
of localhost, 127.0.0.1 and [::1], and https://cloud.temporal.io). The Web UI sends
the access token to an https:// codec endpoint only: serve it with TLS
(--tls-cert-path) or behind a proxy that terminates TLS.`,
		Example: `  # A key, once: 64 hex digits, readable by you only
  openssl rand -hex 32 > codec.key && chmod 600 codec.key

  # Serve it for the Web UI of 'tsworker dev' on this machine (set
  # http://127.0.0.1:8081 in Settings > Codec Server)
  tsworker codec-server --key-file codec.key

  # For the temporal CLI on other machines, with a token:
  #   temporal workflow show ... --codec-endpoint https://codec.example.com --codec-auth "Bearer $(cat codec.token)"
  openssl rand -hex 32 > codec.token && chmod 600 codec.token
  tsworker codec-server --key-file codec.key --auth-token-file codec.token \
    --tls-cert-path codec.pem --tls-key-path codec-key.pem --ip 0.0.0.0 --port 8443

  # For a Web UI whose users log in with an OIDC provider ("Pass access token" on in
  # Settings > Codec Server); for Temporal Cloud's UI, the JWKS is
  # https://login.tmprl.cloud/.well-known/jwks.json and the audience https://saas-api.tmprl.cloud
  tsworker codec-server --key-file codec.key --ui-origin https://temporal.example.com \
    --auth-jwks-url https://idp.example.com/.well-known/jwks.json \
    --auth-issuer https://idp.example.com/ --auth-audience temporal-ui \
    --tls-cert-path codec.pem --tls-key-path codec-key.pem --ip 0.0.0.0 --port 443`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCodecServer(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fs := cmd.Flags()
	f.key.add(fs, "")
	fs.StringVar(&f.ip, "ip", "127.0.0.1", "`ADDRESS` to listen on; one that is not loopback needs --auth-token-file or --auth-jwks-url (or --insecure)")
	fs.IntVarP(&f.port, "port", "p", DefaultCodecPort, "`PORT` to listen on; 0 picks a free one")
	fs.StringSliceVar(&f.origins, "ui-origin", nil, "Web UI `URL` (scheme://host[:port]) allowed to call the server from a browser; repeat for more, \"*\" for any (default: local UIs and https://cloud.temporal.io)")
	fs.StringVar(&f.tlsCert, "tls-cert-path", "", "serve HTTPS with this certificate `FILE` (PEM)")
	fs.StringVar(&f.tlsKey, "tls-key-path", "", "private key `FILE` (PEM) of --tls-cert-path")
	fs.StringVar(&f.tokenFile, "auth-token-file", "", "let in requests with \"Authorization: Bearer <token>\" for a token of `FILE` (one a line, 16 characters or more; make one with: openssl rand -hex 32)")
	fs.StringVar(&f.jwksURL, "auth-jwks-url", "", "let in requests with a JWT access token signed by a key of the JWKS at `URL` (https), with --auth-issuer and --auth-audience")
	fs.StringVar(&f.issuer, "auth-issuer", "", "`ISSUER` (\"iss\" claim) a JWT must have; with --auth-jwks-url")
	fs.StringSliceVar(&f.audience, "auth-audience", nil, "`AUDIENCE` (\"aud\" claim) a JWT must have; repeat to accept several; with --auth-jwks-url")
	fs.BoolVar(&f.insecure, "insecure", false, "allow listening on an address that is not loopback without authentication: anyone who reaches the server can decrypt payloads")
	return cmd
}

// auth returns the authenticator of the --auth-* flags; nil without them.
func (f *codecServerFlags) auth(ctx context.Context) (codec.Authenticator, []string, error) {
	if f.jwksURL == "" && (f.issuer != "" || len(f.audience) > 0) {
		return nil, nil, errors.New("--auth-issuer and --auth-audience go with --auth-jwks-url: give the URL of the issuer's key set (JWKS)")
	}
	var auths []codec.Authenticator
	var desc []string
	if f.tokenFile != "" {
		a, err := codec.LoadTokenAuth(f.tokenFile)
		if err != nil {
			return nil, nil, fmt.Errorf("--auth-token-file: %w", err)
		}
		auths = append(auths, a)
		desc = append(desc, "bearer token of "+f.tokenFile)
	}
	if f.jwksURL != "" {
		if f.issuer == "" || len(f.audience) == 0 {
			return nil, nil, errors.New("--auth-jwks-url needs --auth-issuer and --auth-audience: the \"iss\" and \"aud\" claims the tokens must have")
		}
		a, err := codec.NewJWTAuth(codec.JWTOptions{JWKSURL: f.jwksURL, Issuer: f.issuer, Audience: f.audience})
		if err != nil {
			return nil, nil, fmt.Errorf("--auth-jwks-url: %s", strings.TrimPrefix(err.Error(), "codec: "))
		}
		// Fetch the keys now, so a wrong URL shows at start.
		if err := a.Refresh(ctx); err != nil {
			return nil, nil, fmt.Errorf("--auth-jwks-url: %w; check the URL", err)
		}
		auths = append(auths, a)
		desc = append(desc, fmt.Sprintf("JWT of issuer %s for audience %s (keys from %s)", f.issuer, strings.Join(f.audience, ", "), f.jwksURL))
	}
	switch len(auths) {
	case 0:
		return nil, nil, nil
	case 1:
		return auths[0], desc, nil
	}
	return codec.AnyOf(auths...), desc, nil
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
	auth, authDesc, err := f.auth(ctx)
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
	loopback := l.Addr().(*net.TCPAddr).IP.IsLoopback()
	if auth == nil && !loopback && !f.insecure {
		l.Close()
		return fmt.Errorf("codec server: --ip %s is reachable from other machines, and without authentication anyone who reaches the server can decrypt payloads; "+
			"pass --auth-token-file FILE, or --auth-jwks-url URL with --auth-issuer and --auth-audience, "+
			"or listen on 127.0.0.1 (the default); --insecure serves without authentication anyway", f.ip)
	}
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + l.Addr().String()
	keys := aes.KeyID()
	if ids := aes.KeyIDs(); len(ids) > 1 {
		keys += ", also decrypts " + strings.Join(ids[:len(ids)-1], ", ")
	}
	fmt.Fprintf(stdout, "Codec server: %s (key %s)\n", url, keys)
	fmt.Fprintf(stdout, "  Web UI origins: %s\n", strings.Join(origins, ", "))
	switch {
	case auth != nil:
		fmt.Fprintf(stdout, "  Credentials: %s\n", strings.Join(authDesc, "; or "))
		if scheme == "http" && !loopback {
			fmt.Fprintln(stdout, "  Warning: without TLS, credentials and payloads cross the network in plain text; pass --tls-cert-path and --tls-key-path, or serve behind a proxy with TLS")
		}
	case loopback:
		fmt.Fprintln(stdout, "  Credentials: none (loopback only)")
	default:
		fmt.Fprintln(stdout, "  Credentials: none (--insecure): anyone who reaches the server can decrypt payloads")
	}
	fmt.Fprintf(stdout, "  In the Web UI: Settings > Codec Server > %s\n", url)
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	h := codec.NewHTTPHandlerWithOptions(codec.HTTPOptions{Origins: origins, Auth: auth}, aes)
	return serveHTTP(ctx, l, h, f.tlsCert, f.tlsKey)
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
	fs.StringVar(&f.keyFile, prefix+"key-file", "", "encrypt and decrypt payloads with the AES-GCM keys in `FILE`: one key (64 hex digits; make one with: openssl rand -hex 32), or \"id=key\" lines, oldest first: the last encrypts, all decrypt")
	fs.StringVar(&f.keyID, prefix+"key-id", "", "`ID` recorded in encrypted payloads, for a key file of one key alone (default: a fingerprint of the key)")
}

// codec loads the key; it is nil without a key file.
func (f *codecFlags) codec() (*codec.AESGCM, error) {
	if f.keyFile == "" {
		if f.keyID != "" {
			return nil, fmt.Errorf("--%skey-id needs --%skey-file", f.prefix, f.prefix)
		}
		return nil, nil
	}
	keys, err := codec.LoadKeys(f.keyFile)
	if err != nil {
		return nil, err
	}
	if f.keyID != "" {
		if len(keys) != 1 || keys[0].ID != "" {
			return nil, fmt.Errorf("--%skey-id is for a key file of one key alone, but %s names its keys (id=key lines); drop --%skey-id", f.prefix, f.keyFile, f.prefix)
		}
		keys[0].ID = f.keyID
	}
	return codec.NewAESGCMKeys(keys...)
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

// serve serves the codec for the Web UI of `tsworker dev` on a free port,
// until ctx is done. It returns the endpoint to give the UI. It asks for no
// credentials, so it listens on loopback whatever ip the dev server has: a
// browser on this machine reaches it; for browsers elsewhere, run
// `tsworker codec-server` with authentication.
func (p *payloadCodec) serve(ctx context.Context, ip string) (string, error) {
	host := "127.0.0.1"
	if a := net.ParseIP(ip); a != nil && a.IsLoopback() {
		host = ip
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("codec server for the Web UI: %w", err)
	}
	go func() { _ = serveHTTP(ctx, l, codec.NewHTTPHandler(p.aes), "", "") }()
	return "http://" + l.Addr().String(), nil
}
