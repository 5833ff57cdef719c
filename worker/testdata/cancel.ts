import {
  CancellationScope, isCancellation, sleep, setWorkflowOptions, proxyActivities, ActivityFailure, ApplicationFailure, TimeoutFailure, condition, Trigger,
} from '@temporalio/workflow';

interface Acts {
  heartbeater(kind: string): Promise<string>;
  cleanup(): Promise<string>;
  flaky(failures: number): Promise<number>;
  slow(ms: number): Promise<void>;
  panics(): Promise<void>;
  failWithDetails(): Promise<void>;
}

function describe(e: any): any {
  if (e === undefined || e === null) return e;
  return {
    cls: e.constructor?.name, name: e.name, message: e.message, type: e.type, nonRetryable: e.nonRetryable,
    retryState: e.retryState, timeoutType: e.timeoutType, details: e.details, activityType: e.activityType,
    lastHeartbeatDetails: e.lastHeartbeatDetails, isCancellation: isCancellation(e), cause: describe(e.cause),
  };
}

export async function scopes(): Promise<unknown[]> {
  const out: unknown[] = [];
  await CancellationScope.cancellable(async () => {
    const p = sleep('1 hour');
    CancellationScope.current().cancel();
    try { await p; } catch (e) { out.push(describe(e)); }
  });
  try {
    await CancellationScope.withTimeout(50, () => sleep('1 hour'));
  } catch (e) { out.push(describe(e)); }
  const outer = new CancellationScope();
  const inner = outer.run(() => CancellationScope.cancellable(() => sleep('1 hour')));
  const shielded = outer.run(() => CancellationScope.nonCancellable(() => sleep(100).then(() => 'shielded done')));
  const requested = outer.cancelRequested.catch((e) => `requested:${e.message}`);
  outer.cancel();
  try { await inner; } catch (e) { out.push(`inner:${(e as Error).name}:${outer.consideredCancelled}`); }
  out.push(await shielded);
  out.push(await requested);
  // An already cancelled scope: new operations reject at once.
  const dead = new CancellationScope();
  dead.cancel();
  try { await dead.run(() => sleep(10)); } catch (e) { out.push(`dead:${(e as Error).message}`); }
  // A trigger is cancellation aware.
  try {
    await CancellationScope.withTimeout(10, async () => { await new Trigger<void>(); });
  } catch (e) { out.push(`trigger:${isCancellation(e)}`); }
  // A condition too.
  try {
    await CancellationScope.withTimeout(10, () => condition(() => false));
  } catch (e) { out.push(`condition:${isCancellation(e)}`); }
  return out;
}

export async function cancelActivity(type: 'TRY_CANCEL' | 'WAIT_CANCELLATION_COMPLETED' | 'ABANDON'): Promise<unknown> {
  const { heartbeater } = proxyActivities<Acts>({
    startToCloseTimeout: '20s', heartbeatTimeout: '1s', cancellationType: type, retry: { maximumAttempts: 1 },
  });
  const scope = new CancellationScope();
  const p = scope.run(() => heartbeater(type));
  await sleep(500);
  scope.cancel();
  try {
    await p;
    return 'completed';
  } catch (e) {
    if (type === 'ABANDON') await sleep(3000); // let the abandoned activity finish on its own
    return describe(e);
  }
}

export async function cancelledByClient(rethrow: boolean): Promise<string> {
  const { heartbeater, cleanup } = proxyActivities<Acts>({ startToCloseTimeout: '20s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } });
  try {
    await heartbeater('WORKFLOW');
    return 'not cancelled';
  } catch (e) {
    if (!isCancellation(e)) throw e;
    const done = await CancellationScope.nonCancellable(() => cleanup());
    if (rethrow) throw e;
    return `cleaned up: ${done}`;
  }
}

export async function failures(): Promise<unknown[]> {
  const acts = proxyActivities<Acts>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  const retrying = proxyActivities<Acts>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: 10, backoffCoefficient: 1, maximumAttempts: 3, nonRetryableErrorTypes: ['Fatal'] },
  });
  const short = proxyActivities<Acts>({ startToCloseTimeout: 200, retry: { maximumAttempts: 1 } });
  const out: unknown[] = [];
  const attempt = async (f: () => Promise<unknown>) => {
    try { out.push(await f()); } catch (e) { out.push(describe(e)); }
  };
  await attempt(() => retrying.flaky(2)); // succeeds on the third attempt
  await attempt(() => retrying.flaky(5)); // gives up after three
  await attempt(() => retrying.flaky(-1)); // -1: a Fatal error, not retried
  await attempt(() => short.slow(2000)); // start-to-close timeout
  await attempt(() => acts.panics());
  await attempt(() => acts.failWithDetails());
  return out;
}

export async function throwsNull(): Promise<void> {
  throw null;
}

export async function rootCauses(): Promise<unknown> {
  return ApplicationFailure.create({ message: 'outer', cause: new TimeoutFailure('inner', undefined, 'HEARTBEAT') }) instanceof ActivityFailure;
}

class CustomError extends Error {}
class SubError extends CustomError {}
export async function throwsCustom(): Promise<void> {
  throw new SubError('custom failure');
}
export async function throwsCustomOpted(): Promise<void> {
  throw new SubError('opted in');
}
setWorkflowOptions({ failureExceptionTypes: [CustomError] }, throwsCustomOpted);
