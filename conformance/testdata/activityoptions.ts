import * as wf from '@temporalio/workflow';
import { describe } from './describe';

// tryCall records whether fn throws at once, returns a promise that
// rejects, or returns a promise that resolves.
async function tryCall(fn: () => unknown): Promise<unknown> {
  let p: unknown;
  try {
    p = fn();
  } catch (e) {
    return { threw: describe(e) };
  }
  try {
    return { resolved: await p };
  } catch (e) {
    return { rejected: describe(e) };
  }
}

// activityOptionsMissing calls activities without options or without the
// required timeouts, then schedules one: its activity ID shows which of the
// calls before used up a seq.
export async function activityOptionsMissing(): Promise<unknown> {
  const log: unknown[] = [];
  log.push(await tryCall(() => wf.proxyActivities(undefined as any)));
  log.push(await tryCall(() => wf.proxyActivities({})));
  log.push(await tryCall(() => wf.proxyLocalActivities(undefined as any)));
  log.push(await tryCall(() => wf.proxyLocalActivities({ retry: { maximumAttempts: 1 } })));
  log.push(await tryCall(() => wf.scheduleActivity('echo', ['a'], undefined as any)));
  log.push(await tryCall(() => wf.scheduleActivity('echo', ['b'], {})));
  log.push(await tryCall(() => wf.scheduleActivity('echo', ['c'], { startToCloseTimeout: '10s' })));
  log.push(await tryCall(() => wf.scheduleLocalActivity('localEcho', ['d'], undefined as any)));
  log.push(await tryCall(() => wf.scheduleLocalActivity('localEcho', ['e'], {})));
  log.push(await tryCall(() => wf.scheduleActivity('echo', ['f'], { startToCloseTimeout: '10s' })));
  return log;
}
