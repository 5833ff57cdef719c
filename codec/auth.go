package codec

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// An Authenticator checks the credentials of a codec request before
// anything in it is encoded or decoded. It returns nil to let the request
// in, or an error saying why not, which the client is shown.
type Authenticator interface {
	Authenticate(r *http.Request) error
}

// ErrNoCredentials is the error of a request without an
// "Authorization: Bearer ..." header.
var ErrNoCredentials = errors.New(`no credentials: send "Authorization: Bearer <token>"`)

// bearer returns the token of the request's Authorization header.
func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", ErrNoCredentials
	}
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", fmt.Errorf(`authorization scheme %q: want "Bearer <token>"`, scheme)
	}
	return tok, nil
}

// MinTokenLength is the least length of a token LoadTokens accepts.
const MinTokenLength = 16

// TokenAuth lets in requests whose bearer token is one of its tokens: for
// the temporal CLI (--codec-auth "Bearer <token>") and programs
// (converter.RemotePayloadCodecOptions.ModifyRequest). Tokens are compared
// in constant time.
type TokenAuth struct {
	sums [][sha256.Size]byte
}

// NewTokenAuth returns an Authenticator that accepts any of tokens, each
// at least MinTokenLength characters long.
func NewTokenAuth(tokens ...string) (*TokenAuth, error) {
	if len(tokens) == 0 {
		return nil, errors.New("codec: no bearer token; make one with: openssl rand -hex 32")
	}
	a := &TokenAuth{}
	for _, t := range tokens {
		if len(t) < MinTokenLength || strings.ContainsAny(t, " \t\r\n") {
			return nil, fmt.Errorf("codec: bearer token of %d characters: want at least %d, without spaces (make one with: openssl rand -hex 32)", len(t), MinTokenLength)
		}
		a.sums = append(a.sums, sha256.Sum256([]byte(t)))
	}
	return a, nil
}

// LoadTokenAuth reads the tokens of a TokenAuth from a file: one a line
// (several let clients move to a new token before the old one is
// removed); blank lines and lines starting with # are ignored. The file
// should be readable by its owner only.
func LoadTokenAuth(path string) (*TokenAuth, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("token file %s does not exist; make one with: openssl rand -hex 32 > %s", path, path)
		}
		return nil, fmt.Errorf("read token file: %w", err)
	}
	defer f.Close()
	var tokens []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			tokens = append(tokens, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read token file %s: %w", path, err)
	}
	a, err := NewTokenAuth(tokens...)
	if err != nil {
		return nil, fmt.Errorf("token file %s: %s", path, strings.TrimPrefix(err.Error(), "codec: "))
	}
	return a, nil
}

// Authenticate implements Authenticator.
func (a *TokenAuth) Authenticate(r *http.Request) error {
	tok, err := bearer(r)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(tok))
	ok := 0
	for _, s := range a.sums {
		ok |= subtle.ConstantTimeCompare(sum[:], s[:])
	}
	if ok != 1 {
		return errors.New("bearer token is not a token of this server")
	}
	return nil
}

// JWTOptions configures a JWTAuth.
type JWTOptions struct {
	// JWKSURL is where the issuer publishes the keys it signs tokens with
	// (a JSON Web Key Set); for Temporal Cloud,
	// https://login.tmprl.cloud/.well-known/jwks.json. Required. It must be
	// https, except on a loopback address.
	JWKSURL string
	// Issuer is the "iss" claim a token must have. Required.
	Issuer string
	// Audience holds the values a token's "aud" claim may have; one match
	// is enough. Required.
	Audience []string
	// Leeway is the clock skew allowed when checking "exp", "nbf" and
	// "iat". Zero means 30 seconds.
	Leeway time.Duration
	// CacheFor is how long fetched keys are used before they are fetched
	// again. Zero means 15 minutes.
	CacheFor time.Duration
	// MinRefetch is the least time between two fetches caused by a token
	// signed with a key id the cached set does not have (the issuer
	// rotated its keys), so forged key ids cannot make the server fetch
	// without end. Zero means 10 seconds.
	MinRefetch time.Duration
	// HTTPClient fetches the keys. Nil means a client with a 10-second
	// timeout.
	HTTPClient *http.Client
}

