package client

import (
	"context"
	"fmt"
	"os"

	"go.temporal.io/sdk/contrib/envconfig"
)

// Environment variables that choose the Temporal environment configuration
// file and its profile, as the temporal CLI and the Temporal SDKs read them.
const (
	EnvConfigFile = "TEMPORAL_CONFIG_FILE"
	EnvProfile    = "TEMPORAL_PROFILE"
)

// ProfileOptions chooses a profile of the Temporal environment
// configuration file (TOML, as written by `temporal config set`):
//
//	[profile.prod]
//	address = "my-ns.a1b2c.tmprl.cloud:7233"
//	namespace = "my-ns.a1b2c"
//	api_key = "..."
type ProfileOptions struct {
	// ConfigFile is the file. Optional; default: TEMPORAL_CONFIG_FILE, or
	// temporalio/temporal.toml under the user's configuration directory
	// (~/.config on Linux). A default file that does not exist is no
	// error; a file named here or by TEMPORAL_CONFIG_FILE that cannot be
	// read is.
	ConfigFile string
	// Profile is the profile's name. Optional; default: TEMPORAL_PROFILE, or
	// "default". A profile named here or by TEMPORAL_PROFILE must exist.
	Profile string
}

// OptionsFromProfile returns the connection options of a profile of the Temporal
// environment configuration file with the environment variables on top:
// those of the environment configuration (TEMPORAL_ADDRESS,
// TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_GRPC_META_*, ...) and the temporal
// CLI's older TLS names read by OptionsFromEnv (TEMPORAL_TLS_CERT, ...).
// Unset values stay zero; defaults are applied by Dial. A remote codec set
// in the profile is not used: workers encode payloads themselves (see the
// codec package).
func OptionsFromProfile(po ProfileOptions) (Options, error) {
	name := po.ConfigFile
	if name == "" {
		name = os.Getenv(EnvConfigFile)
	}
	if name != "" {
		if _, err := os.Stat(name); err != nil {
			return Options{}, fmt.Errorf("temporal config file: %w; pass an existing file or unset %s", err, EnvConfigFile)
		}
	}
	prof, err := envconfig.LoadClientConfigProfile(envconfig.LoadClientConfigProfileOptions{
		ConfigFilePath:    name,
		ConfigFileProfile: po.Profile,
		EnvLookup:         nonEmptyEnv{},
	})
	if err != nil {
		if name == "" {
			name = envconfig.DefaultConfigFilePath()
		}
		return Options{}, fmt.Errorf("temporal config file %s: %w", name, err)
	}
	o := fromProfile(&prof)
	env, err := legacyEnv()
	if err != nil {
		return Options{}, err
	}
	return Merge(o, env), nil
}

// fromProfile maps a configuration profile onto Options.
func fromProfile(p *envconfig.ClientConfigProfile) Options {
	o := Options{HostPort: p.Address, Namespace: p.Namespace, APIKey: p.APIKey}
	if t := p.TLS; t != nil {
		o.TLS = TLSEnabled
		if t.Disabled {
			o.TLS = TLSDisabled
		}
		o.TLSCertPath, o.TLSCertData = t.ClientCertPath, string(t.ClientCertData)
		o.TLSKeyPath, o.TLSKeyData = t.ClientKeyPath, string(t.ClientKeyData)
		o.TLSCAPath, o.TLSCAData = t.ServerCACertPath, string(t.ServerCACertData)
		o.TLSServerName = t.ServerName
		o.TLSDisableHostVerification = t.DisableHostVerification
	}
	if len(p.GRPCMeta) > 0 {
		o.SDK.HeadersProvider = fixedHeaders(p.GRPCMeta)
	}
	o.SDK.ConnectionOptions.Authority = p.Authority
	return o
}

// fixedHeaders sends the profile's gRPC metadata with every request.
type fixedHeaders map[string]string

func (h fixedHeaders) GetHeaders(context.Context) (map[string]string, error) { return h, nil }

// nonEmptyEnv treats variables set to "" as unset, as OptionsFromEnv does.
type nonEmptyEnv struct{}

func (nonEmptyEnv) Environ() []string { return os.Environ() }

func (nonEmptyEnv) LookupEnv(key string) (string, bool) {
	v := os.Getenv(key)
	return v, v != ""
}
