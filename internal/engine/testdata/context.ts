// AsyncLocalStorage, random streams and event groups (context_test.go).
import {
  AsyncLocalStorage, CancellationScope, createEventGroup, getRandomStream, sleep, uuid4, workflowInfo,
  workflowRandom,
} from '@temporalio/workflow';

const als = new AsyncLocalStorage<string>();

export async function alsFollows(): Promise<string[]> {
  const seen: string[] = [];
  const note = (tag: string) => seen.push(`${tag}=${als.getStore()}`);
  await als.run('a', async () => {
    await sleep(1);
    note('await');
    setTimeout(() => note('timer'), 5);
    await als.run('b', () => CancellationScope.nonCancellable(async () => {
      await sleep(10);
      note('scope');
    }));
    note('back');
  });
  note('out');
  return seen;
}

export async function randomDraws(): Promise<unknown> {
  const out = {
    runId: workflowInfo().runId,
    math: Math.random(),
    uuid: uuid4(),
    x: getRandomStream('x').random(),
    withX: getRandomStream('x').with(() => Math.random()),
    main: workflowRandom.random(),
  };
  await sleep(1);
  return out;
}

export async function eventGroups(): Promise<unknown> {
  const g = createEventGroup('label', { id: 'given' });
  const d = createEventGroup('label');
  const nested = await g.withScope(async () => {
    await sleep(1);
    return d.withScope(async () => 'inner');
  });
  return { runId: workflowInfo().runId, given: (g as any).marker.label.id, derived: (d as any).marker.label.id, nested };
}
