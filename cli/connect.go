package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/tsworker/tsworker/client"
	"github.com/tsworker/tsworker/worker"
)

// connFlags are the flags that say how to reach a Temporal server. Each
// falls back to the temporal CLI's environment variable.
type connFlags struct {
	address, namespace                    string
	tlsCert, tlsKey, tlsCA, tlsServerName string
	apiKey, identity                      string
	tls, tlsDisableHostVerification       bool
	profile, configFile                   string
}

func (f *connFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.address, "address", "", "Temporal frontend `HOST:PORT` (env "+client.EnvAddress+"; default "+client.DefaultHostPort+")")
	fs.StringVarP(&f.namespace, "namespace", "n", "", "namespace `NS` (env "+client.EnvNamespace+"; default "+client.DefaultNamespace+")")
	fs.StringVar(&f.apiKey, "api-key", "", "API `KEY` for Temporal Cloud; turns on TLS (env "+client.EnvAPIKey+")")
	fs.BoolVar(&f.tls, "tls", false, "use TLS; on by default with an API key or any --tls-* flag, --tls=false turns it off (env "+client.EnvTLS+")")
	fs.StringVar(&f.tlsCert, "tls-cert-path", "", "client certificate `FILE` (PEM) for mTLS (env "+client.EnvTLSCert+")")
	fs.StringVar(&f.tlsKey, "tls-key-path", "", "client private key `FILE` (PEM) for mTLS (env "+client.EnvTLSKey+")")
	fs.StringVar(&f.tlsCA, "tls-ca-path", "", "CA certificates `FILE` (PEM) to verify the server with (env "+client.EnvTLSCA+")")
	fs.StringVar(&f.tlsServerName, "tls-server-name", "", "`NAME` to verify the server's certificate against (env "+client.EnvTLSServerName+")")
	fs.BoolVar(&f.tlsDisableHostVerification, "tls-disable-host-verification", false, "do not verify the server's certificate; for testing only (env "+client.EnvTLSDisableHostVerification+")")
	fs.StringVar(&f.identity, "identity", "", "`NAME` of this worker in the server's records (default: pid@host)")
	fs.StringVar(&f.profile, "profile", "", "`NAME` of the profile in the Temporal config file to connect with (env "+client.EnvProfile+"; default \"default\")")
	fs.StringVar(&f.configFile, "config-file", "", "Temporal environment config `FILE` (TOML) holding the profiles (env "+client.EnvConfigFile+"; default: temporalio/temporal.toml in the user's config directory)")
}

// options merges the config file's profile, the environment and the flags;
// flags win, then the environment.
func (f *connFlags) options(fs *pflag.FlagSet) (client.Options, error) {
	env, err := client.OptionsFromProfile(client.ProfileOptions{ConfigFile: f.configFile, Profile: f.profile})
	if err != nil {
		return client.Options{}, err
	}
	flags := client.Options{
		HostPort:                   f.address,
		Namespace:                  f.namespace,
		TLSCertPath:                f.tlsCert,
		TLSKeyPath:                 f.tlsKey,
		TLSCAPath:                  f.tlsCA,
		TLSServerName:              f.tlsServerName,
		TLSDisableHostVerification: f.tlsDisableHostVerification,
		APIKey:                     f.apiKey,
		Identity:                   f.identity,
	}
	if fs.Changed("tls") {
		flags.TLS = client.TLSDisabled
		if f.tls {
			flags.TLS = client.TLSEnabled
		}
	}
	return client.Merge(env, flags).WithDefaults(), nil
}

// withDiagnostics gives the client the hooks with which diag explains
// workflow tasks failed by non-determinism (see worker.Diagnostics).
func withDiagnostics(o client.Options, diag *worker.Diagnostics) client.Options {
	o.Logger = diag.Logger(o.Logger)
	o.SDK.FailureConverter = diag.FailureConverter(o.SDK.FailureConverter)
	return o
}

// dial connects and checks the namespace exists, so a typo in it is one
// clear line now rather than a stream of poller errors later.
func dial(ctx context.Context, opts client.Options) (sdkclient.Client, error) {
	c, err := client.Dial(ctx, opts)
	if err != nil {
		return nil, err
	}
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: opts.Namespace})
	var notFound *serviceerror.NamespaceNotFound
	if errors.As(err, &notFound) {
		c.Close()
		return nil, fmt.Errorf("namespace %q does not exist on the Temporal server at %s; pass --namespace with an existing one, or create it (temporal operator namespace create %s)",
			opts.Namespace, opts.HostPort, opts.Namespace)
	}
	// Other errors (say, an API key allowed to run workers but not to
	// describe namespaces) are left for the worker to meet.
	return c, nil
}

// logLevels are the values of --log-level.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

const logOff = "off"

// parseLogLevel reads --log-level; off is reported by ok false.
func parseLogLevel(s string) (level slog.Level, ok bool, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == logOff || s == "none" {
		return 0, false, nil
	}
	l, found := logLevels[s]
	if !found {
		return 0, false, fmt.Errorf("--log-level %q: want debug, info, warn, error or off", s)
	}
	return l, true, nil
}

// newSDKLogger returns the Go SDK logger for --log-level: slog text lines
// on w. A level of off discards everything.
func newSDKLogger(w io.Writer, levelFlag string) (sdklog.Logger, error) {
	return newFormatLogger(w, levelFlag, "text")
}

// newFormatLogger returns the Go SDK logger for --log-level and --log-format:
// slog text lines, or JSON objects, on w. A level of off discards
// everything. Workflow records carry the attributes the Go SDK adds
// (Namespace, TaskQueue, WorkerID, WorkflowType, WorkflowID, RunID,
// Attempt) and those of the JS call.
func newFormatLogger(w io.Writer, levelFlag, format string) (sdklog.Logger, error) {
	level, on, err := parseLogLevel(levelFlag)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "text", "":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", format)
	}
	if !on {
		h = slog.DiscardHandler
	}
	return sdklog.NewStructuredLogger(slog.New(h)), nil
}
