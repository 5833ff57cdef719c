package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tsworker/tsworker/devserver"
	"github.com/tsworker/tsworker/examples-js/cancellation"
	childworkflows "github.com/tsworker/tsworker/examples-js/child-workflows"
	continueasnew "github.com/tsworker/tsworker/examples-js/continue-as-new"
	"github.com/tsworker/tsworker/examples-js/hello"
	"github.com/tsworker/tsworker/examples-js/messages"
	"github.com/tsworker/tsworker/examples-js/patching"
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

func TestMessages(t *testing.T) {
	t.Parallel()
	tq := startWorker(t, "messages/workflows.ts", messages.Activities)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "shoppingCart", "ada")
	if err != nil {
		t.Fatal(err)
	}
	id := run.GetID()
	type cart struct {
		CustomerID string              `json:"customerId"`
		Items      []messages.CartItem `json:"items"`
		Status     string              `json:"status"`
	}
	getCart := func() cart {
		t.Helper()
		v, err := testClient.QueryWorkflow(ctx, id, "", "getCart")
		if err != nil {
			t.Fatalf("query getCart: %v", err)
		}
		var c cart
		if err := v.Get(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	signal := func(name string, arg any) {
		t.Helper()
		if err := testClient.SignalWorkflow(ctx, id, "", name, arg); err != nil {
			t.Fatalf("signal %s: %v", name, err)
		}
	}
	checkout := func() (messages.Receipt, error) {
		var r messages.Receipt
		h, err := testClient.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: "checkout", WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return r, err
		}
		return r, h.Get(ctx, &r)
	}

	// The validator rejects checking out an empty cart.
	if _, err := checkout(); err == nil || !strings.Contains(err.Error(), "cannot check out an empty cart") {
		t.Fatalf("checkout of an empty cart: got %v, want the validator's rejection", err)
	}

	signal("addItem", messages.CartItem{SKU: "tea", Quantity: 2})
	signal("addItem", messages.CartItem{SKU: "mug", Quantity: 1})
	signal("addItem", messages.CartItem{SKU: "tea", Quantity: 1})
	signal("addItem", messages.CartItem{SKU: "kettle", Quantity: 0}) // dropped: not a positive quantity
	want := cart{CustomerID: "ada", Items: []messages.CartItem{{SKU: "tea", Quantity: 3}, {SKU: "mug", Quantity: 1}}, Status: "open"}
	if got := getCart(); !reflect.DeepEqual(got, want) {
		t.Fatalf("cart: got %+v, want %+v", got, want)
	}

	// Pricing fails for an item that is not in the catalog: the update fails
	// with the activity's failure and the cart stays open.
	signal("addItem", messages.CartItem{SKU: "samovar", Quantity: 1})
	if got := getCart(); len(got.Items) != 3 {
		t.Fatalf("cart: got %+v, want the samovar added", got)
	}
	_, err = checkout()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != "UnknownItem" {
		t.Fatalf("checkout with an unknown item: got %v, want an UnknownItem failure", err)
	}
	if got := getCart(); got.Status != "open" || len(got.Items) != 3 {
		t.Fatalf("cart after a failed checkout: %+v", got)
	}
	signal("removeItem", "samovar")
	if got := getCart(); !reflect.DeepEqual(got, want) {
		t.Fatalf("cart: got %+v, want %+v", got, want)
	}

	receipt, err := checkout()
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	wantReceipt := messages.Receipt{
		CustomerID: "ada",
		Lines: []messages.ReceiptLine{
			{SKU: "tea", Name: "Green tea, 100 g", Quantity: 3, UnitPriceCents: 450, AmountCents: 1350},
			{SKU: "mug", Name: "Stoneware mug", Quantity: 1, UnitPriceCents: 1200, AmountCents: 1200},
		},
		TotalCents: 2550,
	}
	if !reflect.DeepEqual(receipt, wantReceipt) {
		t.Fatalf("receipt: got %+v, want %+v", receipt, wantReceipt)
	}
	// The checkout completes the workflow, with the same receipt.
	var result messages.Receipt
	if err := run.Get(ctx, &result); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(result, wantReceipt) {
		t.Fatalf("workflow result: got %+v, want %+v", result, wantReceipt)
	}
	// A finished workflow still answers queries.
	if got := getCart(); got.Status != "checked out" {
		t.Fatalf("cart after checkout: %+v", got)
	}
}

