import * as wf from '@temporalio/workflow';
import { attempt } from './describe';

export async function childOk(s: string): Promise<string> {
  return 'child ' + s;
}

export async function childFails(): Promise<void> {
  throw wf.ApplicationFailure.create({ message: 'child failed', type: 'ChildType', details: ['cd'] });
}

const release = wf.defineSignal<[string]>('release');

export async function childWaits(): Promise<string> {
  let got = '';
  wf.setHandler(release, (s) => {
    got = s;
  });
  await wf.condition(() => got !== '', '20s');
  return got;
}

function childId(name: string): string {
  return name + '-' + wf.workflowInfo().workflowId;
}

export async function childrenBasic(): Promise<unknown> {
  const ok = await wf.executeChild(childOk, { args: ['x'], workflowId: childId('ok') });
  const failed = await attempt(() => wf.executeChild(childFails, { workflowId: childId('fails') }));
  return { ok, failed };
}

export async function childTerminated(): Promise<unknown> {
  return attempt(() => wf.executeChild(childWaits, { workflowId: childId('term') }));
}

export async function childCancelledByScope(): Promise<unknown> {
  return attempt(() =>
    wf.CancellationScope.cancellable(async () => {
      const h = await wf.startChild(childWaits, { workflowId: childId('scope') });
      wf.CancellationScope.current().cancel();
      return h.result();
    }),
  );
}

export async function externalHandles(): Promise<unknown> {
  const a = await wf.startChild(childWaits, { workflowId: childId('sig') });
  await wf.getExternalWorkflowHandle(a.workflowId).signal(release, 'via external');
  const signalled = await a.result();
  const b = await wf.startChild(childWaits, { workflowId: childId('cancel') });
  await wf.getExternalWorkflowHandle(b.workflowId).cancel();
  const cancelled = await attempt(() => b.result());
  const c = await wf.startChild(childWaits, { workflowId: childId('direct') });
  await c.signal(release, 'via handle');
  return { signalled, cancelled, direct: await c.result() };
}
