// Workflows whose __stack_trace the tests read.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

const { block } = proxyActivities<{ block(): Promise<string> }>({ startToCloseTimeout: '1 minute' });

export const release = defineSignal('release');

async function nap(): Promise<void> {
  await sleep('1 day');
}

export async function waiting(): Promise<string> {
  let released = false;
  setHandler(release, () => {
    released = true;
  });
  const napping = nap();
  await condition(() => released);
  const r = await block();
  await napping;
  return r;
}