// jwtAlgorithms are the signature algorithms a token may use: RSA,
// RSA-PSS, ECDSA and Ed25519. Never "none", never HMAC (whose key would be
// public here).
var jwtAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.EdDSA,
}

// maxJWKSBytes caps the size of a fetched key set.
const maxJWKSBytes = 1 << 20

// JWTAuth lets in requests whose bearer token is a JWT signed by a key of
// the issuer's key set, with the expected issuer and audience, and not
// expired: the access token the Temporal Web UI sends with "Pass access
// token" (Settings > Codec Server), and that Temporal Cloud's UI sends. The
// key set is fetched when first needed, cached, and fetched again when a
// token names a key id it does not hold. It is safe for concurrent use.
type JWTAuth struct {
	opts JWTOptions

	fetch sync.Mutex // held while fetching, so one fetch serves all waiting requests

	mu      sync.Mutex // guards the fields below
	keys    []jose.JSONWebKey
	fetched time.Time // of the keys
	tried   time.Time // last fetch, good or not
}

// NewJWTAuth returns a JWTAuth; it fetches nothing until Refresh or the
// first request.
func NewJWTAuth(opts JWTOptions) (*JWTAuth, error) {
	u, err := url.Parse(opts.JWKSURL)
	switch {
	case opts.JWKSURL == "":
		return nil, errors.New("codec: JWT authentication needs the URL of the issuer's key set (JWKS)")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return nil, fmt.Errorf("codec: JWKS URL %q: want an https URL", opts.JWKSURL)
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return nil, fmt.Errorf("codec: JWKS URL %q: want https (plain http is allowed on a loopback address only): keys fetched in plain text could be replaced", opts.JWKSURL)
	case opts.Issuer == "":
		return nil, errors.New("codec: JWT authentication needs the issuer tokens must have (\"iss\")")
	case len(opts.Audience) == 0:
		return nil, errors.New("codec: JWT authentication needs the audience tokens must have (\"aud\")")
	}
	if opts.Leeway == 0 {
		opts.Leeway = 30 * time.Second
	}
	if opts.CacheFor == 0 {
		opts.CacheFor = 15 * time.Minute
	}
	if opts.MinRefetch == 0 {
		opts.MinRefetch = 10 * time.Second
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	opts.Audience = append([]string(nil), opts.Audience...)
	return &JWTAuth{opts: opts}, nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Refresh fetches the key set now, so a wrong URL shows at start rather
// than at the first request.
func (a *JWTAuth) Refresh(ctx context.Context) error {
	a.fetch.Lock()
	defer a.fetch.Unlock()
	return a.refresh(ctx)
}

// refresh fetches the key set; a.fetch is held.
func (a *JWTAuth) refresh(ctx context.Context) error {
	a.mu.Lock()
	a.tried = time.Now()
	a.mu.Unlock()
	keys, err := a.get(ctx)
	if err != nil {
		return fmt.Errorf("fetch JWKS %s: %w", a.opts.JWKSURL, err)
	}
	a.mu.Lock()
	a.keys, a.fetched = keys, time.Now()
	a.mu.Unlock()
	return nil
}

func (a *JWTAuth) get(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.opts.JWKSURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("key set over %d bytes", maxJWKSBytes)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, k := range set.Keys {
		if k.IsPublic() && k.Valid() && (k.Use == "" || k.Use == "sig") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no public signing key in the key set")
	}
	return keys, nil
}

// keysFor returns the cached keys that may have signed a token with kid
// and alg, fetching the key set first when it is stale or lacks kid (at
// most once per MinRefetch, so neither forged key ids nor an issuer that
// is down make it fetch on every request).
func (a *JWTAuth) keysFor(ctx context.Context, kid, alg string) ([]jose.JSONWebKey, error) {
	match := func() []jose.JSONWebKey {
		a.mu.Lock()
		defer a.mu.Unlock()
		var out []jose.JSONWebKey
		for _, k := range a.keys {
			if (kid == "" || k.KeyID == kid) && (k.Algorithm == "" || k.Algorithm == alg) {
				out = append(out, k)
			}
		}
		return out
	}
	stale := func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.fetched.IsZero() || time.Since(a.fetched) > a.opts.CacheFor
	}
	mayRefetch := func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return time.Since(a.tried) >= a.opts.MinRefetch
	}
	if keys := match(); len(keys) > 0 && !stale() {
		return keys, nil
	}
	a.fetch.Lock()
	defer a.fetch.Unlock()
	// Another request may have fetched while this one waited.
	if keys := match(); len(keys) > 0 && !stale() {
		return keys, nil
	}
	var fetchErr error
	if mayRefetch() {
		fetchErr = a.refresh(ctx)
	}
	if keys := match(); len(keys) > 0 {
		return keys, nil // a failed fetch keeps the keys fetched before
	}
	if fetchErr != nil {
		return nil, fetchErr
	}
	a.mu.Lock()
	noKeys := a.fetched.IsZero()
	a.mu.Unlock()
	if noKeys {
		return nil, fmt.Errorf("the issuer's key set could not be fetched from %s; retrying in %s at most", a.opts.JWKSURL, a.opts.MinRefetch)
	}
	if kid != "" {
		return nil, fmt.Errorf("token signed with key %q, which is not in the issuer's key set", kid)
	}
	return nil, fmt.Errorf("no key of the issuer's key set is for %s", alg)
}

