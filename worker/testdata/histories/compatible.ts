// A compatible change of workflows.ts: a changed log line, and a new step
// guarded by patched(), which histories recorded before it skip.
import { proxyActivities, sleep, log, defineSignal, setHandler, condition, patched } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

export const approve = defineSignal<[string]>('approve');

export async function order(id: string): Promise<string> {
  log.info('order accepted', { id, version: 2 });
  const first = await greet(id);
  if (patched('audit-step')) {
    await greet('auditor');
  }
  await sleep(50);
  return `${first} ${await greet('again')}`;
}

export async function approval(): Promise<string> {
  let by = '';
  setHandler(approve, (who: string) => void (by = who.trim()));
  await condition(() => by !== '');
  return await greet(by);
}
