// Workflows of the crash tests. Each keeps its state small and derives
// everything from its input and its signals, so the tests can compute the
// result a run must have whatever happened to the workers in between.
import { condition, defineQuery, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface StepInput {
  id: number;
  step: number;
}

interface SlowResult {
  attempt: number;
  canceled: boolean;
  stopSeen: boolean;
  beats: number;
}

interface Activities {
  step(input: StepInput): Promise<string>;
  slow(ms: number): Promise<SlowResult>;
}

// A short start-to-close timeout: an attempt lost with its worker is retried
// a few seconds later instead of after the default.
const { step } = proxyActivities<Activities>({
  startToCloseTimeout: '3s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1 },
});

const { slow } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1 },
});

export interface State {
  steps: string[];
  added: number[];
}

export const add = defineSignal<[number]>('add');
export const state = defineQuery<State>('state');

// Runs `steps` activities with a timer after each, then waits until
// `signals` add signals have arrived. Signals are kept in arrival order.
export async function steps(id: number, steps: number, signals: number): Promise<State> {
  const s: State = { steps: [], added: [] };
  setHandler(add, (n: number) => void s.added.push(n));
  setHandler(state, () => s);
  for (let i = 0; i < steps; i++) {
    s.steps.push(await step({ id, step: i }));
    await sleep(100);
  }
  await condition(() => s.added.length >= signals);
  return s;
}

// One long heartbeating activity.
export async function drain(ms: number): Promise<SlowResult> {
  return await slow(ms);
}

// Waits for a timer and for `signals` add signals, both at once.
export async function durable(timerMs: number, signals: number): Promise<{ added: number[]; slept: boolean }> {
  const added: number[] = [];
  let slept = false;
  setHandler(add, (n: number) => void added.push(n));
  setHandler(state, () => ({ steps: [], added }));
  await Promise.all([
    sleep(timerMs).then(() => void (slept = true)),
    condition(() => added.length >= signals),
  ]);
  return { added, slept };
}
