// describe(err) is a failure as workflow code sees it: which of the
// @temporalio/workflow error classes it is an instance of, and its fields,
// with its whole cause chain. The cases return it, so that the suite
// compares what workflow code of both runtimes sees.
import * as wf from '@temporalio/workflow';

const classNames = [
  'TemporalFailure',
  'ApplicationFailure',
  'ActivityFailure',
  'ChildWorkflowFailure',
  'CancelledFailure',
  'TerminatedFailure',
  'TimeoutFailure',
  'ServerFailure',
  'ContinueAsNew',
  'WorkflowExecutionAlreadyStartedError',
  'DeterminismViolationError',
  'WorkflowError',
];

const fields = [
  'type',
  'nonRetryable',
  'details',
  'retryState',
  'timeoutType',
  'activityId',
  'activityType',
  'workflowType',
  'namespace',
  'lastHeartbeatDetails',
  'category',
  'failure',
];

export function describe(err: unknown): unknown {
  if (!(err instanceof Error)) {
    return { notAnError: typeof err, value: String(err) };
  }
  const d: Record<string, unknown> = {
    classes: classNames.filter((c) => {
      const cls = (wf as any)[c];
      return typeof cls === 'function' && err instanceof cls;
    }),
    isError: err instanceof Error,
    name: err.name,
    message: err.message,
    stack: typeof err.stack === 'string' ? err.stack.split('\n')[0] : typeof err.stack,
  };
  for (const f of fields) {
    if (f in err) {
      const v = (err as any)[f];
      d[f] = v === undefined ? 'undefined' : v;
    }
  }
  const exec = (err as any).execution;
  if (exec) d.workflowId = exec.workflowId;
  if (err.cause !== undefined) d.cause = describe(err.cause);
  return d;
}

// attempt runs fn and returns its result, or describe() of what it threw.
export async function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (err) {
    return { threw: describe(err) };
  }
}
