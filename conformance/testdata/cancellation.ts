import * as wf from '@temporalio/workflow';
import { acts } from './activities';
import { attempt, describe } from './describe';

export async function cancelCaught(): Promise<unknown> {
  try {
    await wf.sleep(60_000);
    return 'not cancelled';
  } catch (err) {
    return {
      err: describe(err),
      isCancellation: wf.isCancellation(err),
      consideredCancelled: wf.CancellationScope.current().consideredCancelled,
    };
  }
}

export async function cancelUncaught(): Promise<void> {
  await wf.sleep(60_000);
}

export async function cancelNonCancellable(): Promise<unknown> {
  try {
    await wf.sleep(60_000);
  } catch (err) {
    const r = await wf.CancellationScope.nonCancellable(() => acts.echo('cleanup'));
    return { err: describe(err), r };
  }
  return 'not cancelled';
}

export async function rethrowActivityCancelled(): Promise<void> {
  const scope = new wf.CancellationScope();
  const p = scope.run(() => acts.waitCancel(10_000));
  await wf.sleep(200);
  scope.cancel();
  await p;
}

export async function rethrowCancelledCause(): Promise<void> {
  const scope = new wf.CancellationScope();
  const p = scope.run(() => acts.waitCancel(10_000));
  await wf.sleep(200);
  scope.cancel();
  try {
    await p;
  } catch (err) {
    throw (err as any).cause ?? err;
  }
}

export async function cancelBeforeScheduled(): Promise<unknown> {
  const scope = new wf.CancellationScope();
  const p = scope.run(() => acts.echo('never'));
  scope.cancel();
  const r = await attempt(() => p);
  const after = await acts.echo('after');
  return { r, after };
}

export async function withTimeoutActivity(): Promise<unknown> {
  const r = await attempt(() => wf.CancellationScope.withTimeout(300, () => acts.waitCancel(5_000)));
  return r;
}

export async function cancelTimerScope(): Promise<unknown> {
  const r = await attempt(() =>
    wf.CancellationScope.cancellable(async () => {
      const p = wf.sleep(10_000);
      await wf.sleep(50);
      wf.CancellationScope.current().cancel();
      await p;
    }),
  );
  return r;
}
