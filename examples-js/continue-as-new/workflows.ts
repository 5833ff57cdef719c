import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';

const { listOldOrders, archiveOrders } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

/** How to archive; the same for every run of the chain. */
export interface ArchiveOptions {
  /** Orders per page. Default 50. */
  pageSize?: number;
  /** Pages per run before continuing as new. Default 10. */
  pagesPerRun?: number;
}

/** What one run hands to the next. */
export interface ArchiveProgress {
  /** Offset of the next page to archive. */
  offset: number;
  /** Orders archived so far, by all runs. */
  archived: number;
  /** Number of this run in the chain, from 1. */
  run: number;
}

/** The result of the last run. */
export interface ArchiveSummary {
  archived: number;
  /** Runs in the chain, the last one included. */
  runs: number;
}

/**
 * Archives the old orders page by page. Every run's history grows with each
 * page, so after pagesPerRun pages (or sooner, when the server suggests it)
 * the run continues as new: it completes and a new run of the same workflow,
 * with the same workflow id, starts with the progress as its argument and an
 * empty history.
 */
export async function archiveOldOrders(
  options: ArchiveOptions = {},
  progress: ArchiveProgress = { offset: 0, archived: 0, run: 1 },
): Promise<ArchiveSummary> {
  const pageSize = options.pageSize ?? 50;
  const pagesPerRun = options.pagesPerRun ?? 10;
  let { offset, archived } = progress;

  for (let page = 0; ; page++) {
    if (page === pagesPerRun || workflowInfo().continueAsNewSuggested) {
      log.info('continuing as new', { run: progress.run, offset, archived });
      // Never returns: the run ends here and the next one starts.
      await continueAsNew<typeof archiveOldOrders>(options, { offset, archived, run: progress.run + 1 });
    }
    const { ids, nextOffset } = await listOldOrders({ offset, limit: pageSize });
    archived += await archiveOrders(ids);
    if (nextOffset === undefined) {
      return { archived, runs: progress.run };
    }
    offset = nextOffset;
  }
}
