import * as wf from '@temporalio/workflow';
import { acts } from './activities';
import { attempt } from './describe';

export async function sleepAndActivities(): Promise<unknown> {
  await wf.sleep(100);
  await wf.sleep('150ms');
  const a = await acts.echo('a');
  const [b, c] = await Promise.all([acts.echo('b'), acts.echo('c')]);
  return [a, b, c];
}

export async function activityFailureCaught(): Promise<unknown> {
  return attempt(() =>
    acts.fail({ message: 'boom', type: 'Boom', nonRetryable: true, details: [{ k: 1 }, 'two'] }),
  );
}

export async function throwError(): Promise<void> {
  throw new Error('x');
}
