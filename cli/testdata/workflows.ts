import { proxyActivities, sleep, ApplicationFailure } from '@temporalio/workflow';

interface Activities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

export async function hello(name: string): Promise<string> {
  await sleep(10);
  return await greet(name);
}

// pair returns its arguments in an object whose keys are not sorted.
export async function pair(a: string, b: number): Promise<unknown> {
  return { b, a };
}

export async function nothing(): Promise<void> {}

export async function fails(): Promise<void> {
  throw ApplicationFailure.create({ message: 'bad input', type: 'ValidationError', nonRetryable: true });
}

export async function activityFails(): Promise<string> {
  return await greet('');
}

export async function buggy(): Promise<void> {
  (undefined as any).x = 1;
}
