package worker

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSDKTexts pins the Go SDK texts of sdktext.go to the Go SDK's source in
// the module cache: replay errors, the task failure log line and the
// non-determinism code. If one fails after an SDK upgrade, change
// sdktext.go (and what reads it) to the new text.
func TestSDKTexts(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal")
	for _, tt := range []struct{ file, want, what string }{
		{"internal_worker.go", `fmt.Errorf("` + failurePrefix + `%v", failedReq.GetFailure())`, "a failed task of a replay (failurePrefix)"},
		{"internal_worker.go", `"replay workflow doesn't return the same result as the last event, resp: %[1]T{%[1]v}, last: %[2]T{%[2]v}"`, "a replay that ends otherwise (resultMismatch, lastEventType)"},
		{"internal_task_pollers.go", `wtp.logger.Warn("` + sdkTaskFailedMsg + `",`, "the log line of a failed workflow task (sdkTaskFailedMsg)"},
		{"internal_command_state_machine.go", `"[TMPRL1100] lookup failed for scheduledEventID`, "the non-determinism code (nondetMarker)"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), tt.want) {
			t.Errorf("the Go SDK no longer writes %s as %s (%s)", tt.what, tt.want, tt.file)
		}
	}
	if !resultMismatch.MatchString("replay workflow doesn't return the same result as the last event, resp: x") {
		t.Error("resultMismatch does not match the Go SDK's text")
	}
	if m := lastEventType.FindStringSubmatch(`last: *historypb.HistoryEvent{event_id:9 event_type:EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED}`); len(m) != 2 || m[1] != "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED" {
		t.Errorf("lastEventType finds %q", m)
	}
	if !nondetMarker.MatchString("[TMPRL1100] lookup failed") {
		t.Error("nondetMarker does not match the code")
	}
}
