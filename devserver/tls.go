package devserver

import (
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"time"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/rpc/encryption"
	"go.temporal.io/server/temporal"
)

// A server started with Options.TLS serves its frontend (gRPC and HTTP)
// with that configuration. Its own parts do not hold a client certificate
// the frontend would accept, so they talk to a second, plain frontend the
// Temporal server provides for this ("internal-frontend"): the system
// worker (scheduled and batch workflows, namespace deletion) and the Web UI
// use it, and Start waits for it. History and matching stay plain too, as
// every internode connection of a dev server does.

// checkTLS reports, before anything starts, a TLS configuration that could
// not serve a handshake.
func checkTLS(c *tls.Config) error {
	if len(c.Certificates) == 0 && c.GetCertificate == nil && c.GetConfigForClient == nil {
		return errors.New("start dev server: Options.TLS has no server certificate; set its Certificates (tls.LoadX509KeyPair) or GetCertificate")
	}
	if c.ClientAuth >= tls.VerifyClientCertIfGiven && c.ClientCAs == nil && c.GetConfigForClient == nil {
		return errors.New("start dev server: Options.TLS verifies client certificates but has no ClientCAs; set ClientCAs to the CA that signs them")
	}
	return nil
}

// useTLS turns on TLS for the frontend: it adds the plain internal frontend
// at internal to cfg and hosts, and returns the server options that apply
// the TLS configuration. Options given after them in temporal.NewServer
// must not override the services or the TLS provider.
func useTLS(c *tls.Config, cfg *config.Config, hosts map[primitives.ServiceName]static.Hosts, ip string, port int) []temporal.ServerOption {
	name := string(primitives.InternalFrontendService)
	var sc config.Service
	sc.RPC.GRPCPort = port
	sc.RPC.BindOnIP = ip
	cfg.Services[name] = sc
	hosts[primitives.InternalFrontendService] = static.SingleLocalHost(net.JoinHostPort(ip, strconv.Itoa(port)))
	// With an internal frontend, the system worker finds it through
	// membership and connects with the internode (plain) configuration; an
	// explicit public client address is not allowed then.
	cfg.PublicClient.HostPort = ""
	services := append(append([]string{}, temporal.DefaultServices...), name)
	return []temporal.ServerOption{
		temporal.ForServices(services),
		temporal.WithTLSConfigFactory(frontendTLS{c.Clone()}),
	}
}

// frontendTLS gives the frontend its TLS configuration and leaves every
// other connection plain.
type frontendTLS struct{ server *tls.Config }

var _ encryption.TLSConfigProvider = frontendTLS{}

func (p frontendTLS) GetFrontendServerConfig() (*tls.Config, error)          { return p.server, nil }
func (frontendTLS) GetFrontendClientConfig() (*tls.Config, error)            { return nil, nil }
func (frontendTLS) GetInternodeServerConfig() (*tls.Config, error)           { return nil, nil }
func (frontendTLS) GetInternodeClientConfig() (*tls.Config, error)           { return nil, nil }
func (frontendTLS) GetRemoteClusterClientConfig(string) (*tls.Config, error) { return nil, nil }

func (frontendTLS) GetExpiringCerts(time.Duration) (expiring, expired encryption.CertExpirationMap, err error) {
	return encryption.CertExpirationMap{}, encryption.CertExpirationMap{}, nil
}
