import * as wf from '@temporalio/workflow';
import { acts, local } from './activities';
import { attempt } from './describe';

export async function sleepAndActivities(): Promise<unknown> {
  await wf.sleep(100);
  await wf.sleep('150ms');
  const a = await acts.echo('a');
  const [b, c] = await Promise.all([acts.echo('b'), acts.echo('c')]);
  return [a, b, c];
}

export async function activityFailureCaught(): Promise<unknown> {
  return attempt(() =>
    acts.fail({ message: 'boom', type: 'Boom', nonRetryable: true, details: [{ k: 1 }, 'two'] }),
  );
}

export async function throwError(): Promise<void> {
  throw new Error('x');
}

export async function activityRetries(): Promise<unknown> {
  const retrying = wf.proxyActivities<import('./activities').Activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '50ms', backoffCoefficient: 1, maximumAttempts: 3 },
  });
  const ok = await retrying.failTimes(2);
  const exhausted = await attempt(() => retrying.failTimes(5));
  return { ok, exhausted };
}

export async function activityTimeout(): Promise<unknown> {
  const short = wf.proxyActivities<import('./activities').Activities>({
    startToCloseTimeout: '300ms',
    retry: { maximumAttempts: 1 },
  });
  return attempt(() => short.sleep(3000));
}

export async function localActivities(): Promise<unknown> {
  return [await local.localEcho('l'), await attempt(() => local.localFailTimes(1))];
}

export async function localRetryThreshold(): Promise<unknown> {
  const la = wf.proxyLocalActivities<import('./activities').LocalActivities>({
    startToCloseTimeout: '5s',
    localRetryThreshold: '100ms',
    retry: { initialInterval: '300ms', backoffCoefficient: 1, maximumAttempts: 3 },
  });
  return la.localFailTimes(2);
}

export async function timersAndDates(): Promise<unknown> {
  const t0 = Date.now();
  const same = new Date().getTime() === t0;
  await wf.sleep('1 second');
  const elapsed = Date.now() - t0 >= 1000;
  let fired = false;
  await new Promise<void>((resolve) => setTimeout(() => { fired = true; resolve(); }, 120));
  const u = wf.uuid4();
  const r = Math.random();
  return { same, elapsed, fired, uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), random: r >= 0 && r < 1 };
}
