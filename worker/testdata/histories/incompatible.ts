// An incompatible change of workflows.ts: the timer now comes before the
// first activity, without patched(). Running workflows would fail on it.
import { proxyActivities, sleep, defineSignal, setHandler, condition } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

export const approve = defineSignal<[string]>('approve');

export async function order(id: string): Promise<string> {
  await sleep(50);
  const first = await greet(id);
  return `${first} ${await greet('again')}`;
}

export async function approval(): Promise<string> {
  let by = '';
  setHandler(approve, (who: string) => void (by = who));
  await condition(() => by !== '');
  await sleep('1 minute');
  return await greet(by);
}
