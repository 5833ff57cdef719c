import { condition, defineQuery, defineSignal, defineUpdate, executeChild, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { trace } from './interceptors';

const { echo } = proxyActivities<{ echo(...args: string[]): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function child(): Promise<string> {
  return 'child done';
}

export async function intercepted(name: string): Promise<unknown> {
  let greeting = '';
  setHandler(defineSignal<[string]>('greet'), (who) => {
    greeting = who;
  });
  setHandler(defineQuery<string[]>('trace'), () => trace.filter((t) => !t.startsWith('activate') && t !== 'conclude'));
  // The handleUpdate interceptor adds an argument.
  setHandler(defineUpdate<string, [string]>('add'), (...args: [string]) => args.join(','), { validator: (_x: string) => undefined });
  const echoed = await echo('a');
  await sleep('10ms');
  const fromChild = await executeChild(child, { workflowId: `${name}-child` });
  await condition(() => greeting !== '');
  return { name, echoed, fromChild, greeting, activations: trace.filter((t) => t === 'conclude').length > 0 };
}
