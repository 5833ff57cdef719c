// Package devserver runs a complete Temporal server inside the current process,
// for development and tests: SQLite persistence (in memory unless a file is
// given), the "default" namespace ready to use, and optionally the Temporal
// Web UI.
//
//	srv, err := devserver.Start(ctx, devserver.Options{UI: true})
//	if err != nil { ... }
//	defer srv.Stop()
//	c, err := client.Dial(ctx, client.Options{HostPort: srv.FrontendHostPort()}) // package tsworker/client
package devserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// DefaultNamespace is the namespace every dev server creates.
const DefaultNamespace = "default"

// Options configures a dev server. The zero value is ready to use: in-memory
// SQLite, frontend on a free port of 127.0.0.1, no Web UI.
type Options struct {
	// IP is the address the frontend (and the UI) bind to. Optional; default
	// "127.0.0.1".
	IP string
	// Port is the frontend gRPC port. Optional; zero picks a free port.
	Port int
	// DBFile keeps the server's state in a SQLite file that survives
	// restarts. Optional; empty keeps everything in memory.
	DBFile string
	// UI starts the Temporal Web UI.
	UI bool
	// UIPort is the Web UI's HTTP port when UI is set. Optional; zero means
	// Port+1000 when that is free, else a free port.
	UIPort int
	// Namespaces are created in addition to "default". Optional.
	Namespaces []string
	// SearchAttributes are custom search attributes registered on every
	// namespace, by name. Optional.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's logs. Optional; nil discards them.
	Logger *slog.Logger
	// LogLevel filters the server's logs. Optional; zero means Info, but
	// only when Logger is set.
	LogLevel slog.Level
	// DynamicConfig overrides server dynamic config keys
	// (e.g. "frontend.enableUpdateWorkflowExecution"). Optional.
	DynamicConfig map[string]any
	// StartTimeout bounds how long Start waits for the frontend to answer.
	// Optional; zero means 30s.
	StartTimeout time.Duration
	// TLS serves the frontend with TLS: it needs a server certificate, and
	// with ClientAuth set to tls.RequireAndVerifyClientCert and ClientCAs,
	// it is mTLS. Optional; nil serves plain gRPC. Connections inside the
	// server (and the Web UI's) stay plain, on a second frontend port of IP.
	TLS *tls.Config
	// UICodecEndpoint is the URL of a codec server (see package codec) the
	// Web UI calls from the browser to decode payloads. Optional.
	UICodecEndpoint string
	// NexusEndpoints are created once the server is ready (an endpoint
	// that already exists in DBFile is kept). Server.CreateNexusEndpoint
	// creates more later. Optional.
	NexusEndpoints []NexusEndpoint
}

// Server is a running embedded Temporal server. It is safe for concurrent
// use; Stop may be called more than once.
type Server struct {
	frontend string
	internal string // plain frontend of a TLS server; else frontend
	uiAddr   string
	server   temporal.Server
	ui       *uiserver.Server
	stopOnce sync.Once
}

// Start starts a Temporal server and returns when its frontend answers
// requests for the default namespace. ctx bounds the start only.
func Start(ctx context.Context, opts Options) (*Server, error) {
	// Ports picked free can be taken by another process before the server
	// binds them (another dev server starting, say): pick again.
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, opts)
		if err == nil || attempt == 3 {
			return s, err
		}
		if !strings.Contains(err.Error(), "address already in use") && !errors.Is(err, errServerPanicked) {
			return s, err
		}
	}
}

// errServerPanicked is what startTemporalServer returns when the Temporal
// server panicked while starting. Server 1.32.1 does so, instead of
// returning an error, when its HTTP API port was taken between being picked
// and being bound (frontend.NewHTTPAPIServer gets a nil listener).
var errServerPanicked = errors.New("the Temporal server panicked while starting")

// startTemporalServer builds and starts the Temporal server, turning a
// panic of the server's start into errServerPanicked.
func startTemporalServer(opts Options, port, internalPort int) (srv temporal.Server, err error) {
	defer func() {
		if p := recover(); p != nil {
			srv, err = nil, fmt.Errorf("%w (a port it was given may have been taken meanwhile): %v", errServerPanicked, p)
		}
	}()
	srv, err = newTemporalServer(opts, port, internalPort)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return srv, nil
}

