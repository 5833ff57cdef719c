package examples_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/examples-js/hello"
	"github.com/tsworker/tsworker/examples-js/saga"
	"github.com/tsworker/tsworker/examples-js/timer"
	"github.com/tsworker/tsworker/worker"
)

// The examples run on one embedded server per test binary.
var (
	testClient client.Client
	queueSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	// TSWORKER_TEST_NO_STICKY=1 runs the whole suite with the sticky cache
	// off, so every workflow task replays its run from history.
	if os.Getenv("TSWORKER_TEST_NO_STICKY") != "" {
		sdkworker.SetStickyWorkflowCacheSize(0)
	}
	ctx := context.Background()
	srv, err := devserver.Start(ctx, devserver.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: quietLogger{}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testClient = c
	code := m.Run()
	c.Close()
	srv.Stop()
	os.Exit(code)
}

func TestHello(t *testing.T) {
	tq := startWorker(t, "hello/workflows.ts", hello.Activities)
	var out string
	if err := execute(t, tq, "", "example", &out, "Temporal"); err != nil {
		t.Fatal(err)
	}
	if out != "Hello, Temporal!" {
		t.Fatalf("got %q", out)
	}
}

func TestTimer(t *testing.T) {
	// The server fires timers with a precision of about a second, so rather
	// than racing real durations, the late order's packing waits until its
	// delay notice is out: the workflow's timer must have won the race.
	noticed := make(chan struct{})
	var once sync.Once
	acts := maps.Clone(timer.Activities)
	acts["sendDelayNotice"] = func(ctx context.Context, n timer.DelayNotice) error {
		defer once.Do(func() { close(noticed) })
		return timer.SendDelayNotice(ctx, n)
	}
	acts["packOrder"] = func(ctx context.Context, req timer.PackRequest) (timer.Parcel, error) {
		if strings.HasPrefix(req.OrderID, "late") {
			select {
			case <-noticed:
			case <-time.After(10 * time.Second): // no notice: the test fails below
			}
		}
		return timer.PackOrder(ctx, req)
	}
	tq := startWorker(t, "timer/workflows.ts", acts)

	type order struct {
		OrderID       string `json:"orderId"`
		WorkMs        int    `json:"workMs"`
		NoticeAfterMs int    `json:"noticeAfterMs,omitempty"`
	}
	type shipment struct {
		OrderID         string `json:"orderId"`
		TrackingNumber  string `json:"trackingNumber"`
		DelayNoticeSent bool   `json:"delayNoticeSent"`
	}
	for _, tc := range []struct {
		name  string
		order order
		want  shipment
	}{
		// Packing wins the race against the default notice period of a
		// minute: no notice.
		{"on time", order{OrderID: "a-1", WorkMs: 20}, shipment{"a-1", "TRK-A-1", false}},
		// The timer wins: the customer is told, and the order still ships.
		{"late", order{OrderID: "late-2", WorkMs: 20, NoticeAfterMs: 50}, shipment{"late-2", "TRK-LATE-2", true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got shipment
			if err := execute(t, tq, "", "processOrder", &got, tc.order); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSaga(t *testing.T) {
	tq := startWorker(t, "saga/workflows.ts", saga.Activities)
	type trip struct {
		Traveler    string `json:"traveler"`
		Destination string `json:"destination"`
		FailAt      string `json:"failAt,omitempty"`
	}

	t.Run("booked", func(t *testing.T) {
		id := fmt.Sprintf("trip-ok-%d", queueSeq.Add(1))
		var got map[string]string
		if err := execute(t, tq, id, "bookTrip", &got, trip{Traveler: "Ada", Destination: "Lisbon"}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"tripId": id, "car": "car-" + id, "hotel": "hotel-" + id, "flight": "flight-" + id}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if held := saga.Held(id); len(held) != 3 {
			t.Fatalf("held bookings: %v, want all three", held)
		}
	})

	for _, tc := range []struct {
		failAt, why string
		undone      []string
	}{
		{"flight", "no seats left on flights to Lisbon", []string{"hotel", "car"}},
		{"hotel", "no rooms left in Lisbon", []string{"car"}},
		{"car", "no cars left to rent in Lisbon", nil},
	} {
		t.Run("fails at "+tc.failAt, func(t *testing.T) {
			id := fmt.Sprintf("trip-%s-%d", tc.failAt, queueSeq.Add(1))
			err := execute(t, tq, id, "bookTrip", nil, trip{Traveler: "Ada", Destination: "Lisbon", FailAt: tc.failAt})
			var app *temporal.ApplicationError
			if !errors.As(err, &app) {
				t.Fatalf("want the workflow to fail with an ApplicationError, got %v", err)
			}
			if app.Type() != "TripNotBooked" || !app.NonRetryable() || app.Message() != "trip "+id+" not booked: "+tc.why {
				t.Fatalf("got type %q nonRetryable %v message %q", app.Type(), app.NonRetryable(), app.Message())
			}
			var details struct {
				TripID string   `json:"tripId"`
				Undone []string `json:"undone"`
			}
			if err := app.Details(&details); err != nil {
				t.Fatalf("details: %v", err)
			}
			if details.TripID != id || !slices.Equal(details.Undone, tc.undone) {
				t.Fatalf("details: %+v, want undone %v", details, tc.undone)
			}
			// The cause chain keeps the activity's own failure.
			var act *temporal.ActivityError
			if !errors.As(err, &act) {
				t.Fatalf("no ActivityError in the cause chain of %v", err)
			}
			var cause *temporal.ApplicationError
			if !errors.As(act.Unwrap(), &cause) || cause.Message() != tc.why || !cause.NonRetryable() {
				t.Fatalf("activity failure cause: %v", act.Unwrap())
			}
			if held := saga.Held(id); len(held) != 0 {
				t.Fatalf("bookings still held after compensation: %v", held)
			}
		})
	}
}

// startWorker starts a worker for a workflows file and an example's
// activities on a fresh task queue.
func startWorker(t *testing.T, workflows string, activities map[string]any) string {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	w, err := worker.New(testClient, tq, worker.Options{Workflows: workflows})
	if err != nil {
		t.Fatalf("worker.New: %v", err)
	}
	for name, fn := range activities {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := w.Start(); err != nil {
		t.Fatalf("worker.Start: %v", err)
	}
	t.Cleanup(w.Stop)
	return tq
}

// execute runs a workflow to completion and decodes its result into out.
// An empty id lets the client choose one.
func execute(t *testing.T, tq, id, workflow string, out any, args ...any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := client.StartWorkflowOptions{ID: id, TaskQueue: tq}
	run, err := testClient.ExecuteWorkflow(ctx, opts, workflow, args...)
	if err != nil {
		t.Fatalf("start %s: %v", workflow, err)
	}
	return run.Get(ctx, out)
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
