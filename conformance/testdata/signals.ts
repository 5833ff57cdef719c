import * as wf from '@temporalio/workflow';

// Signals sent from workflows with 0..n arguments, undefined among them,
// through external handles and child handles.
const argsSignal = wf.defineSignal<unknown[]>('args');
const doneSignal = wf.defineSignal('done');

export async function signalArgsReceiver(): Promise<unknown> {
  const got: unknown[] = [];
  let done = false;
  wf.setHandler(argsSignal, (...args: unknown[]) => {
    got.push({ n: args.length, args: args.map((a) => (a === undefined ? '<undefined>' : a)) });
  });
  wf.setHandler(doneSignal, () => {
    done = true;
  });
  await wf.condition(() => done);
  return got;
}

const argLists: unknown[][] = [[], [1], ['a', { b: 2 }], [1, undefined, 'c'], [undefined], ['x', undefined], [null, [3]]];

export async function signalArgsExternal(): Promise<unknown> {
  const c = await wf.startChild(signalArgsReceiver, { workflowId: 'recv-' + wf.workflowInfo().workflowId });
  const h = wf.getExternalWorkflowHandle(c.workflowId);
  for (const args of argLists) {
    await h.signal(argsSignal, ...args);
  }
  await h.signal(doneSignal);
  return c.result();
}

export async function signalArgsChild(): Promise<unknown> {
  const c = await wf.startChild(signalArgsReceiver, { workflowId: 'recv-' + wf.workflowInfo().workflowId });
  for (const args of argLists) {
    await c.signal(argsSignal, ...args);
  }
  await c.signal('done');
  return c.result();
}
