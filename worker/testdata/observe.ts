import { condition, defineQuery, defineSignal, log, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface Activities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

export const finish = defineSignal('finish');
export const stage = defineQuery<string>('stage');

// order logs, calls an activity, sleeps, then waits for a signal: one
// workflow task after another, so that without the sticky cache each task
// replays the ones before it.
export async function order(id: number): Promise<string> {
  let now = 'started';
  let done = false;
  setHandler(stage, () => now);
  setHandler(finish, () => {
    done = true;
  });
  log.info('order received', { order: id });
  const greeting = await greet(`order ${id}`);
  await sleep(10);
  now = 'waiting';
  await condition(() => done);
  log.warn('order shipped', { order: id, greeting });
  return greeting;
}
