// Workflows of the workflow interceptor cases (cases_interceptors_test.go):
// interceptors.ts and subscriptions.ts act on them.
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  scheduleActivity,
  scheduleLocalActivity,
  setHandler,
  sleep,
  startChild,
  createNexusServiceClient,
  ApplicationFailure,
  CancellationScope,
  workflowInfo,
} from '@temporalio/workflow';
import { activations, seen } from './interceptors';
import { subscribable } from './subscriptions';
import { order } from './order';

order.push('intercepted.ts');

const { echoJSON } = proxyActivities<{ echoJSON(v: unknown): Promise<unknown> }>({ startToCloseTimeout: '10s' });
const { localEcho } = proxyLocalActivities<{ localEcho(s: string): Promise<string> }>({ startToCloseTimeout: '10s' });

// What the interceptors saw, activations left out: their number is not the
// point of these cases.
const calls = () => seen.filter((s) => !s.startsWith('activate') && s !== 'conclude');

export async function icptChild(greeting: string): Promise<string> {
  return `${greeting} from the child`;
}

export async function icptCalls(name: string): Promise<unknown> {
  let greeting = '';
  setHandler(defineSignal<[string]>('greet'), (who: string) => {
    greeting = who;
  });
  setHandler(defineQuery<string[], [string]>('seen'), (_arg: string) => calls());
  setHandler(defineUpdate<string, [string]>('add'), (...args: string[]) => args.join('+'), {
    validator: (arg: string) => {
      if (arg === 'invalid') throw new Error('rejected by the validator');
    },
  });
  const echoed = await echoJSON(name);
  const local = await localEcho('local');
  await sleep(5);
  const child = await executeChild(icptChild, { args: ['hello'], workflowId: `${workflowInfo().workflowId}-child` });
  log.info('logged', { extra: 1 });
  await condition(() => greeting !== '');
  return { name, echoed, local, child, greeting, seen: calls() };
}

export async function icptSignals(): Promise<unknown> {
  const id = workflowInfo().workflowId;
  const first = await startChild(icptSignalTarget, { workflowId: `${id}-first` });
  const second = await startChild(icptSignalTarget, { workflowId: `${id}-second` });
  await first.signal('ping', 'to a child');
  const fromFirst = await first.result();
  await getExternalWorkflowHandle(`${id}-second`).signal('ping', 'to an external workflow');
  const fromSecond = await second.result();
  return { fromFirst, fromSecond, seen: calls() };
}

export async function icptSignalTarget(): Promise<string[]> {
  const got: string[] = [];
  setHandler(defineSignal<[string]>('ping'), (s: string) => {
    got.push(s);
  });
  await condition(() => got.length > 0);
  return got;
}

export async function icptContinue(step: string, ...rest: string[]): Promise<unknown> {
  if (step.startsWith('continued')) return { step, rest, seen: calls(), header: 'ended' };
  return await continueAsNew<typeof icptContinue>('continued', 'dropped');
}

export async function icptActivations(): Promise<unknown> {
  await sleep(5);
  await echoJSON('x');
  return seen;
}

export async function icptSubCounter(initial: number, steps: number): Promise<number> {
  const state = subscribable(initial);
  for (let i = 0; i < steps; ++i) {
    await sleep(5);
    state.value += 10;
  }
  return state.value;
}

// The echo operation of the suite's Nexus endpoint (cases_nexus_test.go).
const nexusService = { name: 'conformance', operations: { echo: { name: 'echo' }, headers: { name: 'headers' } } };

export async function icptNexus(): Promise<unknown> {
  const client = createNexusServiceClient({ endpoint: 'conformance-nexus', service: nexusService as never });
  const executed = await client.executeOperation('echo' as never, 'executed' as never, { scheduleToCloseTimeout: '10s' });
  const handle = await client.startOperation('echo' as never, 'started' as never);
  // The handler answers with the Nexus headers the interceptor set.
  const headers = await client.executeOperation('headers' as never, 'h' as never, { scheduleToCloseTimeout: '10s' });
  return { executed, started: await handle.result(), token: handle.token, headers, seen: calls() };
}

