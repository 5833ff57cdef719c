import * as wf from '@temporalio/workflow';
import { attempt, describe } from './describe';

// childWaitsCancelled waits until cancelled, then closes as cancelled a
// second later.
export async function childWaitsCancelled(): Promise<string> {
  try {
    await wf.condition(() => false);
  } catch (err) {
    if (wf.isCancellation(err)) {
      await wf.CancellationScope.nonCancellable(() => wf.sleep('1s'));
    }
    throw err;
  }
  return 'never';
}

// childCancelTypes cancels a child started with cancellationType and
// records what the child's result did and when.
export async function childCancelTypes(cancellationType: wf.ChildWorkflowCancellationType): Promise<unknown> {
  const log: unknown[] = [];
  await attempt(() =>
    wf.CancellationScope.cancellable(async () => {
      const h = await wf.startChild(childWaitsCancelled, {
        workflowId: 'cancelled-' + wf.workflowInfo().workflowId,
        cancellationType,
      });
      const p = h.result().then(
        (v) => log.push({ resolved: v }),
        (e) => log.push({ rejected: describe(e) }),
      );
      wf.CancellationScope.current().cancel();
      log.push('cancel requested');
      await p;
    }),
  );
  // The timer's place in history among the child's cancellation events
  // shows when the child's result settled.
  await wf.sleep('2s');
  log.push('after sleep');
  return log;
}
