// The failover tests' workflow, first version. Its result derives from its
// input and its signals only, so the tests know what every run must return
// whatever happened to the workers in between. failover_v2.ts is the next
// version of this file, its change guarded by patched().
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface ChargeInput {
  id: number;
  step: number;
  version?: number;
}

interface Activities {
  charge(input: ChargeInput): Promise<string>;
}

// A short start-to-close timeout: an attempt lost with its worker is retried
// a few seconds later.
const { charge } = proxyActivities<Activities>({
  startToCloseTimeout: '3s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1 },
});

export const add = defineSignal<[number]>('add');

export interface OrderResult {
  charges: string[];
  added: number[];
}

// Charges `steps` times with a short timer after each, then waits for
// `signals` add signals, kept in arrival order.
export async function order(id: number, steps: number, signals: number): Promise<OrderResult> {
  const r: OrderResult = { charges: [], added: [] };
  setHandler(add, (n: number) => void r.added.push(n));
  for (let i = 0; i < steps; i++) {
    r.charges.push(await charge({ id, step: i }));
    await sleep(200);
  }
  await condition(() => r.added.length >= signals);
  return r;
}
