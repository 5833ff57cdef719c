// The failover tests' workflow, second version (see failover.ts): charges
// carry the code's version. patched() guards the change, so runs that
// began on the first version keep their first-version charges when a
// worker of this version replays them, and runs that begin here charge
// with version 2.
import { condition, defineSignal, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface ChargeInput {
  id: number;
  step: number;
  version?: number;
}

interface Activities {
  charge(input: ChargeInput): Promise<string>;
}

const { charge } = proxyActivities<Activities>({
  startToCloseTimeout: '3s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1 },
});

export const add = defineSignal<[number]>('add');

export interface OrderResult {
  charges: string[];
  added: number[];
}

export async function order(id: number, steps: number, signals: number): Promise<OrderResult> {
  const r: OrderResult = { charges: [], added: [] };
  setHandler(add, (n: number) => void r.added.push(n));
  for (let i = 0; i < steps; i++) {
    if (patched('charge-version')) {
      r.charges.push(await charge({ id, step: i, version: 2 }));
    } else {
      r.charges.push(await charge({ id, step: i }));
    }
    await sleep(200);
  }
  await condition(() => r.added.length >= signals);
  return r;
}
