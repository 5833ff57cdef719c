import * as wf from '@temporalio/workflow';
import { describe } from './describe';

// heldTimers cancels timers in the activation that made them (which starts
// none of them) and in a later one (which cancels a started timer), and
// records what the workflow sees.
export async function heldTimers(): Promise<unknown> {
  const log: unknown[] = [];
  // setTimeout cleared at once.
  const id = setTimeout(() => log.push('timeout fired'), 60_000);
  clearTimeout(id);
  // sleep in a scope cancelled at once.
  await wf.CancellationScope.cancellable(async () => {
    const p = wf.sleep('1m').then(
      () => log.push('sleep resolved'),
      (e) => log.push({ sleep: describe(e) }),
    );
    wf.CancellationScope.current().cancel();
    await p;
  });
  // withTimeout around a promise that resolves at once.
  log.push({ withTimeout: await wf.CancellationScope.withTimeout('1m', async () => 'done') });
  // A cancelled scope's sleep that was started before: cancelled in a
  // later activation.
  const scope = new wf.CancellationScope();
  const later = scope.run(() => wf.sleep('1m')).catch((e) => log.push({ laterSleep: describe(e) }));
  const id2 = setTimeout(() => log.push('timeout 2 fired'), 60_000);
  await wf.sleep(1);
  scope.cancel();
  clearTimeout(id2);
  await later;
  // A timer that fires after ones that were left out.
  setTimeout(() => log.push('timeout 3 fired'), 1);
  await wf.sleep(10);
  return log;
}
