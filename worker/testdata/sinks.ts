import { condition, defineQuery, defineSignal, log, proxySinks, setHandler, sleep, Sinks } from '@temporalio/workflow';

interface AppSinks extends Sinks {
  analytics: {
    addEvent(event: Record<string, unknown>): void;
    step(n: number): void;
  };
}

const { analytics } = proxySinks<AppSinks>();

export const finish = defineSignal('finish');
export const events = defineQuery<number>('events');

// sinks calls sinks before and after a timer (a second workflow task),
// from a query handler, and an unregistered sink, and logs.
export async function sinks(): Promise<string> {
  let finished = false;
  setHandler(finish, () => void (finished = true));
  setHandler(events, () => {
    analytics.addEvent({ query: true });
    return 0;
  });
  const event = { step: 1, tags: ['a'] };
  analytics.addEvent(event);
  // Changed after the call, in the same workflow task: the sink sees 99,
  // as the TypeScript SDK's sinks see their arguments once the task's JS is over.
  event.step = 99;
  analytics.step(1);
  await sleep(10);
  analytics.addEvent({ step: 2, nothing: null });
  analytics.step(2);
  log.info('logged', { a: 1 });
  (proxySinks() as any).missing.fn(1); // logged by the worker, not thrown
  await condition(() => finished);
  analytics.step(3);
  return 'done';
}
