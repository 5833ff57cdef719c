package devserver

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func TestParseNexusEndpoint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want NexusEndpoint
		bad  bool
	}{
		{in: "ep=queue", want: NexusEndpoint{Name: "ep", TaskQueue: "queue"}},
		{in: "ep=ns/queue", want: NexusEndpoint{Name: "ep", Namespace: "ns", TaskQueue: "queue"}},
		{in: "ep", bad: true},
		{in: "=queue", bad: true},
		{in: "ep=", bad: true},
	} {
		got, err := ParseNexusEndpoint(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParseNexusEndpoint(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

// TestNexusEndpoints checks that Start creates the endpoints of
// Options.NexusEndpoints, targeting their task queues.
func TestNexusEndpoints(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := Start(ctx, Options{NexusEndpoints: []NexusEndpoint{{Name: "ep-a", TaskQueue: "qa"}, {Name: "ep-b", TaskQueue: "qb"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := srv.CreateNexusEndpoint(ctx, NexusEndpoint{Name: "ep-c", TaskQueue: "qc"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateNexusEndpoint(ctx, NexusEndpoint{Name: "ep-c", TaskQueue: "qc"}); err == nil {
		t.Error("creating endpoint ep-c twice: want an error")
	}
	conn, err := grpc.NewClient(srv.FrontendHostPort(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := operatorservice.NewOperatorServiceClient(conn).ListNexusEndpoints(ctx, &operatorservice.ListNexusEndpointsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range resp.GetEndpoints() {
		w := e.GetSpec().GetTarget().GetWorker()
		got[e.GetSpec().GetName()] = w.GetNamespace() + "/" + w.GetTaskQueue()
	}
	want := map[string]string{"ep-a": "default/qa", "ep-b": "default/qb", "ep-c": "default/qc"}
	if len(got) != len(want) {
		t.Fatalf("endpoints: got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("endpoint %s: got %q, want %q", k, got[k], v)
		}
	}
}
