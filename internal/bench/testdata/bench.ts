// The benchmark's workflows, in TypeScript. Their native Go twins are in
// workflows.go; both call the same Go activity with the same options.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface Activities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds' });

// One activity call.
export async function oneActivity(name: string): Promise<string> {
  return await greet(name);
}

// Fifty activities in sequence.
export async function fiftyActivities(name: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    last = await greet(`${name} ${i}`);
  }
  return last;
}

// n activities in sequence: a long history for the replay benchmark.
export async function manyActivities(name: string, n: number): Promise<string> {
  let last = '';
  for (let i = 0; i < n; i++) {
    last = await greet(`${name} ${i}`);
  }
  return last;
}

// A run that stays cached: it blocks on a long timer after its first task.
export async function sleepDay(): Promise<void> {
  await sleep('1 day');
}

// The approval the load workflow waits for, sent by whoever started it.
export const approve = defineSignal<[string]>('approve');

// The load workload's workflow, shaped like a small business flow: an
// activity, a short timer, a wait for a signal, then two more activities.
export async function loadFlow(name: string): Promise<string> {
  let approvedBy = '';
  setHandler(approve, (by: string) => {
    approvedBy = by;
  });
  const hello = await greet(name);
  await sleep('1 second');
  await condition(() => approvedBy !== '');
  const approved = await greet(approvedBy);
  const done = await greet(`${name} done`);
  return `${hello} ${approved} ${done}`;
}