// A workflow failure through the execute interceptors.
export async function icptFails(how: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(`failed: ${how}`, 'Intercepted');
}

const { notScheduled } = proxyActivities<{ notScheduled(s: string): Promise<string> }>({ startToCloseTimeout: '10s' });
const local2 = proxyLocalActivities<{ localEcho(s: string): Promise<string>; notScheduled(s: string): Promise<string> }>({
  startToCloseTimeout: '10s',
});

// Activities that the interceptors answer without calling next use up their
// seq all the same: the IDs of the activities after them skip it.
export async function icptSeqs(): Promise<unknown> {
  const answered = await notScheduled('x');
  const echoed = await echoJSON('after');
  const localAnswered = await local2.notScheduled('y');
  const local = await local2.localEcho('local');
  const again = await echoJSON('again');
  return { answered, echoed, localAnswered, local, again, seen: calls() };
}

// The order in which the workers evaluate the modules' top levels and call
// the interceptor factories (see order.ts).
export async function icptOrder(): Promise<string[]> {
  return order;
}

// Its run's interceptors factory throws (see interceptors.ts).
export async function icptFactoryThrows(): Promise<string> {
  return 'not reached';
}

// What activate and concludeActivation see of each activation: its jobs and
// the commands it concludes with (see interceptors.ts), and its batch index.
export async function icptJobs(): Promise<unknown> {
  await sleep(5);
  const echoed = await echoJSON('x');
  return { echoed, activations: [...activations] };
}

// The timers the startTimer interceptors see, and their seqs: sleep's,
// condition's timeout and setTimeout's.
export async function icptTimers(): Promise<unknown> {
  await sleep(5);
  const met = await condition(() => false, 7);
  await new Promise((resolve) => setTimeout(resolve, 9));
  const met2 = await condition(() => true, 13);
  await sleep('11ms');
  return { met, met2, seen: calls() };
}

// Activities called without options or without the required timeouts:
// which reach the interceptors, and the seqs the activities after them get.
export async function icptActivityOptions(): Promise<unknown> {
  const out: unknown[] = [];
  const record = async (fn: () => unknown) => {
    try {
      await fn();
      out.push('resolved');
    } catch (e) {
      out.push((e as Error).message);
    }
  };
  await record(() => scheduleActivity('echoJSON', ['a'], undefined as any));
  await record(() => scheduleActivity('echoJSON', ['b'], {}));
  await record(() => scheduleLocalActivity('localEcho', ['c'], undefined as any));
  await record(() => scheduleLocalActivity('localEcho', ['d'], {}));
  await record(() => echoJSON('e'));
  return { out, seen: calls() };
}

// A local activity that fails twice and then succeeds, with retries
// quicker and slower than its localRetryThreshold: the calls of the
// scheduleLocalActivity interceptors.
export async function icptLocalRetries(): Promise<unknown> {
  const quick = proxyLocalActivities<{ localFailTimes(n: number): Promise<number> }>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '50ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  const quickAttempt = await quick.localFailTimes(2);
  const { localFailTimes } = proxyLocalActivities<{ localFailTimes(n: number): Promise<number> }>({
    startToCloseTimeout: '10s',
    localRetryThreshold: '100ms',
    retry: { initialInterval: '300ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  const attempt = await localFailTimes(2);
  return { quickAttempt, attempt, seen: calls() };
}

// CancellationScope.withTimeout's timer, a sleep through the startTimer
// interceptors: for a scope that finishes at once (no timer is started) and
// for one that times out.
export async function icptWithTimeout(): Promise<unknown> {
  const quick = await CancellationScope.withTimeout('1s', async () => 'quick');
  let timedOut = '';
  try {
    await CancellationScope.withTimeout(5, () => sleep('1m'));
  } catch (e) {
    timedOut = (e as Error).message;
  }
  return { quick, timedOut, seen: calls() };
}
