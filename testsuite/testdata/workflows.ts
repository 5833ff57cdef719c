import {
  proxyActivities, proxyLocalActivities, sleep, condition, defineSignal, defineQuery, defineUpdate, setHandler,
  ApplicationFailure, ActivityFailure, log,
} from '@temporalio/workflow';

interface Activities {
  greet(name: string): Promise<string>;
  flaky(): Promise<number>;
  charge(order: { id: string; amount: number }): Promise<{ receipt: string }>;
}

const { greet, charge } = proxyActivities<Activities>({ startToCloseTimeout: '10s' });
const { flaky } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 5 },
});
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s' });

/** Greets name through the greet activity. */
export async function hello(name: string): Promise<string> {
  return await greet(name);
}

/** Sleeps for thirty days, then greets. */
export async function longSleep(name: string): Promise<{ greeting: string; sleptMs: number }> {
  const start = Date.now();
  await sleep('30 days');
  return { greeting: await greet(name), sleptMs: Date.now() - start };
}

/** Three timers in sequence and two in a race; returns the elapsed workflow times. */
export async function timers(): Promise<number[]> {
  const start = Date.now();
  const marks: number[] = [];
  for (const d of ['1 second', '1 hour', '2 days']) {
    await sleep(d);
    marks.push(Date.now() - start);
  }
  await Promise.race([sleep('5 minutes'), sleep('10 minutes')]);
  marks.push(Date.now() - start);
  return marks;
}

export const approve = defineSignal<[string]>('approve');
export const addItems = defineSignal<[string, number]>('addItems');
export const status = defineQuery<string>('status');
export const items = defineQuery<Record<string, number>, [string?]>('items');
export const setLimit = defineUpdate<number, [number]>('setLimit');

/** Waits up to a day for approval; the result says who approved, or that it timed out. */
export async function approval(): Promise<string> {
  let by = '';
  setHandler(approve, (who: string) => void (by = who));
  setHandler(status, () => (by ? `approved by ${by}` : 'waiting'));
  if (await condition(() => by !== '', '1 day')) return `approved by ${by}`;
  return 'timed out';
}

/** A cart: signals add items, an update sets a limit, a query reads it; done when the limit is reached. */
export async function cart(): Promise<Record<string, number>> {
  const cart: Record<string, number> = {};
  let limit = Infinity;
  const count = () => Object.values(cart).reduce((a, b) => a + b, 0);
  setHandler(addItems, (name: string, n: number) => {
    cart[name] = (cart[name] ?? 0) + n;
    log.info('added', { name, n });
  });
  setHandler(items, (only?: string) => (only ? { [only]: cart[only] ?? 0 } : cart));
  setHandler(setLimit, (n: number) => {
    limit = n;
    return count();
  }, {
    validator: (n: number) => {
      if (n <= 0) throw new Error(`limit must be positive, got ${n}`);
    },
  });
  await condition(() => count() >= limit);
  return cart;
}

/** Calls an activity that fails a few times; the retry policy waits a minute, then 2, 4, 8. */
export async function retries(): Promise<{ value: number; elapsedMinutes: number }> {
  const start = Date.now();
  const value = await flaky();
  return { value, elapsedMinutes: (Date.now() - start) / 60000 };
}

/** Charges an order; a failed charge is reported, not thrown. */
export async function checkout(id: string, amount: number): Promise<string> {
  try {
    const { receipt } = await charge({ id, amount });
    return `paid: ${receipt}`;
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      return `declined: ${err.cause.message}`;
    }
    throw err;
  }
}

/** Greets through a local activity. */
export async function localHello(name: string): Promise<string> {
  return await local.greet(name);
}

/** Fails with an ApplicationFailure. */
export async function fails(): Promise<void> {
  throw ApplicationFailure.nonRetryable('no way', 'Refused');
}

/** Has a bug: a JS exception that is not a Temporal failure fails the workflow task. */
export async function buggy(): Promise<void> {
  const order: { items?: string[] } = {};
  order.items!.push('x');
}
