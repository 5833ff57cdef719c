import * as wf from '@temporalio/workflow';

// The built-in queries every workflow answers: __stack_trace,
// __enhanced_stack_trace and __temporal_workflow_metadata, asked while the
// workflow waits on a timer and a condition in functions of its own.
const zetaSignal = wf.defineSignal<[number]>('zeta');
const alphaSignal = wf.defineSignal('alpha');
const doneSignal = wf.defineSignal('bqDone');
const totalQuery = wf.defineQuery<number>('total');
const askQuery = wf.defineQuery<string>('ask');
const bumpUpdate = wf.defineUpdate<number, [number]>('bump');

async function napFor(ms: number): Promise<void> {
  await wf.sleep(ms);
}

async function waitUntilDone(isDone: () => boolean): Promise<void> {
  await wf.condition(isDone);
}

export async function builtinQueries(): Promise<number> {
  let total = 0;
  let done = false;
  wf.setCurrentDetails('waiting for **bqDone**');
  wf.setHandler(zetaSignal, (n) => void (total += n), { description: 'adds n' });
  wf.setHandler(alphaSignal, () => void total++);
  wf.setHandler(totalQuery, () => total, { description: 'the total so far' });
  wf.setHandler(askQuery, () => 'asked');
  wf.setHandler(bumpUpdate, (n) => (total += n), { description: 'adds n and returns the total' });
  wf.setHandler(doneSignal, () => void (done = true), { description: 'ends the run' });
  // Set again: the metadata shows the last description.
  wf.setHandler(totalQuery, () => total, { description: 'the total' });
  wf.setHandler(bumpUpdate, (n) => (total += n), { description: 'adds n, returns the total' });
  const napping = napFor(60_000);
  await waitUntilDone(() => done);
  void napping;
  return total;
}