func TestCancellation(t *testing.T) {
	t.Parallel()
	tq := startWorker(t, "cancellation/workflows.ts", cancellation.Activities)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	video := fmt.Sprintf("intro-%d", queueSeq.Add(1))
	job := cancellation.TranscodeJob{VideoID: video, Segments: 10000, SegmentMs: 20}
	run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "transcode", job)
	if err != nil {
		t.Fatal(err)
	}
	// Cancel once the transcoder has written a few segments.
	waitUntil(t, 10*time.Second, "segments written", func() bool { return cancellation.PartialOutput(video) >= 3 })
	if err := testClient.CancelWorkflow(ctx, run.GetID(), ""); err != nil {
		t.Fatal(err)
	}

	err = run.Get(ctx, nil)
	var canceled *temporal.CanceledError
	if !errors.As(err, &canceled) {
		t.Fatalf("want the run to end as cancelled, got %v", err)
	}
	// The cleanup waited for the transcoder to stop, so nothing was written
	// after it.
	if n := cancellation.PartialOutput(video); n != 0 {
		t.Fatalf("%d segments left after cleanup", n)
	}
	events := history(t, run.GetID(), run.GetRunID())
	var deleted int
	for _, r := range activityResults(t, events) {
		if r.activity == "deletePartialOutput" {
			if err := converter.GetDefaultDataConverter().FromPayloads(r.result, &deleted); err != nil {
				t.Fatal(err)
			}
		}
	}
	if deleted < 3 {
		t.Fatalf("deletePartialOutput deleted %d segments, want at least 3", deleted)
	}
	if last := events[len(events)-1].GetEventType(); last != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED {
		t.Fatalf("last event %v, want WorkflowExecutionCanceled", last)
	}
}

func TestChildWorkflows(t *testing.T) {
	t.Parallel()
	tq := startWorker(t, "child-workflows/workflows.ts", childworkflows.Activities)
	type report struct {
		Totals     map[string]int `json:"totals"`
		Warehouses []struct {
			Warehouse string `json:"warehouse"`
			Units     int    `json:"units"`
		} `json:"warehouses"`
		Failed []struct {
			Warehouse string `json:"warehouse"`
			Reason    string `json:"reason"`
		} `json:"failed"`
	}
	id := fmt.Sprintf("stock-%d", queueSeq.Add(1))
	var got report
	if err := execute(t, tq, id, "stockReport", &got, map[string][]string{"warehouses": {"berlin", "atlantis", "lisbon", "osaka"}}); err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"tea": 495, "mug": 55, "kettle": 8, "teapot": 15}; !reflect.DeepEqual(got.Totals, want) {
		t.Errorf("totals: got %v, want %v", got.Totals, want)
	}
	if fmt.Sprint(got.Warehouses) != "[{berlin 168} {lisbon 87} {osaka 318}]" {
		t.Errorf("warehouses: got %v", got.Warehouses)
	}
	if len(got.Failed) != 1 || got.Failed[0].Warehouse != "atlantis" || got.Failed[0].Reason != `count stock: no warehouse "atlantis"` {
		t.Errorf("failed: got %+v", got.Failed)
	}
	// Every warehouse was counted by a child workflow of the report.
	ctx := context.Background()
	for _, w := range []string{"berlin", "lisbon", "osaka", "atlantis"} {
		d, err := testClient.DescribeWorkflowExecution(ctx, id+"-"+w, "")
		if err != nil {
			t.Fatalf("child for %s: %v", w, err)
		}
		info := d.GetWorkflowExecutionInfo()
		want := enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
		if w == "atlantis" {
			want = enumspb.WORKFLOW_EXECUTION_STATUS_FAILED
		}
		if info.GetParentExecution().GetWorkflowId() != id || info.GetType().GetName() != "countWarehouse" || info.GetStatus() != want {
			t.Errorf("child for %s: parent %q type %q status %v", w, info.GetParentExecution().GetWorkflowId(), info.GetType().GetName(), info.GetStatus())
		}
	}
}

