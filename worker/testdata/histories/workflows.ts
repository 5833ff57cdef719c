// The workflows whose histories are recorded in this directory. Keep them
// as they are: the histories replay against this file.
import { proxyActivities, sleep, log, defineSignal, setHandler, condition } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

export const approve = defineSignal<[string]>('approve');

/** Greets the customer, waits a moment, greets again. */
export async function order(id: string): Promise<string> {
  log.info('order received', { id });
  const first = await greet(id);
  await sleep(50);
  return `${first} ${await greet('again')}`;
}

/** Waits for an approval signal, then greets the approver. */
export async function approval(): Promise<string> {
  let by = '';
  setHandler(approve, (who: string) => void (by = who));
  await condition(() => by !== '');
  return await greet(by);
}
