// Package client connects to a Temporal server: address, namespace, TLS and
// API key, from options or from the environment variables the temporal CLI
// reads. The tsworker CLI and Go programs embedding a worker connect the same
// way.
//
//	env, err := client.OptionsFromEnv() // TEMPORAL_ADDRESS, TEMPORAL_API_KEY, ...
//	if err != nil { ... }
//	c, err := client.Dial(ctx, client.Merge(env, client.Options{Namespace: "orders"}))
//	if err != nil { ... }
//	defer c.Close()
//	out, err := client.ExecuteJSON(ctx, c, sdkclient.StartWorkflowOptions{TaskQueue: "tsworker"}, "hello", `["Temporal"]`)
//
// Dial returns a plain Go SDK client (go.temporal.io/sdk/client.Client), so
// everything the Go SDK offers works with JS workflows too.
package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/api/serviceerror"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"google.golang.org/grpc/codes"
)

// Defaults, as the temporal CLI has them.
const (
	// DefaultHostPort is the address used when none is given.
	DefaultHostPort = "localhost:7233"
	// DefaultNamespace is the namespace used when none is given.
	DefaultNamespace = "default"
)

// Environment variables read by OptionsFromEnv. The names are the temporal
// CLI's.
const (
	EnvAddress                    = "TEMPORAL_ADDRESS"
	EnvNamespace                  = "TEMPORAL_NAMESPACE"
	EnvAPIKey                     = "TEMPORAL_API_KEY"
	EnvTLS                        = "TEMPORAL_TLS"
	EnvTLSCert                    = "TEMPORAL_TLS_CERT"
	EnvTLSKey                     = "TEMPORAL_TLS_KEY"
	EnvTLSCA                      = "TEMPORAL_TLS_CA"
	EnvTLSCertData                = "TEMPORAL_TLS_CERT_DATA"
	EnvTLSKeyData                 = "TEMPORAL_TLS_KEY_DATA"
	EnvTLSCAData                  = "TEMPORAL_TLS_CA_DATA"
	EnvTLSServerName              = "TEMPORAL_TLS_SERVER_NAME"
	EnvTLSDisableHostVerification = "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"
)

// TLSMode says whether the connection uses TLS.
type TLSMode int

const (
	// TLSAuto, the zero value, uses TLS when any TLS option (certificate,
	// key, CA, server name, disabled host verification) or an API key is
	// set, as the temporal CLI does.
	TLSAuto TLSMode = iota
	// TLSEnabled always uses TLS, with the system's root CAs unless a CA is
	// given.
	TLSEnabled
	// TLSDisabled never uses TLS, even with an API key (which is then sent
	// in plain text: only for local testing).
	TLSDisabled
)

// String returns "auto", "enabled" or "disabled".
func (m TLSMode) String() string {
	switch m {
	case TLSEnabled:
		return "enabled"
	case TLSDisabled:
		return "disabled"
	default:
		return "auto"
	}
}

// Options says how to connect. The zero value connects to localhost:7233,
// namespace "default", without TLS.
type Options struct {
	// HostPort is the server's gRPC frontend. Optional; default
	// "localhost:7233".
	HostPort string
	// Namespace is the namespace clients and workers use. Optional; default
	// "default".
	Namespace string

	// TLS turns TLS on or off. Optional; the zero value, TLSAuto, turns it on
	// when any TLS field below or APIKey is set.
	TLS TLSMode
	// TLSCertPath and TLSKeyPath are the PEM files of a client certificate
	// for mTLS. Optional; set both or neither.
	TLSCertPath, TLSKeyPath string
	// TLSCertData and TLSKeyData are the same as PEM text, in place of the
	// files. Optional.
	TLSCertData, TLSKeyData string
	// TLSCAPath is a PEM file of the CA certificates that sign the server's
	// certificate. Optional; default: the system's root CAs.
	TLSCAPath string
	// TLSCAData is the same as PEM text. Optional.
	TLSCAData string
	// TLSServerName overrides the name the server's certificate is checked
	// against. Optional; default: the host of HostPort.
	TLSServerName string
	// TLSDisableHostVerification skips checking the server's certificate.
	// Only for testing.
	TLSDisableHostVerification bool

	// APIKey authenticates with an API key (Temporal Cloud). Optional; it
	// turns on TLS unless TLS is TLSDisabled.
	APIKey string
	// Identity names this client in the server's records. Optional; default:
	// the Go SDK's (process id and host name).
	Identity string
	// Logger receives the Go SDK's logs. Optional; default: the Go SDK's
	// default logger.
	Logger log.Logger

	// SDK is passed to the Go SDK as is (interceptors, metrics, header
	// providers, a custom data converter, ...). The fields above take
	// precedence over its HostPort, Namespace, Identity, Logger, Credentials
	// and ConnectionOptions.TLS. Optional.
	SDK sdkclient.Options
}

