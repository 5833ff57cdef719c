// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** A video to transcode. */
export interface TranscodeJob {
  videoId: string;
  /** Number of segments of the video; one is transcoded at a time. */
  segments: number;
  /** How long one segment takes, in milliseconds: the stand-in for real work. Default 500. */
  segmentMs?: number;
}

/** A transcoded video. */
export interface TranscodeResult {
  videoId: string;
  output: string;
  segments: number;
}

/**
 * Transcodes a video segment by segment, heartbeating its progress. It stops
 * when cancelled, leaving the segments written so far behind.
 */
export declare function transcodeVideo(job: TranscodeJob): Promise<TranscodeResult>;

/** Deletes the partial output of a video; resolves to the number of segments deleted. */
export declare function deletePartialOutput(videoId: string): Promise<number>;