// Authenticate implements Authenticator.
func (a *JWTAuth) Authenticate(r *http.Request) error {
	raw, err := bearer(r)
	if err != nil {
		return err
	}
	tok, err := jwt.ParseSigned(raw, jwtAlgorithms)
	if err != nil {
		return fmt.Errorf("bearer token is not a signed JWT (RS256, ES256, PS256, EdDSA and kin): %w", err)
	}
	if len(tok.Headers) != 1 {
		return errors.New("bearer token has several signatures")
	}
	h := tok.Headers[0]
	keys, err := a.keysFor(r.Context(), h.KeyID, h.Algorithm)
	if err != nil {
		return fmt.Errorf("JWT: %w", err)
	}
	var claims jwt.Claims
	verified := false
	for _, k := range keys {
		if err := tok.Claims(k.Key, &claims); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return errors.New("JWT: signature does not verify with the issuer's keys")
	}
	if claims.Expiry == nil {
		return errors.New(`JWT: no expiry ("exp")`)
	}
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: a.opts.Issuer, AnyAudience: a.opts.Audience}, a.opts.Leeway)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return fmt.Errorf("JWT: issuer %q is not %q", claims.Issuer, a.opts.Issuer)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return fmt.Errorf("JWT: audience %q is not %q", []string(claims.Audience), a.opts.Audience)
	case errors.Is(err, jwt.ErrExpired):
		return fmt.Errorf("JWT: expired at %s", claims.Expiry.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet):
		return fmt.Errorf("JWT: not valid before %s", claims.NotBefore.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return fmt.Errorf("JWT: issued in the future, at %s", claims.IssuedAt.Time().UTC().Format(time.RFC3339))
	default:
		return fmt.Errorf("JWT: %w", err)
	}
}

// AnyOf returns an Authenticator that lets a request in when one of auths
// does: say, a TokenAuth for the temporal CLI and a JWTAuth for the Web UI.
func AnyOf(auths ...Authenticator) Authenticator {
	return anyOf(append([]Authenticator(nil), auths...))
}

type anyOf []Authenticator

func (as anyOf) Authenticate(r *http.Request) error {
	var errs []string
	for _, a := range as {
		err := a.Authenticate(r)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrNoCredentials) {
			return err // the same for every one
		}
		errs = append(errs, err.Error())
	}
	if len(errs) == 0 {
		return errors.New("no authenticator")
	}
	return errors.New(strings.Join(errs, "; "))
}