// OptionsFromEnv returns the options of the environment: the profile of the
// Temporal environment configuration file chosen by TEMPORAL_CONFIG_FILE and
// TEMPORAL_PROFILE (if there is a file; see OptionsFromProfile), with the temporal
// CLI's environment variables on top (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,
// TEMPORAL_TLS_CA, their _DATA variants, TEMPORAL_TLS_SERVER_NAME,
// TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, and the environment
// configuration's own names such as TEMPORAL_TLS_CLIENT_CERT_PATH). Unset
// variables leave fields zero; defaults are applied by Dial. A boolean
// variable that does not parse is an error.
func OptionsFromEnv() (Options, error) { return OptionsFromProfile(ProfileOptions{}) }

// legacyEnv reads the temporal CLI's environment variables.
func legacyEnv() (Options, error) {
	o := Options{
		HostPort:      os.Getenv(EnvAddress),
		Namespace:     os.Getenv(EnvNamespace),
		APIKey:        os.Getenv(EnvAPIKey),
		TLSCertPath:   os.Getenv(EnvTLSCert),
		TLSKeyPath:    os.Getenv(EnvTLSKey),
		TLSCAPath:     os.Getenv(EnvTLSCA),
		TLSCertData:   os.Getenv(EnvTLSCertData),
		TLSKeyData:    os.Getenv(EnvTLSKeyData),
		TLSCAData:     os.Getenv(EnvTLSCAData),
		TLSServerName: os.Getenv(EnvTLSServerName),
	}
	if v := os.Getenv(EnvTLS); v != "" {
		b, err := parseBool(EnvTLS, v)
		if err != nil {
			return Options{}, err
		}
		o.TLS = TLSDisabled
		if b {
			o.TLS = TLSEnabled
		}
	}
	if v := os.Getenv(EnvTLSDisableHostVerification); v != "" {
		b, err := parseBool(EnvTLSDisableHostVerification, v)
		if err != nil {
			return Options{}, err
		}
		o.TLSDisableHostVerification = b
	}
	return o, nil
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("environment variable %s=%q: want true or false", name, v)
	}
	return b, nil
}

// Merge returns base with every field that is set in over replaced by
// over's: Merge(OptionsFromEnv(), flags) gives command-line flags precedence
// over the environment. A string is set when non-empty, TLS when not
// TLSAuto, TLSDisableHostVerification when true, Logger when non-nil and SDK
// when not the zero value.
func Merge(base, over Options) Options {
	out := base
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&out.HostPort, over.HostPort)
	str(&out.Namespace, over.Namespace)
	str(&out.TLSCertPath, over.TLSCertPath)
	str(&out.TLSKeyPath, over.TLSKeyPath)
	str(&out.TLSCertData, over.TLSCertData)
	str(&out.TLSKeyData, over.TLSKeyData)
	str(&out.TLSCAPath, over.TLSCAPath)
	str(&out.TLSCAData, over.TLSCAData)
	str(&out.TLSServerName, over.TLSServerName)
	str(&out.APIKey, over.APIKey)
	str(&out.Identity, over.Identity)
	if over.TLS != TLSAuto {
		out.TLS = over.TLS
	}
	if over.TLSDisableHostVerification {
		out.TLSDisableHostVerification = true
	}
	if over.Logger != nil {
		out.Logger = over.Logger
	}
	if !reflect.ValueOf(over.SDK).IsZero() {
		out.SDK = over.SDK
	}
	return out
}

