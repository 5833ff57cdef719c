package codec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

// DefaultUIOrigins are the Web UI origins NewHTTPHandler lets call the codec
// server from a browser: Temporal Cloud's UI, and any port of localhost,
// 127.0.0.1 and [::1] (the Web UI of `tsworker dev` and of a local Temporal
// server). An entry is an exact origin, an origin ending in ":*" for any
// port of that scheme and host, or "*" for any origin.
var DefaultUIOrigins = []string{
	"https://cloud.temporal.io",
	"http://localhost:*",
	"http://127.0.0.1:*",
	"http://[::1]:*",
}

// MaxRequestBytes caps the body of a codec request. The Web UI sends the
// payloads of one event or one page of events at a time.
const MaxRequestBytes = 64 << 20

// NewHTTPHandler returns a codec server: POST .../encode and .../decode
// take and return {"payloads": [...]} in the protobuf JSON form, as the
// Temporal Web UI (Settings > Codec Server), the temporal CLI
// (--codec-endpoint) and the Go SDK's converter.NewRemotePayloadCodec
// expect. Any path prefix is accepted, so one server may serve
// https://codec.example.com/{namespace}/decode. Requests from a browser
// are allowed from DefaultUIOrigins only (CORS).
//
// It asks for no credentials: anyone who reaches it can decrypt with it.
// Serve it on a loopback address only, or use NewHTTPHandlerWithOptions
// with an Authenticator.
func NewHTTPHandler(codecs ...converter.PayloadCodec) http.Handler {
	return NewHTTPHandlerWithOptions(HTTPOptions{}, codecs...)
}

// NewHTTPHandlerWithOrigins is NewHTTPHandler with the Web UI origins
// allowed to call it from a browser (see DefaultUIOrigins for the forms an
// origin may take). Requests without an Origin header (the temporal CLI,
// Go programs) are always served; a browser request from any other origin
// is refused with 403.
func NewHTTPHandlerWithOrigins(origins []string, codecs ...converter.PayloadCodec) http.Handler {
	return NewHTTPHandlerWithOptions(HTTPOptions{Origins: origins}, codecs...)
}

// HTTPOptions configures a codec server made by NewHTTPHandlerWithOptions.
type HTTPOptions struct {
	// Origins are the Web UI origins allowed to call the server from a
	// browser (see DefaultUIOrigins for the forms an origin may take).
	// Nil means DefaultUIOrigins.
	Origins []string
	// Auth checks the credentials of every encode and decode request
	// before its body is read; a request it refuses gets 401 and a JSON
	// body {"error": "..."}. CORS preflight requests (OPTIONS), which
	// browsers send without credentials, are answered without it. Nil
	// means no credentials are asked for: only for a server on a loopback
	// address. See TokenAuth, JWTAuth and AnyOf.
	Auth Authenticator
}

// NewHTTPHandlerWithOptions is NewHTTPHandler with options: the allowed
// Web UI origins, and the credentials requests must carry.
func NewHTTPHandlerWithOptions(opts HTTPOptions, codecs ...converter.PayloadCodec) http.Handler {
	origins := opts.Origins
	if origins == nil {
		origins = DefaultUIOrigins
	}
	return &httpHandler{
		origins: append([]string(nil), origins...),
		auth:    opts.Auth,
		next:    converter.NewPayloadCodecHTTPHandler(codecs...),
	}
}

type httpHandler struct {
	origins []string
	auth    Authenticator // nil: none
	next    http.Handler
}

func (h *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	if origin := r.Header.Get("Origin"); origin != "" {
		hdr.Add("Vary", "Origin")
		if !originAllowed(h.origins, origin) {
			http.Error(w, fmt.Sprintf("codec server: origin %s is not allowed (tsworker codec-server --ui-origin %s allows it)", origin, origin), http.StatusForbidden)
			return
		}
		// The Web UI may send cookies (its "include credentials" setting),
		// which a wildcard origin would not allow.
		hdr.Set("Access-Control-Allow-Origin", origin)
		hdr.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions {
		hdr.Add("Vary", "Access-Control-Request-Headers")
		hdr.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		allow := "Content-Type, X-Namespace, Authorization"
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			allow = req
		}
		hdr.Set("Access-Control-Allow-Headers", allow)
		if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
			// Chrome asks before a public page (Temporal Cloud's UI) calls a
			// server on the user's machine.
			hdr.Set("Access-Control-Allow-Private-Network", "true")
		}
		hdr.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if h.auth != nil {
		if err := h.auth.Authenticate(r); err != nil {
			unauthorized(w, err)
			return
		}
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
	}
	h.next.ServeHTTP(w, r)
}

// unauthorized answers a request whose credentials were refused.
func unauthorized(w http.ResponseWriter, err error) {
	hdr := w.Header()
	challenge := `Bearer realm="codec server"`
	if !errors.Is(err, ErrNoCredentials) {
		challenge += `, error="invalid_token"`
	}
	hdr.Set("WWW-Authenticate", challenge)
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{"error": "codec server: unauthorized: " + err.Error()})
}

// originAllowed matches origin against the allowed patterns.
func originAllowed(patterns []string, origin string) bool {
	origin = strings.TrimSuffix(origin, "/")
	for _, p := range patterns {
		p = strings.TrimSuffix(p, "/")
		switch {
		case p == "*" || strings.EqualFold(p, origin):
			return true
		case strings.HasSuffix(p, ":*"):
			base := p[:len(p)-2]
			if strings.EqualFold(base, origin) {
				return true
			}
			if len(origin) > len(base)+1 && strings.EqualFold(origin[:len(base)+1], base+":") && allDigits(origin[len(base)+1:]) {
				return true
			}
		}
	}
	return false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
