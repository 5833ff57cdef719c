// Type-checked only, never run: uses the declared workflow API the way
// TypeScript SDK code does, and checks with @ts-expect-error that misuse is
// rejected.
import * as wf from '@temporalio/workflow';
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ChildWorkflowHandle,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  HandlerUnfinishedPolicy,
  isCancellation,
  log,
  proxyActivities,
  RetryState,
  rootCause,
  setHandler,
  sleep,
  TemporalFailure,
  TimeoutFailure,
  TimeoutType,
  Trigger,
  type WorkflowInfo,
} from '@temporalio/workflow';
import { ensureApplicationFailure, type Duration, type RetryPolicy } from '@temporalio/common';
import type * as activities from './activities';

const { charge, refund } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: 5000,
  scheduleToCloseTimeout: '2 hours',
  taskQueue: 'payments',
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: ['CardDeclined'] },
});

const untyped = wf.proxyActivities({ startToCloseTimeout: 1000 });
const local = wf.proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s', localRetryThreshold: '10s' });

export const approve = defineSignal<[approver: string]>('approve');
export const cancelOrder = defineSignal('cancelOrder');
export const status = defineQuery<string>('status');
export const itemCount = defineQuery<number, [sku: string]>('itemCount');
export const addItem = defineUpdate<number, [sku: string, qty: number]>('addItem');

export interface OrderInput {
  id: string;
  amountCents: number;
}

export async function order(input: OrderInput): Promise<{ receipt: string; approvedBy?: string }> {
  let state = 'new';
  let approvedBy: string | undefined;
  let cancelled = false;
  const items = new Map<string, number>();

  setHandler(approve, (approver) => {
    approvedBy = approver;
  });
  setHandler(cancelOrder, () => void (cancelled = true), { description: 'cancel the order' });
  setHandler(status, () => state);
  setHandler(itemCount, (sku) => items.get(sku) ?? 0);
  setHandler(
    addItem,
    async (sku, qty) => {
      await sleep(10);
      items.set(sku, (items.get(sku) ?? 0) + qty);
      return items.size;
    },
    {
      validator: (_sku, qty) => {
        if (qty <= 0) throw new Error('qty must be positive');
      },
      unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON,
      description: 'add an item',
    },
  );
  setHandler(approve, undefined);
  wf.setDefaultSignalHandler((name, ...args) => log.info('signal', { name, args }));
  // @ts-expect-error the Go SDK core has no default query handler
  wf.setDefaultQueryHandler((name) => name);
  // @ts-expect-error nor a default update handler
  wf.setDefaultUpdateHandler(async (name, ...args) => ({ name, args }));
  wf.encodeWorkflowIdConflictPolicy(wf.WorkflowIdConflictPolicy.FAIL);
  wf.decodeRetryState(1) satisfies wf.RetryState | undefined;
  wf.errorMessage(new Error('x'));
  wf.setHandler(wf.enhancedStackTraceQuery, () => undefined);

  // @ts-expect-error the signal takes a string
  setHandler(approve, (approver: number) => void approver);
  // @ts-expect-error queries are synchronous and return the declared type
  setHandler(status, () => 42);

  const approved: boolean = await condition(() => approvedBy !== undefined || cancelled, '1 day');
  const forever: void = await condition(() => cancelled);
  void forever;
  if (!approved) throw ApplicationFailure.nonRetryable('not approved in time', 'Timeout', { id: input.id });
  await condition(wf.allHandlersFinished);

  state = 'charging';
  const receipt = await charge(input.id, input.amountCents);
  // @ts-expect-error charge takes a number of cents
  await charge(input.id, '12.50');
  await charge.executeWithOptions({ startToCloseTimeout: '2m' }, [input.id, 1]);
  await untyped.anything(1, 'two');
  await local.refund(receipt);

  const info: WorkflowInfo = wf.workflowInfo();
  log.info('charged', { id: info.workflowId, run: info.runId, attempt: info.attempt, tq: info.taskQueue });
  const started: Date = info.startTime;
  void started;
  void info.unsafe.isReplaying;
  void wf.currentUpdateInfo()?.name;
  wf.setCurrentDetails(`charged ${wf.getCurrentDetails()}`);
  void wf.inWorkflowContext();
  void wf.uuid4();
  if (wf.patched('v2-refunds')) wf.deprecatePatch('v1-refunds');
  wf.upsertSearchAttributes({ CustomKeywordField: ['a'], CustomIntField: [1] });
  wf.upsertSearchAttributes([{ key: wf.defineSearchAttributeKey('Status', wf.SearchAttributeType.KEYWORD), value: 'ok' }]);
  wf.upsertMemo({ note: 'x', gone: undefined });
  return { receipt, approvedBy };
}

