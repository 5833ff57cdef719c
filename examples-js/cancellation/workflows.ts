import { ActivityCancellationType, CancellationScope, isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';
import type { TranscodeJob, TranscodeResult } from './activities';

const { transcodeVideo } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 hour',
  // The activity heartbeats after every segment. The heartbeat is how a
  // lost worker is noticed, and how the activity hears of a cancellation.
  heartbeatTimeout: '2 seconds',
  // On cancellation, wait until the activity has actually stopped, so that
  // the cleanup below never races a transcoder still writing segments.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

const { deletePartialOutput } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

/**
 * Transcodes a video with a long-running Go activity. When the workflow is
 * cancelled, the activity stops, the workflow deletes the partial output in
 * a non-cancellable scope and ends as cancelled.
 */
export async function transcode(job: TranscodeJob): Promise<TranscodeResult> {
  try {
    return await transcodeVideo(job);
  } catch (err) {
    if (isCancellation(err)) {
      log.info('transcoding cancelled; deleting the partial output', { videoId: job.videoId });
      // The workflow's root scope is cancelled: an activity started in it
      // now would be cancelled at once. A non-cancellable scope shields the
      // cleanup from that cancellation.
      const deleted = await CancellationScope.nonCancellable(() => deletePartialOutput(job.videoId));
      log.info('partial output deleted', { videoId: job.videoId, segments: deleted });
    }
    // Rethrowing the cancellation ends the run as cancelled, not failed.
    throw err;
  }
}
