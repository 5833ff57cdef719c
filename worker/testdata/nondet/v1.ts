// A long-lived workflow, before and after (v2.ts) a change that is not
// replay-safe: the activity it calls first.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const acts = proxyActivities<{ greet(n: string): Promise<string>; echo(v: string): Promise<string> }>({
  startToCloseTimeout: '10 seconds',
});

export const proceed = defineSignal('proceed');

export async function longLived(): Promise<string> {
  let go = false;
  setHandler(proceed, () => {
    go = true;
  });
  const a = await acts.greet('v1');
  await condition(() => go);
  return a + (await acts.greet('again'));
}
