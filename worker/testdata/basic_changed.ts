import { proxyActivities, sleep, workflowInfo, uuid4, log, ApplicationFailure, ActivityFailure } from '@temporalio/workflow';

interface Activities {
  greet(name: string): Promise<string>;
  echo<T>(v: T): Promise<T>;
  fail(msg: string, type: string): Promise<void>;
  makeUser(name: string): Promise<{ Name: string; Age: number }>;
  nothing(): Promise<void>;
}

const acts = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

export async function hello(name: string): Promise<string> {
  // Changed: an activity before the timer.
  await acts.echo(name);
  await sleep(10);
  return await acts.greet(name);
}

export async function echoArgs(...args: unknown[]): Promise<unknown[]> {
  return args;
}

export async function roundTrip(v: unknown): Promise<unknown> {
  return await acts.echo(v);
}

export async function bytes(b: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i] + 1;
  return out;
}

export async function goStruct(): Promise<unknown> {
  const u = await acts.makeUser('ada');
  const n = await acts.nothing();
  return { keys: Object.keys(u), user: u, nothingIsUndefined: n === undefined };
}

export async function activityError(): Promise<unknown> {
  try {
    await acts.fail('boom', 'MyError');
    return 'unreachable';
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    const c = e.cause as ApplicationFailure;
    return {
      cls: e.constructor.name, name: e.name, message: e.message, activityType: e.activityType, retryState: e.retryState,
      causeIsApp: c instanceof ApplicationFailure, causeMessage: c.message, causeType: c.type, nonRetryable: c.nonRetryable,
    };
  }
}

export async function throwsApplicationFailure(): Promise<void> {
  throw ApplicationFailure.create({ message: 'bad input', type: 'ValidationError', nonRetryable: true, details: [{ field: 'x' }] });
}

export async function throwsPlainError(): Promise<void> {
  throw new TypeError('oops, a bug');
}

export async function throwsString(): Promise<void> {
  throw 'a string';
}

export async function unknownActivity(): Promise<string> {
  const { noSuchActivity } = proxyActivities<{ noSuchActivity(): Promise<string> }>({ startToCloseTimeout: '5s' });
  return await noSuchActivity();
}

export async function race(): Promise<string> {
  const slow = acts.echo('activity').then(async (v) => { await sleep('1 hour'); return v; });
  return await Promise.race([slow, sleep(50).then(() => 'timer')]);
}

export async function all(): Promise<string[]> {
  return await Promise.all([acts.greet('a'), acts.greet('b'), acts.echo('c')]);
}

export async function deterministic(): Promise<unknown> {
  const info = workflowInfo();
  log.info('deterministic ran', { id: info.workflowId });
  const t0 = Date.now();
  await sleep('1s');
  const t1 = Date.now();
  return { r: Math.random(), u: uuid4(), elapsedAtLeast1s: t1 - t0 >= 1000, type: info.workflowType, tq: info.taskQueue };
}
