// Package cancellation holds the Go activities of the cancellation example,
// whose workflow (workflows.ts) runs a long, heartbeating transcoding
// activity and, when the workflow is cancelled, deletes the partial output
// in a non-cancellable scope.
package cancellation

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// Activities maps the names the workflow calls activities by to the Go
// functions that implement them.
var Activities = map[string]any{
	"transcodeVideo":      TranscodeVideo,
	"deletePartialOutput": DeletePartialOutput,
}

// TranscodeJob is a video to transcode.
type TranscodeJob struct {
	VideoID string `json:"videoId"`
	// Segments is the number of segments of the video.
	Segments int `json:"segments"`
	// SegmentMs is how long one segment takes, in milliseconds. Zero
	// means 500.
	SegmentMs int `json:"segmentMs,omitempty"`
}

// TranscodeResult is a transcoded video.
type TranscodeResult struct {
	VideoID  string `json:"videoId"`
	Output   string `json:"output"`
	Segments int    `json:"segments"`
}

// TranscodeVideo transcodes a video one segment at a time and heartbeats
// after each one with the number of segments done. The heartbeat is also how
// a Go activity learns that it was cancelled: the server answers it with
// the cancellation, and ctx is done. A retried attempt resumes after the
// last segment it heartbeated.
func TranscodeVideo(ctx context.Context, job TranscodeJob) (TranscodeResult, error) {
	if job.VideoID == "" || job.Segments <= 0 {
		return TranscodeResult{}, temporal.NewNonRetryableApplicationError(
			"transcode video: videoId and a positive number of segments are required", "InvalidArgument", nil)
	}
	per := time.Duration(job.SegmentMs) * time.Millisecond
	if per <= 0 {
		per = 500 * time.Millisecond
	}
	logger := activity.GetLogger(ctx)
	done := 0
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &done); err == nil {
			logger.Info("Resuming transcoding", "videoId", job.VideoID, "segmentsDone", done)
		}
	}
	for done < job.Segments {
		select {
		case <-time.After(per):
			output.write(job.VideoID)
			done++
			activity.RecordHeartbeat(ctx, done)
		case <-ctx.Done():
			// Cancelled (or timed out): stop working and report it. What was
			// written stays; cleaning up is the workflow's decision.
			logger.Info("Transcoding stopped", "videoId", job.VideoID, "segmentsDone", done, "reason", ctx.Err())
			return TranscodeResult{}, ctx.Err()
		}
	}
	return TranscodeResult{VideoID: job.VideoID, Output: "videos/" + job.VideoID + ".mp4", Segments: done}, nil
}

// DeletePartialOutput deletes the segments written for a video and returns
// how many there were. Deleting twice is harmless.
func DeletePartialOutput(ctx context.Context, videoID string) (int, error) {
	n := output.remove(videoID)
	activity.GetLogger(ctx).Info("Deleted partial output", "videoId", videoID, "segments", n)
	return n, nil
}

// PartialOutput returns the number of segments written for a video and not
// deleted.
func PartialOutput(videoID string) int {
	output.Lock()
	defer output.Unlock()
	return output.segments[videoID]
}

// output stands in for the storage the transcoder writes to: the number of
// segments written per video.
var output = &store{segments: map[string]int{}}

type store struct {
	sync.Mutex
	segments map[string]int
}

func (s *store) write(videoID string) {
	s.Lock()
	s.segments[videoID]++
	s.Unlock()
}

func (s *store) remove(videoID string) int {
	s.Lock()
	defer s.Unlock()
	n := s.segments[videoID]
	delete(s.segments, videoID)
	return n
}
