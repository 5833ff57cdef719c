package devserver

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	nexuspb "go.temporal.io/api/nexus/v1"
	"go.temporal.io/api/operatorservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// NexusEndpoint is a Nexus endpoint that routes the operations workflows
// call through it to the Nexus services a worker of TaskQueue registers.
type NexusEndpoint struct {
	// Name is the endpoint's name, as workflows give it
	// (createNexusServiceClient({ endpoint })).
	Name string
	// TaskQueue is where the handler worker polls.
	TaskQueue string
	// Namespace of the handler worker. Optional; default "default".
	Namespace string
}

// ParseNexusEndpoint reads "name=taskQueue" or "name=namespace/taskQueue".
func ParseNexusEndpoint(s string) (NexusEndpoint, error) {
	name, target, ok := strings.Cut(s, "=")
	if !ok || name == "" || target == "" {
		return NexusEndpoint{}, fmt.Errorf("nexus endpoint %q: want name=taskQueue or name=namespace/taskQueue", s)
	}
	e := NexusEndpoint{Name: name, TaskQueue: target}
	if ns, tq, ok := strings.Cut(target, "/"); ok {
		e.Namespace, e.TaskQueue = ns, tq
	}
	return e, nil
}

// nexusDynamicConfig is the dynamic config Nexus needs on a dev server.
// Endpoints that target a worker (all CreateNexusEndpoint makes) complete
// asynchronous operations through the server's internal callback; the
// callback URL template and the allowed callback addresses matter for
// endpoints with an external URL target only, and are set so that those
// work locally too.
func nexusDynamicConfig(ip string, httpPort int) map[string]any {
	return map[string]any{
		"component.nexusoperations.callback.endpoint.template": "http://" + net.JoinHostPort(ip, strconv.Itoa(httpPort)) +
			"/namespaces/{{.NamespaceName}}/nexus/callback",
		"callback.allowedAddresses": []any{map[string]any{"Pattern": "*", "AllowInsecure": true}},
	}
}

// CreateNexusEndpoint creates a Nexus endpoint on the server, targeting
// e.TaskQueue of e.Namespace. It is the operator service's
// CreateNexusEndpoint call (as `temporal operator nexus endpoint create`).
func (s *Server) CreateNexusEndpoint(ctx context.Context, e NexusEndpoint) error {
	conn, err := grpc.NewClient(s.internal, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("create nexus endpoint %s: connect to %s: %w", e.Name, s.internal, err)
	}
	defer conn.Close()
	return createNexusEndpoint(ctx, operatorservice.NewOperatorServiceClient(conn), e)
}

func createNexusEndpoint(ctx context.Context, op operatorservice.OperatorServiceClient, e NexusEndpoint) error {
	if e.Name == "" || e.TaskQueue == "" {
		return fmt.Errorf("create nexus endpoint %q: name and task queue are required", e.Name)
	}
	ns := e.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	_, err := op.CreateNexusEndpoint(ctx, &operatorservice.CreateNexusEndpointRequest{Spec: &nexuspb.EndpointSpec{
		Name: e.Name,
		Target: &nexuspb.EndpointTarget{Variant: &nexuspb.EndpointTarget_Worker_{
			Worker: &nexuspb.EndpointTarget_Worker{Namespace: ns, TaskQueue: e.TaskQueue},
		}},
	}})
	if err != nil {
		return fmt.Errorf("create nexus endpoint %s (namespace %s, task queue %s): %w", e.Name, ns, e.TaskQueue, err)
	}
	return nil
}
