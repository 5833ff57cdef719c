import {
  proxyActivities, defineSignal, defineQuery, defineUpdate, setHandler, condition, upsertMemo, workflowInfo,
  startChild, getExternalWorkflowHandle,
  ActivityFailure, ApplicationFailure,
} from '@temporalio/workflow';

interface Execution { workflowId: string; runId: string }

interface Activities {
  shout(s: string): Promise<string>;
  refuse(s: string): Promise<void>;
  execution(id: string): Promise<Execution>;
}

const acts = proxyActivities<Activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

export const reveal = defineSignal<[string]>('reveal');
export const peek = defineQuery<string, [string]>('peek');
export const change = defineUpdate<string, [string]>('change');

// Every kind of payload carries the input's secret: arguments, activity
// arguments and results, a signal, a query, an update, the memo, an
// activity failure's message and details, and the result.
export async function vault(input: { secret: string }, exec: Execution): Promise<unknown> {
  let signalled = '';
  let updated = '';
  setHandler(reveal, (s: string) => void (signalled = s));
  setHandler(peek, (prefix: string) => `${prefix}:${input.secret}`);
  setHandler(change, (s: string) => {
    updated = s;
    return `updated:${s}`;
  });
  const shouted = await acts.shout(input.secret);
  upsertMemo({ note: `memo ${input.secret}` });
  let failure: unknown = 'no failure';
  try {
    await acts.refuse(input.secret);
  } catch (e) {
    if (e instanceof ActivityFailure && e.cause instanceof ApplicationFailure) {
      failure = { message: e.cause.message, type: e.cause.type, details: e.cause.details };
    } else {
      failure = `unexpected ${e}`;
    }
  }
  const fromGo = await acts.execution(input.secret);
  await condition(() => signalled !== '' && updated !== '');
  const memo = workflowInfo().memo ?? {};
  return {
    shouted, signalled, updated, failure,
    fromGo, fromGoIsPlain: Object.getPrototypeOf(fromGo) === Object.prototype,
    argExec: exec, memo: memo.origin,
  };
}

// Fails the workflow with a secret in the message and the details.
export async function failing(secret: string): Promise<void> {
  throw ApplicationFailure.create({ message: `no ${secret}`, type: 'Refused', nonRetryable: true, details: [{ secret }] });
}

const pair = defineSignal<[string, string]>('pair');

// pairReceiver returns the arguments of the two pair signals it gets.
export async function pairReceiver(): Promise<string[][]> {
  const got: string[][] = [];
  setHandler(pair, (a: string, b: string) => void got.push([a, b]));
  await condition(() => got.length === 2);
  return got;
}

// pairSender signals its child with two secret arguments, through the
// child's handle and through an external handle.
export async function pairSender(secret: string): Promise<string[][]> {
  const c = await startChild(pairReceiver, { workflowId: 'pair-' + workflowInfo().workflowId });
  await c.signal(pair, secret, 'child ' + secret);
  await getExternalWorkflowHandle(c.workflowId).signal(pair, secret, 'external ' + secret);
  return c.result();
}