func start(ctx context.Context, opts Options) (*Server, error) {
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 30 * time.Second
	}
	port := opts.Port
	if port == 0 {
		p, err := FreePort(opts.IP)
		if err != nil {
			return nil, err
		}
		port = p
	} else if err := checkPortFree(opts.IP, port); err != nil {
		return nil, fmt.Errorf("start dev server: frontend port %d is in use (%v); pick another port or stop the program using it", port, err)
	}
	var uiAddr string
	if opts.UI {
		uiPort := opts.UIPort
		switch {
		case uiPort == 0 && port+1000 <= 65535 && checkPortFree(opts.IP, port+1000) == nil:
			uiPort = port + 1000
		case uiPort == 0:
			p, err := FreePort(opts.IP)
			if err != nil {
				return nil, err
			}
			uiPort = p
		default:
			if err := checkPortFree(opts.IP, uiPort); err != nil {
				return nil, fmt.Errorf("start dev server: UI port %d is in use (%v); pick another port or stop the program using it", uiPort, err)
			}
		}
		uiAddr = net.JoinHostPort(opts.IP, strconv.Itoa(uiPort))
	}
	if opts.DBFile != "" {
		if err := checkDBFile(opts.DBFile); err != nil {
			return nil, err
		}
	}

	s := &Server{frontend: net.JoinHostPort(opts.IP, strconv.Itoa(port)), uiAddr: uiAddr}
	s.internal = s.frontend
	internalPort := 0
	if opts.TLS != nil {
		if err := checkTLS(opts.TLS); err != nil {
			return nil, err
		}
		p, err := FreePort(opts.IP)
		if err != nil {
			return nil, err
		}
		internalPort = p
		s.internal = net.JoinHostPort(opts.IP, strconv.Itoa(p))
	}
	srv, err := startTemporalServer(opts, port, internalPort)
	if err != nil {
		return nil, fmt.Errorf("start dev server: %w", err)
	}
	s.server = srv
	if uiAddr != "" {
		s.ui = newUIServer(uiAddr, s.internal, opts.UICodecEndpoint)
		go func() { _ = s.ui.Start() }()
	}
	if err := waitReady(ctx, s.internal, opts.StartTimeout); err != nil {
		s.Stop()
		return nil, fmt.Errorf("start dev server: %w", err)
	}
	for _, e := range opts.NexusEndpoints {
		if err := s.CreateNexusEndpoint(ctx, e); err != nil && status.Code(errors.Unwrap(err)) != codes.AlreadyExists {
			s.Stop()
			return nil, fmt.Errorf("start dev server: %w", err)
		}
	}
	return s, nil
}

// FrontendHostPort returns the host:port of the gRPC frontend, the address
// SDK clients and workers connect to.
func (s *Server) FrontendHostPort() string { return s.frontend }

// UIAddress returns the Web UI's URL, or "" when the UI is off.
func (s *Server) UIAddress() string {
	if s.uiAddr == "" {
		return ""
	}
	return "http://" + s.uiAddr
}

// Stop stops the UI and the server. In-memory state is lost.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.ui != nil {
			s.ui.Stop()
		}
		if s.server != nil {
			_ = s.server.Stop()
		}
	})
}

func newUIServer(addr, frontend, codecEndpoint string) *uiserver.Server {
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	return uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: frontend,
		EnableUI:            true,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		HideLogs:            true,
		DisableNewsFetch:    true,
		Codec:               uiconfig.Codec{Endpoint: codecEndpoint},
	}))
}

