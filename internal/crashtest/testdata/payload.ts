// Workflows of the payload limit tests: values of a size the caller
// chooses, as a result, as an activity's input, as a signal to another
// workflow and as a child's input.
import { executeChild, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';

interface Activities {
  echoLength(s: string): Promise<number>;
}

const { echoLength } = proxyActivities<Activities>({ startToCloseTimeout: '10s' });

// Returns a string of n characters.
export async function bigResult(n: number): Promise<string> {
  return 'x'.repeat(n);
}

// Returns a string of n characters that compresses poorly (gRPC compresses
// messages, and a repeated character would shrink to nothing).
export async function noisyResult(n: number): Promise<string> {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: string[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % 2147483647; // Park-Miller: exact in doubles
    out.push(chars[x % 64]);
  }
  return out.join('');
}

// Calls an activity with a string of n characters and returns the length
// the activity saw.
export async function bigActivityInput(n: number): Promise<number> {
  return await echoLength('y'.repeat(n));
}

// Starts a child with a string of n characters and returns its length.
export async function bigChildInput(n: number): Promise<number> {
  return await executeChild(lengthOf, { args: ['z'.repeat(n)] });
}

// Returns the length of s.
export async function lengthOf(s: string): Promise<number> {
  return s.length;
}

// A normal workflow: one small activity.
export async function small(s: string): Promise<number> {
  return await echoLength(s);
}