func TestContinueAsNew(t *testing.T) {
	t.Parallel()
	tq := startWorker(t, "continue-as-new/workflows.ts", continueasnew.Activities)
	type options struct {
		PageSize    int `json:"pageSize,omitempty"`
		PagesPerRun int `json:"pagesPerRun,omitempty"`
	}
	type progress struct {
		Offset   int `json:"offset"`
		Archived int `json:"archived"`
		Run      int `json:"run"`
	}
	type summary struct {
		Archived int `json:"archived"`
		Runs     int `json:"runs"`
	}
	for _, tc := range []struct {
		name string
		args []any
		runs int
	}{
		// 50 orders a page, 10 pages a run: 5 pages, one run.
		{"defaults", nil, 1},
		// 50 a page, 2 pages a run: 5 pages in 3 runs. (The server starts a
		// run no sooner than a second after the one before started, so
		// every run costs a second here.)
		{"two pages a run", []any{options{PagesPerRun: 2}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			run, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "archiveOldOrders", tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			first := run.GetRunID() // Get moves the handle along the chain
			// Get follows the chain of runs to the last one's result.
			var got summary
			if err := run.Get(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if want := (summary{Archived: continueasnew.OldOrders, Runs: tc.runs}); got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
			for _, id := range []string{"order-0001", "order-0230"} {
				if !continueasnew.Archived(id) {
					t.Errorf("%s not archived", id)
				}
			}

			// Follow the chain by hand: each run but the last continued as
			// new, and each run after the first started with the progress of
			// the one before.
			runID, runs := first, 0
			for runID != "" {
				runs++
				events := history(t, run.GetID(), runID)
				if runs > 1 {
					input := events[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
					var p progress
					if len(input) != 2 || converter.GetDefaultDataConverter().FromPayload(input[1], &p) != nil || p.Run != runs || p.Offset != p.Archived || p.Offset == 0 {
						t.Fatalf("run %d started with %v", runs, input)
					}
				}
				last := events[len(events)-1]
				switch last.GetEventType() {
				case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
					runID = last.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
				case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
					runID = ""
				default:
					t.Fatalf("run %d ended with %v", runs, last.GetEventType())
				}
			}
			if runs != tc.runs {
				t.Fatalf("followed %d runs, want %d", runs, tc.runs)
			}
		})
	}
}

func TestPatching(t *testing.T) {
	t.Parallel()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type onboarding struct {
		CustomerID       string `json:"customerId"`
		Email            string `json:"email"`
		ActivationWindow string `json:"activationWindow,omitempty"`
	}
	type result struct {
		CustomerID   string   `json:"customerId"`
		Activated    bool     `json:"activated"`
		Emails       []string `json:"emails"`
		DiscountCode string   `json:"discountCode"`
	}

	// A run starts on version 1, sends its welcome email and waits for the
	// customer to activate their account.
	v1 := startWorkerOn(t, tq, "patching/v1/workflows.ts", patching.Activities)
	old, err := testClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "onboarding",
		onboarding{CustomerID: "ada", Email: "ada@example.com", ActivationWindow: "1 hour"})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "the v1 run waiting for activation", func() bool {
		return hasEvent(t, old.GetID(), enumspb.EVENT_TYPE_TIMER_STARTED)
	})

	// Version 2 is deployed: the v1 worker stops and a v2 worker takes over.
	v1.Stop()
	startWorkerOn(t, tq, "patching/workflows.ts", patching.Activities)

	// The v1 run replays its history on the new code: patched() is false
	// there, so it goes on down the old path, without a discount code.
	if err := testClient.SignalWorkflow(ctx, old.GetID(), "", "activated", nil); err != nil {
		t.Fatal(err)
	}
	var gotOld result
	if err := old.Get(ctx, &gotOld); err != nil {
		t.Fatal(err)
	}
	wantOld := result{CustomerID: "ada", Activated: true, Emails: []string{"welcome email to ada@example.com"}}
	if !reflect.DeepEqual(gotOld, wantOld) {
		t.Fatalf("v1 run finished on v2: got %+v, want %+v", gotOld, wantOld)
	}

	// A new run takes the new path; this customer never activates, so a
	// reminder follows.
	var gotNew result
	newID := fmt.Sprintf("onboarding-grace-%d", queueSeq.Add(1))
	if err := execute(t, tq, newID, "onboarding", &gotNew, onboarding{CustomerID: "grace", Email: "grace@example.com", ActivationWindow: "100ms"}); err != nil {
		t.Fatal(err)
	}
	wantNew := result{
		CustomerID: "grace", DiscountCode: "WELCOME-GRACE",
		Emails: []string{"welcome email to grace@example.com with discount code WELCOME-GRACE", "activation reminder to grace@example.com"},
	}
	if !reflect.DeepEqual(gotNew, wantNew) {
		t.Fatalf("v2 run: got %+v, want %+v", gotNew, wantNew)
	}

	// Only the new run's history has the patch's marker.
	if hasEvent(t, old.GetID(), enumspb.EVENT_TYPE_MARKER_RECORDED) {
		t.Error("the v1 run has a patch marker")
	}

	// Replaying both histories shows what the patch is for, and when it can
	// be retired: the new code without patched() cannot replay the v1 run,
	// and neither can the code with deprecatePatch(), which can replay the
	// runs that took the new path.
	src, err := os.ReadFile("patching/workflows.ts")
	if err != nil {
		t.Fatal(err)
	}
	variant := func(name string, replace ...string) string {
		t.Helper()
		out := string(src)
		for i := 0; i < len(replace); i += 2 {
			if !strings.Contains(out, replace[i]) {
				t.Fatalf("%q not in patching/workflows.ts", replace[i])
			}
			out = strings.Replace(out, replace[i], replace[i+1], 1)
		}
		// Its imports from ./activities are types only, which the bundler
		// drops: the file bundles on its own.
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	unpatched := variant("unpatched.ts", "if (patched('welcome-discount')) {", "if (true) {")
	deprecated := variant("deprecated.ts",
		"import { condition,", "import { condition, deprecatePatch,",
		"if (patched('welcome-discount')) {", "deprecatePatch('welcome-discount');\n  if (true) {")
	oldRun := &historypb.History{Events: history(t, old.GetID(), "")}
	newRun := &historypb.History{Events: history(t, newID, "")}
	for _, tc := range []struct {
		workflows string
		history   *historypb.History
		ok        bool
	}{
		{"patching/workflows.ts", oldRun, true},
		{"patching/workflows.ts", newRun, true},
		{unpatched, oldRun, false},
		{deprecated, oldRun, false},
		{deprecated, newRun, true},
	} {
		run := "the v1 run"
		if tc.history == newRun {
			run = "the new run"
		}
		err := replay(t, tc.workflows, tc.history)
		if tc.ok && err != nil {
			t.Errorf("%s cannot replay %s: %v", tc.workflows, run, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "nondeterministic")) {
			t.Errorf("%s replaying %s: got %v, want a non-determinism error", tc.workflows, run, err)
		}
	}
}

// replay replays a history with the workflows of a file, as a worker
// running that code would.
func replay(t *testing.T, workflows string, h *historypb.History) error {
	t.Helper()
	wfs, err := worker.Load(workflows)
	if err != nil {
		t.Fatal(err)
	}
	return worker.ReplayHistories(context.Background(), wfs, worker.History{Name: workflows, Events: h})[0].Err
}

// TestActivityNamesDoNotClash: the examples' program (main.go) registers
// the activities of every example on one worker, so no two examples may
// use the same activity name.
func TestActivityNamesDoNotClash(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for i, acts := range examples {
		for name := range acts {
			if other, ok := seen[name]; ok {
				t.Errorf("activity %s is in examples %d and %d of main.go's list", name, i, other)
			}
			seen[name] = i
		}
	}
	dirs, err := filepath.Glob("*/activities.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(examples) {
		t.Errorf("main.go lists %d examples, %d folders have activities.go: list every example there", len(examples), len(dirs))
	}
}

// waitUntil polls cond until it is true, failing the test after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// history returns the events of a workflow run; an empty runID means the
// latest run.
func history(t *testing.T, workflowID, runID string) []*historypb.HistoryEvent {
	t.Helper()
	it := testClient.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		events = append(events, ev)
	}
	return events
}