// newTemporalServer configures the server; internalPort is the plain
// frontend's port when opts.TLS is set.
func newTemporalServer(opts Options, port, internalPort int) (temporal.Server, error) {
	ports := make(map[string]int, 4)
	ports["frontend"] = port
	for _, svc := range []string{"frontendHTTP", "history", "matching", "worker"} {
		p, err := FreePort(opts.IP)
		if err != nil {
			return nil, err
		}
		ports[svc] = p
	}
	sqlCfg, err := sqlConfig(opts)
	if err != nil {
		return nil, err
	}
	hostPort := func(p int) string { return net.JoinHostPort(opts.IP, strconv.Itoa(p)) }

	var cfg config.Config
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = opts.IP
	cfg.Persistence.DefaultStore = "sqlite"
	cfg.Persistence.VisibilityStore = "sqlite"
	cfg.Persistence.NumHistoryShards = 1
	cfg.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlCfg}}
	cfg.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        "active",
		CurrentClusterName:       "active",
		ClusterInformation: map[string]cluster.ClusterInformation{
			"active": {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             hostPort(port),
				HTTPAddress:            hostPort(ports["frontendHTTP"]),
				ClusterID:              "tsworker-dev",
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{}
	for _, svc := range []string{"frontend", "history", "matching", "worker"} {
		var sc config.Service
		sc.RPC.GRPCPort = ports[svc]
		sc.RPC.BindOnIP = opts.IP
		if svc == "frontend" {
			sc.RPC.HTTPPort = ports["frontendHTTP"]
		}
		cfg.Services[svc] = sc
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	cfg.PublicClient.HostPort = hostPort(port)

	logger := newServerLogger(opts.Logger, opts.LogLevel)
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("claim mapper: %w", err)
	}
	dyn := dynamicconfig.StaticClient{
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8192,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// Fire short timers on time (the default lets them slip up to 1s).
		dynamicconfig.TimerProcessorMaxTimeShift.Key():                         50 * time.Millisecond,
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
	}
	for k, v := range nexusDynamicConfig(opts.IP, ports["frontendHTTP"]) {
		dyn[dynamicconfig.MakeKey(k)] = v
	}
	for k, v := range opts.DynamicConfig {
		dyn[dynamicconfig.MakeKey(k)] = v
	}
	hosts := func(p int) static.Hosts { return static.SingleLocalHost(hostPort(p)) }
	staticHosts := map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: hosts(port),
		primitives.HistoryService:  hosts(ports["history"]),
		primitives.MatchingService: hosts(ports["matching"]),
		primitives.WorkerService:   hosts(ports["worker"]),
	}
	serverOpts := []temporal.ServerOption{
		temporal.WithConfig(&cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dyn),
	}
	if opts.TLS != nil {
		serverOpts = append(serverOpts, useTLS(opts.TLS, &cfg, staticHosts, opts.IP, internalPort)...)
	}
	return temporal.NewServer(serverOpts...)
}

func sqlConfig(opts Options) (*config.SQL, error) {
	c := &config.SQL{PluginName: sqliteplugin.PluginName}
	if opts.DBFile == "" {
		c.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		// Each in-memory server gets its own database, so several can run
		// in one process.
		c.DatabaseName = fmt.Sprintf("tsworker-%d-%d", os.Getpid(), time.Now().UnixNano())
	} else {
		c.ConnectAttributes = map[string]string{"mode": "rwc"}
		c.DatabaseName = opts.DBFile
		if _, err := os.Stat(opts.DBFile); errors.Is(err, os.ErrNotExist) {
			if err := sqliteschema.SetupSchema(c); err != nil {
				return nil, fmt.Errorf("create schema in %s: %w", opts.DBFile, err)
			}
		}
	}
	names := append([]string{DefaultNamespace}, opts.Namespaces...)
	nss := make([]*sqliteschema.NamespaceConfig, 0, len(names))
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		ns, err := sqliteschema.NewNamespaceConfig("active", name, false, opts.SearchAttributes)
		if err != nil {
			return nil, fmt.Errorf("namespace %q: %w", name, err)
		}
		nss = append(nss, ns)
	}
	if err := sqliteschema.CreateNamespaces(c, nss...); err != nil {
		return nil, fmt.Errorf("create namespaces: %w", err)
	}
	return c, nil
}

// checkDBFile reports early, in one line, a database file that cannot be
// created or written.
func checkDBFile(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("start dev server: database file %s: directory %s does not exist; create it first", path, dir)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("start dev server: database file %s is not writable: %w", path, err)
	}
	st, _ := f.Stat()
	_ = f.Close()
	if st != nil && st.Size() == 0 {
		// An empty file is treated as new: the schema is created below.
		_ = os.Remove(path)
	}
	return nil
}

func waitReady(ctx context.Context, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("connect to frontend %s: %w", addr, err)
	}
	defer conn.Close()
	svc := workflowservice.NewWorkflowServiceClient(conn)
	for {
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = svc.DescribeNamespace(rctx, &workflowservice.DescribeNamespaceRequest{Namespace: DefaultNamespace})
		rcancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("frontend %s not ready after %v: %w", addr, timeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FreePort returns a TCP port on ip that is free now.
func FreePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", ip, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func checkPortFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	return l.Close()
}
