// Workflows of the engine's unit tests (engine_test.go), one per behaviour.
import {
  ApplicationFailure, CancellationScope, CancelledFailure, ActivityFailure, condition, continueAsNew,
  defineQuery, defineSignal, defineUpdate, executeChild, isCancellation, patched, proxyActivities,
  setHandler, sleep, workflowInfo,
} from '@temporalio/workflow';

const { greet, fail } = proxyActivities<{
  greet(name: string): Promise<string>;
  fail(msg: string): Promise<void>;
}>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

export async function activityOK(name: string): Promise<string> {
  return await greet(name);
}

export async function activityFails(): Promise<unknown> {
  try {
    await fail('boom');
    return 'no error';
  } catch (e) {
    const f = e as ActivityFailure;
    return { cls: f instanceof ActivityFailure, type: f.activityType, cause: (f.cause as Error).message };
  }
}

export async function timers(): Promise<number[]> {
  const t0 = Date.now();
  await sleep('1 hour');
  const t1 = Date.now();
  let fired = 0;
  const id = setTimeout(() => { fired++; }, 10);
  clearTimeout(id);
  await new Promise<void>((resolve) => setTimeout(() => { fired += 10; resolve(); }, 1000));
  return [t1 - t0, fired];
}

export async function scopes(): Promise<string[]> {
  const out: string[] = [];
  try {
    await CancellationScope.cancellable(async () => {
      const p = sleep('1 day');
      CancellationScope.current().cancel();
      await p;
    });
  } catch (e) {
    out.push(`cancel:${e instanceof CancelledFailure}`);
  }
  try {
    await CancellationScope.withTimeout('1s', () => sleep('1 day'));
  } catch (e) {
    out.push(`timeout:${isCancellation(e)}`);
  }
  await CancellationScope.nonCancellable(() => sleep(10));
  out.push('nonCancellable');
  return out;
}

// Signals reach their handlers in history order across names; a signal
// without a handler is buffered until one is set, without holding up later
// signals that have one.
export async function signalOrder(): Promise<string[]> {
  const got: string[] = [];
  setHandler(defineSignal<[string]>('a'), (x) => { got.push(`a:${x}`); });
  await sleep('1 minute');
  setHandler(defineSignal<[string]>('b'), (x) => { got.push(`b:${x}`); });
  await condition(() => got.length >= 6);
  return got;
}

export async function queries(): Promise<number> {
  let n = 0;
  setHandler(defineQuery<number, [number]>('count'), (add) => n + add);
  n = 41;
  await sleep('1 hour');
  return n;
}

export async function updates(): Promise<number> {
  let total = 0;
  setHandler(defineUpdate<number, [number]>('add'), async (x) => {
    await sleep(10);
    total += x;
    return total;
  }, {
    validator: (x) => {
      if (x < 0) throw new Error('negative');
    },
  });
  await condition(() => total >= 5);
  return total;
}

export async function child(name: string): Promise<string> {
  return `child of ${workflowInfo().parent?.workflowId ?? 'none'}: ${name}`;
}

export async function parent(): Promise<string> {
  return await executeChild(child, { workflowId: 'the-child', args: ['x'] });
}

export async function continued(n: number): Promise<number> {
  if (n < 3) await continueAsNew<typeof continued>(n + 1);
  return n;
}

export async function patches(): Promise<boolean> {
  return patched('my-patch');
}

export async function failsWorkflow(): Promise<void> {
  throw ApplicationFailure.nonRetryable('bad input', 'BadInput');
}

export async function failsTask(): Promise<void> {
  throw new Error('not a Temporal failure');
}

export async function unhandledRejection(kind: string): Promise<string> {
  const reason = kind === 'temporal' ? ApplicationFailure.nonRetryable('lost') : new Error('lost');
  Promise.reject(reason);
  await sleep(10);
  return 'done';
}

export async function handledLater(): Promise<string> {
  const p = Promise.reject(new Error('late'));
  await null;
  await null;
  try {
    await p;
  } catch (e) {
    return `caught ${(e as Error).message}`;
  }
  return 'not caught';
}

export async function blocked(): Promise<void> {
  await condition(() => false);
}
