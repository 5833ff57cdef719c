import * as wf from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { acts } from './activities';

export async function continueAsNewMemo(iteration: number): Promise<unknown> {
  if (iteration === 0) {
    const next = wf.makeContinueAsNewFunc<typeof continueAsNewMemo>({
      memo: { m: 'memo value' },
      searchAttributes: { CustomKeywordField: ['can'] },
    });
    await next(1);
  }
  const i = wf.workflowInfo();
  return {
    iteration,
    memo: i.memo,
    searchAttributes: i.searchAttributes,
    continued: i.continuedFromExecutionRunId !== undefined,
  };
}

export async function continueAsNewPlain(iteration: number): Promise<unknown> {
  if (iteration < 2) {
    await wf.continueAsNew<typeof continueAsNewPlain>(iteration + 1);
  }
  return iteration;
}

const kw = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);

export async function searchAttributesAndMemo(): Promise<unknown> {
  const i0 = wf.workflowInfo();
  const before = { sa: i0.searchAttributes, memo: i0.memo };
  wf.upsertSearchAttributes({ CustomIntField: [8] });
  wf.upsertMemo({ added: 'yes' });
  const i1 = wf.workflowInfo();
  const after = { sa: i1.searchAttributes, memo: i1.memo };
  return { before, after };
}

export async function typedSearchAttributes(): Promise<unknown> {
  wf.upsertSearchAttributes([{ key: int, value: 9 }]);
  const i = wf.workflowInfo();
  return { int: i.typedSearchAttributes.get(int), kw: i.typedSearchAttributes.get(kw) ?? 'undefined', sa: i.searchAttributes };
}

export async function patches(): Promise<unknown> {
  const p1 = wf.patched('p1');
  wf.deprecatePatch('p2');
  const p1again = wf.patched('p1');
  await acts.echo('after patches');
  return { p1, p1again };
}

export async function infoFields(): Promise<unknown> {
  const i = wf.workflowInfo();
  return {
    workflowId: i.workflowId,
    workflowType: i.workflowType,
    taskQueue: i.taskQueue,
    namespace: i.namespace,
    attempt: i.attempt,
    historyLength: i.historyLength,
    continuedFromExecutionRunId: i.continuedFromExecutionRunId ?? 'undefined',
    parent: i.parent ?? 'undefined',
    cronSchedule: i.cronSchedule ?? 'undefined',
    executionTimeoutMs: i.executionTimeoutMs ?? 'undefined',
    runTimeoutMs: i.runTimeoutMs ?? 'undefined',
    taskTimeoutMs: i.taskTimeoutMs,
    retryPolicy: i.retryPolicy ?? 'undefined',
    memo: i.memo ?? 'undefined',
    searchAttributes: i.searchAttributes,
    isReplaying: i.unsafe.isReplaying,
    inWorkflowContext: wf.inWorkflowContext(),
  };
}

export async function infoChild(): Promise<unknown> {
  const i = wf.workflowInfo();
  return { parent: i.parent ?? 'undefined', root: (i as any).root ?? 'undefined' };
}

export async function infoParent(): Promise<unknown> {
  return wf.executeChild(infoChild, { workflowId: 'child-' + wf.workflowInfo().workflowId });
}