// WithDefaults returns o with the defaults filled in: HostPort
// "localhost:7233" and Namespace "default".
func (o Options) WithDefaults() Options {
	if o.HostPort == "" {
		o.HostPort = DefaultHostPort
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	return o
}

// UsesTLS reports whether a connection with these options uses TLS.
func (o Options) UsesTLS() bool {
	switch o.TLS {
	case TLSEnabled:
		return true
	case TLSDisabled:
		return false
	}
	return o.TLSCertPath != "" || o.TLSKeyPath != "" || o.TLSCertData != "" || o.TLSKeyData != "" ||
		o.TLSCAPath != "" || o.TLSCAData != "" || o.TLSServerName != "" || o.TLSDisableHostVerification ||
		o.APIKey != ""
}

// SDKOptions returns the Go SDK client options these options stand for,
// defaults applied. It reads the TLS files. Its failure converter is
// FailureConverter around the one of Options.SDK, so that workers of the
// client write JS task failures as the TypeScript SDK does, its data
// converter StackTraceConverter around the one of Options.SDK, and its
// interceptors Options.SDK's and EnhancedStackTraceInterceptor.
func (o Options) SDKOptions() (sdkclient.Options, error) {
	o = o.WithDefaults()
	so := o.SDK
	so.HostPort = o.HostPort
	so.Namespace = o.Namespace
	if o.Identity != "" {
		so.Identity = o.Identity
	}
	if o.Logger != nil {
		so.Logger = o.Logger
	}
	tlsCfg, err := o.TLSConfig()
	if err != nil {
		return sdkclient.Options{}, err
	}
	switch {
	case tlsCfg != nil:
		so.ConnectionOptions.TLS = tlsCfg
		so.ConnectionOptions.TLSDisabled = false
	case o.TLS == TLSDisabled:
		so.ConnectionOptions.TLS = nil
		so.ConnectionOptions.TLSDisabled = true
	}
	if o.APIKey != "" {
		so.Credentials = sdkclient.NewAPIKeyStaticCredentials(o.APIKey)
	}
	so.FailureConverter = FailureConverter(so.FailureConverter)
	so.DataConverter = StackTraceConverter(so.DataConverter)
	if !slices.ContainsFunc(so.Interceptors, func(i interceptor.ClientInterceptor) bool {
		_, ok := i.(*enhancedStackTraceInterceptor)
		return ok
	}) {
		so.Interceptors = append(slices.Clip(so.Interceptors), EnhancedStackTraceInterceptor())
	}
	if so.SdkName == "" {
		// The worker heartbeats the server keeps (and its Web UI's worker
		// views show) name the SDK: tsworker, on the Go SDK's core.
		so.SdkName, so.SdkVersion = SDKName, sdkVersion()
	}
	return so, nil
}

// SDKName is the SDK name workers report in their heartbeats, unless
// Options.SDK.SdkName says otherwise. The workflow task events of the
// history still name the Go SDK (temporal-go), whose core runs the
// workflows: the Go SDK sets that field itself.
const SDKName = "tsworker"

// sdkVersion is tsworker's module version from the build information, or
// "devel" for a build from a local clone.
func sdkVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	m := &bi.Main
	for _, d := range bi.Deps {
		if d.Path == "github.com/tsworker/tsworker" {
			m = d
		}
	}
	if m.Path != "github.com/tsworker/tsworker" || m.Version == "" || m.Version == "(devel)" {
		return "devel"
	}
	return m.Version
}

// Dial connects to the server and checks that it answers. A server that
// cannot be reached is one line saying so; see UnreachableError.
func Dial(ctx context.Context, opts Options) (sdkclient.Client, error) {
	so, err := opts.SDKOptions()
	if err != nil {
		return nil, err
	}
	c, err := sdkclient.DialContext(ctx, so)
	if err != nil {
		return nil, dialError(ctx, so.HostPort, err)
	}
	return c, nil
}

// UnreachableError is returned by Dial when nothing answers at the address.
type UnreachableError struct {
	HostPort string // the address dialled
	Err      error  // the gRPC error
}

// Error says what failed and what to do about it, in one line.
func (e *UnreachableError) Error() string {
	cause := shortCause(e.Err)
	hint := "is the server running? start one with `tsworker dev`"
	switch {
	case strings.Contains(cause, "does not look like a TLS handshake"):
		hint = "the server does not use TLS; turn TLS off (--tls=false, TEMPORAL_TLS=false), which an API key or a TLS option turns on"
	case strings.Contains(cause, "certificate") || strings.HasPrefix(cause, "tls: "):
		hint = "the TLS handshake failed; check the CA (--tls-ca-path) and the server name (--tls-server-name)"
	}
	return fmt.Sprintf("cannot reach Temporal at %s: %s (%s)", e.HostPort, cause, hint)
}

// Unwrap returns the Go SDK's error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// dialError turns the Go SDK's dial error into one line saying what to do.
func dialError(ctx context.Context, hostPort string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", hostPort, ctx.Err())
	}
	switch grpcCode(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return &UnreachableError{HostPort: hostPort, Err: err}
	case codes.Unauthenticated, codes.PermissionDenied:
		return fmt.Errorf("connect to Temporal at %s: %s; check the API key or the TLS client certificate", hostPort, shortCause(err))
	}
	return fmt.Errorf("connect to Temporal at %s: %w", hostPort, err)
}

func grpcCode(err error) codes.Code { return serviceerror.ToStatus(err).Code() }

// shortCause picks the part of a gRPC connection error a person needs.
func shortCause(err error) string {
	msg := err.Error()
	for _, known := range []string{"connection refused", "no such host", "i/o timeout", "network is unreachable",
		"certificate signed by unknown authority", "first record does not look like a TLS handshake",
		"certificate is valid for", "tls: "} {
		if i := strings.Index(msg, known); i >= 0 {
			s := msg[i:]
			if j := strings.IndexAny(s, "\"\n"); j >= 0 {
				s = s[:j]
			}
			return s
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || grpcCode(err) == codes.DeadlineExceeded {
		return "no answer in time"
	}
	var svcErr serviceerror.ServiceError
	if errors.As(err, &svcErr) && svcErr.Status().Message() != "" {
		return svcErr.Status().Message()
	}
	return strings.TrimPrefix(msg, "failed reaching server: ")
}

// DataConverter returns the data converter JS workflows agree with: the Go
// SDK's default, which encodes nil as binary/null, []byte as binary/plain and
// everything else as json/plain, as the TypeScript SDK does.
func DataConverter() converter.DataConverter { return converter.GetDefaultDataConverter() }