// hasEvent reports whether the latest run of a workflow has an event of a
// type.
func hasEvent(t *testing.T, workflowID string, typ enumspb.EventType) bool {
	t.Helper()
	for _, ev := range history(t, workflowID, "") {
		if ev.GetEventType() == typ {
			return true
		}
	}
	return false
}

type activityResult struct {
	activity string
	result   *commonpb.Payloads
}

// activityResults returns the completed activities of a history, in order.
func activityResults(t *testing.T, events []*historypb.HistoryEvent) []activityResult {
	t.Helper()
	types := map[int64]string{}
	var out []activityResult
	for _, ev := range events {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			types[ev.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
			out = append(out, activityResult{
				activity: types[a.GetScheduledEventId()],
				result:   a.GetResult(),
			})
		}
	}
	return out
}

// startWorker starts a worker for a workflows file and an example's
// activities on a fresh task queue.
func startWorker(t *testing.T, workflows string, activities map[string]any) string {
	t.Helper()
	tq := fmt.Sprintf("%s-%d", t.Name(), queueSeq.Add(1))
	startWorkerOn(t, tq, workflows, activities)
	return tq
}

// startWorkerOn starts a worker on task queue tq; it stops when the test
// ends, or earlier with Stop.
func startWorkerOn(t *testing.T, tq, workflows string, activities map[string]any) *worker.Worker {
	t.Helper()
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
	return w
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
