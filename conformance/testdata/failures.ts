import * as wf from '@temporalio/workflow';
import { acts } from './activities';
import { attempt, describe } from './describe';

export async function appFailureThrown(): Promise<void> {
  throw wf.ApplicationFailure.create({
    message: 'app',
    type: 'AppType',
    nonRetryable: true,
    details: [1, 'x'],
    cause: new Error('inner'),
  });
}

export async function appFailureRetryable(): Promise<void> {
  throw wf.ApplicationFailure.retryable('r', 'R', { d: true });
}

export async function activityFailureRethrown(): Promise<void> {
  await acts.fail({ message: 'act', type: 'ActType', nonRetryable: true, details: ['d'] });
}

export async function throwNonError(): Promise<void> {
  throw 'plain string';
}

export async function throwTypeError(): Promise<void> {
  throw new TypeError('bad type');
}

// failWithJSCause is the child of the Go parent (GoParent).
export async function failWithJSCause(): Promise<void> {
  throw wf.ApplicationFailure.create({ message: 'outer', type: 'Outer', nonRetryable: true, cause: new Error('js inner') });
}

export async function takesArg(x: unknown): Promise<unknown> {
  return x;
}

export async function unhandledRejection(): Promise<string> {
  Promise.reject(new Error('forgotten'));
  await wf.sleep(10);
  return 'done';
}

export async function weakRefs(): Promise<unknown> {
  const out: Record<string, unknown> = {};
  try {
    new WeakRef({});
    out.weakRef = 'created';
  } catch (err) {
    out.weakRef = describe(err);
  }
  try {
    new FinalizationRegistry(() => undefined);
    out.finalizationRegistry = 'created';
  } catch (err) {
    out.finalizationRegistry = describe(err);
  }
  return out;
}

// Module code runs outside any workflow (the TypeScript SDK loads the
// module once per worker): what it sees of the workflow context.
const atModuleLoad = wf.inWorkflowContext();

const patchInQuery = wf.defineQuery<unknown>('patchInQuery');

export async function patchedOutside(): Promise<unknown> {
  let done = false;
  wf.setHandler(patchInQuery, () => {
    try {
      return { ok: wf.patched('in-query') };
    } catch (err) {
      return { threw: describe(err) };
    }
  });
  wf.setHandler(wf.defineSignal('finish'), () => {
    done = true;
  });
  await wf.condition(() => done, '10s');
  return { atModuleLoad, inWorkflowContext: wf.inWorkflowContext() };
}

export async function signalMissingExternal(): Promise<unknown> {
  const h = wf.getExternalWorkflowHandle('missing-' + wf.workflowInfo().workflowId);
  return { signal: await attempt(() => h.signal('x', 1)), cancel: await attempt(() => h.cancel()) };
}
