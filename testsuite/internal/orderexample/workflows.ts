import { proxyActivities, defineSignal, defineQuery, setHandler, condition } from '@temporalio/workflow';
import type * as activities from './activities';

const { charge, ship } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export const approve = defineSignal<[string]>('approve');
export const status = defineQuery<string>('status');

/** An order waits up to a week for approval, then is charged and shipped. */
export async function order(id: string, amount: number): Promise<string> {
  let state = 'waiting for approval';
  let approvedBy = '';
  setHandler(status, () => state);
  setHandler(approve, (who: string) => {
    approvedBy = who;
  });
  if (!(await condition(() => approvedBy !== '', '7 days'))) {
    return 'expired';
  }
  state = 'charging';
  const receipt = await charge(id, amount);
  state = 'shipping';
  await ship(id);
  return `${receipt}, approved by ${approvedBy}`;
}
