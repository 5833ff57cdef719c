import { defineQuery, defineSignal, defineUpdate, setHandler, condition, sleep } from '@temporalio/workflow';

export async function spin(): Promise<void> {
  for (;;) {
    // forever
  }
}

export async function spinAfterSleep(): Promise<void> {
  await sleep(1);
  let x = 0;
  for (;;) x++;
}

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}

export async function deepRecursion(): Promise<number> {
  return recurse(0);
}

export async function hog(): Promise<number> {
  const keep: string[] = [];
  for (let i = 0; ; i++) keep.push(String(i).repeat(4 << 20));
}

export async function spinningQuery(): Promise<string> {
  setHandler(defineQuery('spin'), () => { for (;;) { /* forever */ } });
  setHandler(defineQuery('ok'), () => 'ok');
  let done = false;
  setHandler(defineSignal('done'), () => void (done = true));
  await condition(() => done);
  return 'finished';
}

export async function spinningSignal(): Promise<void> {
  setHandler(defineSignal('spin'), () => { for (;;) { /* forever */ } });
  await condition(() => false);
}

export async function isolated(): Promise<unknown> {
  const g = globalThis as any;
  const seen = g.polluted;
  g.polluted = 'yes';
  (Array.prototype as any).polluted = 'yes';
  return { seen: seen ?? null, proto: ([] as any).polluted === 'yes', weakRef: typeof (g.WeakRef), fr: typeof g.FinalizationRegistry };
}

export async function quick(): Promise<string> {
  return 'quick';
}

// churn allocates and drops objects forever: garbage, not a memory hog.
function churn(): never {
  for (let n = 0; ; n++) {
    const tmp = new Array(1 << 12).fill(n);
    tmp.length = 0;
  }
}

export async function churningHandlers(): Promise<void> {
  setHandler(defineSignal('churn'), () => churn());
  setHandler(defineUpdate('churn'), () => churn());
  setHandler(defineUpdate<void, []>('validated'), () => undefined, { validator: () => churn() });
  await condition(() => false);
}

export async function catchRecursion(): Promise<string> {
  try {
    return String(recurse(0));
  } catch (e) {
    return `caught ${e}`;
  }
}
