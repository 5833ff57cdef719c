// The benchmark's workflows, in TypeScript. Their native Go twins are in
// workflows.go; both call the same Go activity with the same options.
import { proxyActivities, sleep } from '@temporalio/workflow';

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

// A run that stays cached: it blocks on a long timer after its first task.
export async function sleepDay(): Promise<void> {
  await sleep('1 day');
}
