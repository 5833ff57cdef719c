import {
  defineSignal, defineQuery, defineUpdate, setHandler, setDefaultSignalHandler, condition, sleep,
  proxyActivities, ApplicationFailure, currentUpdateInfo, allHandlersFinished, Trigger, HandlerUnfinishedPolicy,
} from '@temporalio/workflow';

const acts = proxyActivities<{ greet(n: string): Promise<string> }>({ startToCloseTimeout: '10s' });

export const a = defineSignal<[string]>('a');
export const b = defineSignal<[string]>('b');
export const c = defineSignal<[string]>('c');
export const done = defineSignal('done');
export const log = defineQuery<string[]>('log');
export const args = defineQuery<unknown[], unknown[]>('args');
export const add = defineUpdate<number, [number]>('add');
export const slowAdd = defineUpdate<number, [number]>('slowAdd');

// Signals of three names, handled in the order they were sent.
export async function ordering(): Promise<string[]> {
  const seen: string[] = [];
  let finished = false;
  for (const def of [a, b, c]) setHandler(def, (x: string) => void seen.push(`${def.name}:${x}`));
  setHandler(done, () => void (finished = true));
  setHandler(log, () => seen);
  await condition(() => finished);
  return seen;
}

// Signals that arrive before their handler exists are buffered, in order.
export async function buffered(): Promise<string[]> {
  const seen: string[] = [];
  let finished = false;
  setHandler(done, () => void (finished = true));
  await condition(() => finished);
  setHandler(a, (x: string) => void seen.push(`a:${x}`));
  setHandler(b, (x: string) => void seen.push(`b:${x}`));
  setDefaultSignalHandler((name: string, ...xs: unknown[]) => void seen.push(`default:${name}:${JSON.stringify(xs)}`));
  return seen;
}

// Queries, updates, validators and conditions on a counter.
export async function counter(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(done, () => void (finished = true));
  setHandler(log, () => [String(total)], { description: 'the total, as a list' });
  setHandler(args, (...xs: unknown[]) => xs);
  setHandler(add, (n: number) => {
    total += n;
    return total;
  }, {
    validator: (n: number) => {
      if (typeof n !== 'number' || n < 0) throw new Error(`cannot add ${n}`);
    },
    description: 'add a number',
  });
  setHandler(slowAdd, async (n: number) => {
    const info = currentUpdateInfo();
    await sleep(20);
    await acts.greet('x');
    if (n === 13) throw ApplicationFailure.create({ message: 'unlucky', type: 'Unlucky' });
    total += n;
    if (currentUpdateInfo()?.id !== info?.id || info?.name !== 'slowAdd') throw ApplicationFailure.create({ message: 'lost update info' });
    return total;
  });
  await condition(() => finished && allHandlersFinished());
  return total;
}

// A query handler that tries to change the workflow.
export async function badQueries(): Promise<void> {
  setHandler(defineQuery('sleeps'), () => { sleep(1); return 'no'; });
  setHandler(defineQuery('activity'), () => { acts.greet('no'); return 'no'; });
  setHandler(defineQuery('async'), async () => 'no');
  setHandler(defineQuery('ok'), () => 'ok');
  await condition(() => false);
}

export async function conditionTimeout(): Promise<boolean[]> {
  let x = false;
  setHandler(a, () => void (x = true));
  const first = await condition(() => x, 50);
  const second = await condition(() => x, '1 hour');
  return [first, second];
}

export async function trigger(): Promise<string> {
  const t = new Trigger<string>();
  setHandler(a, (v: string) => t.resolve(v));
  return await t;
}

export async function unfinishedSignal(): Promise<string> {
  setHandler(a, async () => { await sleep('1 day'); });
  setHandler(b, async () => { await sleep('1 day'); }, { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON });
  await sleep(100);
  return 'done';
}

export async function signalFailsWorkflow(): Promise<void> {
  setHandler(a, (msg: string) => { throw ApplicationFailure.nonRetryable(msg, 'FromSignal'); });
  await condition(() => false);
}

// A signal followed by an update in the same task: the signal is handled
// first, as in history.
export async function signalThenUpdate(): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  // The signal's handler starts a timer: it must run in the update's workflow
  // task without failing it, and before the update's handler. (The Go SDK
  // validates the update before the signal can be handled: the validator
  // does not see it.)
  setHandler(a, async (x: string) => {
    seen.push(x);
    await sleep(1);
  });
  setHandler(log, () => seen);
  setHandler(defineUpdate<string[]>('snapshot'), () => { done = true; return [...seen]; }, {
    validator: () => { if (seen.length !== 0) throw new Error('the validator runs before the signal is handled'); },
  });
  await condition(() => done);
  return seen;
}
