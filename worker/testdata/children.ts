import {
  executeChild, startChild, getExternalWorkflowHandle, continueAsNew, makeContinueAsNewFunc, defineSignal, setHandler,
  condition, workflowInfo, ChildWorkflowFailure, ApplicationFailure, proxyLocalActivities, upsertSearchAttributes,
  upsertMemo, sleep, CancellationScope, isCancellation, ParentClosePolicy, setCurrentDetails, getCurrentDetails,
  WorkflowExecutionAlreadyStartedError, defineSearchAttributeKey, SearchAttributeType,
} from '@temporalio/workflow';

const poke = defineSignal<[string]>('poke');

export async function child(name: string): Promise<string> {
  const info = workflowInfo();
  return `child ${name} of ${info.parent?.workflowId} root ${info.root?.workflowId}`;
}

export async function waitingChild(): Promise<string> {
  let got = '';
  setHandler(poke, (v: string) => void (got = v));
  await condition(() => got !== '');
  return `poked ${got}`;
}

export async function failingChild(): Promise<void> {
  throw ApplicationFailure.nonRetryable('child broke', 'ChildError');
}

export async function parent(): Promise<unknown[]> {
  const out: unknown[] = [];
  out.push(await executeChild(child, { args: ['a'], workflowId: workflowInfo().workflowId + '-a' }));
  const h = await startChild('waitingChild', { workflowId: workflowInfo().workflowId + '-w' });
  await h.signal(poke, 'hello');
  out.push(h.workflowId, await h.result());
  out.push(await executeChild('GoChild', { args: ['from js'] }));
  try {
    await executeChild(failingChild, {});
  } catch (e) {
    const f = e as ChildWorkflowFailure;
    out.push({ cls: f.name, message: f.message, workflowType: f.workflowType, retryState: f.retryState,
      cause: (f.cause as ApplicationFailure).message, causeType: (f.cause as ApplicationFailure).type });
  }
  try {
    await startChild('waitingChild', { workflowId: workflowInfo().workflowId + '-w' });
    await startChild('waitingChild', { workflowId: workflowInfo().workflowId + '-w2' });
    await startChild('waitingChild', { workflowId: workflowInfo().workflowId + '-w2' });
  } catch (e) {
    out.push(`already started: ${e instanceof WorkflowExecutionAlreadyStartedError}`);
  }
  return out;
}

export async function parentClose(policy: ParentClosePolicy): Promise<string> {
  const h = await startChild(waitingChild, { workflowId: `${workflowInfo().workflowId}-child`, parentClosePolicy: policy });
  return h.workflowId;
}

export async function cancelChild(): Promise<unknown> {
  try {
    await CancellationScope.cancellable(async () => {
      const h = await startChild(waitingChild, {});
      CancellationScope.current().cancel();
      await h.result();
    });
    return 'not cancelled';
  } catch (e) {
    return { cls: (e as Error).name, isCancellation: isCancellation(e), cause: ((e as ChildWorkflowFailure).cause as Error)?.name };
  }
}

export async function signalExternal(targetId: string): Promise<void> {
  await getExternalWorkflowHandle(targetId).signal(poke, 'external');
}

export async function cancelExternal(targetId: string): Promise<void> {
  await getExternalWorkflowHandle(targetId).cancel();
}

export async function countdown(n: number, runs: string[] = []): Promise<unknown> {
  const info = workflowInfo();
  runs.push(info.runId);
  if (n > 0) {
    await continueAsNew<typeof countdown>(n - 1, runs);
  }
  return { runs: runs.length, distinct: new Set(runs).size, historyLength: info.historyLength > 0, suggested: info.continueAsNewSuggested };
}

export async function canToOther(): Promise<string> {
  const next = makeContinueAsNewFunc<typeof child>({ workflowType: 'child' });
  return await next('via continue-as-new');
}

export async function localActs(): Promise<unknown[]> {
  const { flakyLocal } = proxyLocalActivities<{ flakyLocal(key: string, failures: number): Promise<number> }>({
    startToCloseTimeout: '5s',
    retry: { initialInterval: '2s', maximumAttempts: 3 },
  });
  const out: unknown[] = [await flakyLocal(workflowInfo().workflowId, 1)];
  const { failLocal } = proxyLocalActivities<{ failLocal(): Promise<void> }>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 1 } });
  try {
    await failLocal();
  } catch (e) {
    out.push({ cls: (e as Error).name, message: (e as Error).message, type: (e as ApplicationFailure).type });
  }
  return out;
}

export async function searchAttrs(): Promise<unknown> {
  upsertSearchAttributes({ CustomKeywordField: ['tsworker-sa'] });
  upsertSearchAttributes([{ key: defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT), value: 42 }]);
  upsertMemo({ note: { z: 1, a: 2 } });
  setCurrentDetails('working on it');
  const info = workflowInfo();
  let done = false;
  setHandler(poke, () => void (done = true));
  await condition(() => done);
  return { sa: info.searchAttributes, memo: info.memo, details: getCurrentDetails() };
}

export async function timers(): Promise<string[]> {
  const out: string[] = [];
  const t = setTimeout(() => out.push('cleared'), 10);
  clearTimeout(t);
  await new Promise<void>((resolve) => setTimeout(() => { out.push('fired'); resolve(); }, 20));
  await sleep(1);
  return out;
}