export async function child(n: number, label: string): Promise<string> {
  await sleep('1 minute');
  await sleep(250, { summary: 'short' });
  // @ts-expect-error not a duration
  await sleep('1 fortnight');
  return `${label}${n}`;
}

export async function noArgs(): Promise<void> {}

export async function parent(): Promise<string[]> {
  const handle: ChildWorkflowHandle<typeof child> = await wf.startChild(child, {
    args: [1, 'a'],
    workflowId: 'child-1',
    parentClosePolicy: wf.ParentClosePolicy.ABANDON,
    cancellationType: wf.ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    workflowExecutionTimeout: '1 hour',
    retry: { maximumAttempts: 1 },
  });
  await handle.signal(approve, 'me');
  await handle.signal('cancelOrder');
  const a: string = await handle.result();
  const b: string = await wf.executeChild(child, { args: [2, 'b'] });
  const c = await wf.executeChild<typeof child>('child', { args: [3, 'c'], taskQueue: 'other' });
  await wf.executeChild(noArgs);
  // @ts-expect-error child takes two arguments
  await wf.executeChild(child, { args: [1] });
  const ext = wf.getExternalWorkflowHandle('other-workflow');
  await ext.signal(approve, 'parent');
  await ext.cancel();
  return [a, b, c];
}

export async function scopes(): Promise<string> {
  const trigger = new Trigger<string>();
  setHandler(approve, (who) => trigger.resolve(who));
  try {
    await CancellationScope.withTimeout('5 minutes', async () => {
      await Promise.all([sleep('10 minutes'), trigger]);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => refund('all'));
  }
  const scope = new CancellationScope({ cancellable: true, timeout: '1m' });
  const p = scope.run(() => sleep(1000));
  scope.cancel();
  await p.catch((err) => {
    if (err instanceof CancelledFailure) log.warn('cancelled', { details: err.details });
  });
  await CancellationScope.cancellable(async () => {
    CancellationScope.current().cancel();
    await CancellationScope.current().cancelRequested.catch(() => undefined);
  });
  return await trigger;
}

export async function failures(): Promise<unknown> {
  try {
    await charge('x', 1);
  } catch (err) {
    if (err instanceof ActivityFailure) {
      const state: RetryState = err.retryState;
      if (state === RetryState.MAXIMUM_ATTEMPTS_REACHED && err.cause instanceof ApplicationFailure) {
        return { type: err.cause.type, details: err.cause.details, nonRetryable: err.cause.nonRetryable, at: err.activityType };
      }
      if (err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.HEARTBEAT) {
        return err.cause.lastHeartbeatDetails;
      }
    }
    if (err instanceof ChildWorkflowFailure) return err.execution.workflowId;
    if (err instanceof TemporalFailure) return rootCause(err);
    const f = ensureApplicationFailure(err);
    throw ApplicationFailure.fromError(f, { nonRetryable: true });
  }
  throw ApplicationFailure.create({
    message: 'done',
    type: 'Done',
    details: [1, 'two'],
    nextRetryDelay: '5s',
    category: wf.ApplicationFailureCategory.BENIGN,
  });
}

let counter = 0;
export async function loop(iteration = 0): Promise<number> {
  counter++;
  if (wf.workflowInfo().continueAsNewSuggested || iteration > 100) {
    const next = wf.makeContinueAsNewFunc<typeof loop>({ workflowRunTimeout: '1 day' });
    return await next(0);
  }
  await wf.continueAsNew<typeof loop>(iteration + 1);
  return counter;
}

export async function globals(): Promise<string> {
  const d: Duration = '3 hours';
  const rp: RetryPolicy = { maximumInterval: d };
  void rp;
  const t = setTimeout(() => console.log('tick', Date.now()), 100);
  clearTimeout(t);
  await new Promise((resolve) => setTimeout(resolve, 200));
  queueMicrotask(() => console.debug('microtask'));
  const bytes = new TextEncoder().encode('héllo');
  const u = new URL('/path?q=1', 'https://example.com');
  u.searchParams.append('r', '2');
  const params = new URLSearchParams({ a: '1' });
  const ctrl = new AbortController();
  ctrl.signal.addEventListener('abort', () => console.info('aborted', ctrl.signal.reason));
  ctrl.abort();
  assert(ctrl.signal.aborted, 'aborted');
  assert.strictEqual(params.get('a'), '1');
  class Resource {
    [Symbol.dispose](): void {}
    [Symbol.asyncDispose](): Promise<void> { return Promise.resolve(); }
  }
  void new Resource();
  class MyError extends Error {
    constructor(message: string) {
      super(message);
      Error.captureStackTrace(this, MyError);
    }
  }
  void new MyError('x');
  const price = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1.5);
  return new TextDecoder().decode(bytes) + wf.uuid4() + Math.random() + u.href + price;
}
