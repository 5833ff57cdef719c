package worker

import "regexp"

// The Go SDK texts that replay reports and Diagnostics read. An SDK upgrade
// that changes one of them fails TestSDKTexts (sdktext_test.go), here and
// nowhere else.
var (
	// The Go SDK reports a failed workflow task of the replay as the
	// failure proto in text form.
	failurePrefix = "replay workflow failed with failure: "
	// ... and a replay that ends otherwise than the history with both
	// in full.
	resultMismatch = regexp.MustCompile(`^replay workflow doesn't return the same result as the last event`)
	lastEventType  = regexp.MustCompile(`event_type:\s*(EVENT_TYPE_[A-Z_]+)`)
	// Go stack lines, and the "goroutine N [running]:" that starts one.
	goStackLine = regexp.MustCompile(`^(goroutine \d+ \[|\s*\S+\.go:\d+|\S+\(.*\)$|created by )`)
	// The Go SDK's non-determinism errors carry this code (TMPRL1100) or
	// say "nondeterministic".
	nondetMarker = regexp.MustCompile(`(?i)TMPRL1100|nondeterministic|non-deterministic`)
)

// sdkTaskFailedMsg is what the Go SDK's worker logs, with the run and the
// error, when it fails a workflow task.
const sdkTaskFailedMsg = "Failed to process workflow task."
