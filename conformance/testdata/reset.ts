// Randomness across a workflow reset (cases_reset_test.go).
import * as wf from '@temporalio/workflow';

const step = wf.defineSignal('step');

// Drawn when the workflows file is evaluated for a run, before its workflow
// function starts (from a stream of its own: other cases' runs evaluate the
// file too).
const top = wf.getRandomStream('top');
const topLevel = top.random();

// resetRandom draws from Math.random, uuid4, workflowRandom and a named
// stream (through a stream object held across the reset and through a fresh
// one) when it starts, in each `step` signal's handler and after each of the
// first two signals; the driver resets it and tells from which seed and at
// which position each value was drawn.
export async function resetRandom(): Promise<unknown> {
  const held = wf.getRandomStream('r');
  const draw = () => ({
    math: Math.random(),
    uuid: wf.uuid4(),
    workflowRandom: wf.workflowRandom.random(),
    held: held.random(),
    fresh: wf.getRandomStream('r').random(),
  });
  const out: Record<string, unknown> = { topLevel, topInWorkflow: top.random() };
  let steps = 0;
  wf.setHandler(step, () => {
    steps++;
    out[`signal${steps}`] = [Math.random(), held.random()];
  });
  out.start = draw();
  await wf.condition(() => steps >= 1);
  out.afterFirst = draw();
  await wf.condition(() => steps >= 2);
  out.afterSecond = draw();
  const info = wf.workflowInfo();
  out.runId = info.runId;
  out.originalExecutionRunId = info.originalExecutionRunId;
  return out;
}
