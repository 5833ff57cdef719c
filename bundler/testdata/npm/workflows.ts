import { sleep } from '@temporalio/workflow';
import pad from 'tiny-pad';
import { greet } from '@scope/greet';

export async function padded(s: string): Promise<string> {
  await sleep(1);
  return greet(pad(s, 5));
}
