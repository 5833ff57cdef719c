// AsyncLocalStorage, random streams, metricMeter and event groups.
import * as wf from '@temporalio/workflow';
import { acts } from './activities';

const als = new wf.AsyncLocalStorage<string>();

// alsPropagation: where a store set by run() is seen (awaits, promise
// callbacks, timers, cancellation scopes, Promise.all) and where it is not.
export async function alsPropagation(): Promise<unknown[]> {
  const seen: unknown[] = [];
  const note = (tag: string) => seen.push(`${tag}:${als.getStore()}`);
  note('top');
  const r = await als.run('a', async () => {
    note('run');
    await wf.sleep(1);
    note('after sleep');
    await Promise.all([
      als.run('b', async () => {
        await wf.sleep(1);
        note('inner b');
      }),
      (async () => {
        await wf.sleep(2);
        note('sibling');
      })(),
    ]);
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        note('timer');
        resolve();
      }, 10),
    );
    await wf.CancellationScope.nonCancellable(async () => {
      await wf.sleep(1);
      note('scope');
    });
    seen.push(als.run('c', (x: number, y: number) => `${als.getStore()}:${x + y}`, 1, 2));
    note('after sync run');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const then = als.run('d', () => gate.then(() => note('then')));
    als.run('e', () => release());
    await then;
    await acts.echo('x').then(() => note('activity then'));
    return 'result';
  });
  seen.push(r);
  note('after run');
  als.run('f', () => als.exit(() => note('exit')));
  await (async () => {
    als.enterWith('g');
    note('enterWith');
    await wf.sleep(1);
    note('enterWith later');
  })();
  note('after enterWith');
  try {
    als.run('h', () => {
      throw new Error('boom');
    });
  } catch (err) {
    seen.push((err as Error).message);
  }
  note('after throw');
  const other = new wf.AsyncLocalStorage<number>('other');
  seen.push(JSON.stringify(other), other.getStore());
  other.run(1, () => als.run('i', () => seen.push(`${other.getStore()}${als.getStore()}`)));
  seen.push(JSON.stringify(other));
  other.disable();
  seen.push(JSON.stringify(other), other.getStore());
  const snap = als.run('j', () => wf.AsyncLocalStorage.snapshot());
  seen.push(snap(() => als.getStore()));
  const bound = als.run('k', () => wf.AsyncLocalStorage.bind((x: number) => `${als.getStore()}${x}`));
  seen.push(bound(7));
  seen.push(typeof wf.AsyncLocalStorage, Object.keys(other).join(','));
  const fresh = new wf.AsyncLocalStorage();
  fresh.run(undefined, () => 0);
  seen.push(JSON.stringify(fresh));
  return seen;
}

// alsHandlers: what signal and update handlers and queries see of a store
// the main function set.
export async function alsHandlers(): Promise<unknown[]> {
  const seen: unknown[] = [];
  wf.setHandler(wf.defineSignal('sig'), async () => {
    seen.push(`signal:${als.getStore()}`);
    await als.run('s', () => wf.sleep(1));
    seen.push(`signal after:${als.getStore()}`);
  });
  wf.setHandler(wf.defineUpdate<string>('upd'), async () => {
    seen.push(`update:${als.getStore()}`);
    return als.run('u', async () => {
      await wf.sleep(1);
      return `update store:${als.getStore()}`;
    });
  });
  wf.setHandler(wf.defineQuery<string>('q'), () => `query:${als.getStore()}`);
  let done = false;
  wf.setHandler(wf.defineSignal('done'), () => void (done = true));
  await als.run('main', async () => {
    await wf.condition(() => done);
    seen.push(`main:${als.getStore()}`);
  });
  return seen;
}

// randomStreams draws from Math.random, uuid4, workflowRandom and two named
// streams, with and without with(); the driver checks the values against
// the TypeScript SDK's algorithm for the run's original run ID.
export async function randomStreams(): Promise<unknown> {
  const a = wf.getRandomStream('a');
  const out: Record<string, unknown> = {
    runId: wf.workflowInfo().runId,
    math: [Math.random(), Math.random()],
    a: [a.random(), a.random()],
    aAgain: wf.getRandomStream('a').random(),
    b: wf.getRandomStream('b').random(),
    uuid: wf.uuid4(),
    workflowRandom: wf.workflowRandom.random(),
  };
  await wf.sleep(1);
  out.withA = a.with(() => [Math.random(), wf.uuid4()]);
  out.withAsync = await wf.getRandomStream('c').with(async () => {
    await wf.sleep(1);
    const inner = wf.workflowRandom.with(() => Math.random());
    return [Math.random(), inner];
  });
  out.afterWith = Math.random();
  out.streamUuid = wf.getRandomStream('d').uuid4();
  out.fill = Array.from(wf.getRandomStream('e').fill(new Uint8Array(4)));
  out.shape = [Object.keys(a).includes('name'), a.name, typeof a.with, typeof wf.workflowRandom.fill];
  out.originalIsRun = wf.workflowInfo().originalExecutionRunId === wf.workflowInfo().runId;
  return out;
}

// metricMeterApi: the metric objects and their errors (what the metrics
// record is not visible here; the worker tests check it on tsworker).
export async function metricMeterApi(): Promise<unknown[]> {
  const seen: unknown[] = [];
  const attempt = (f: () => unknown) => {
    try {
      seen.push(f());
    } catch (err) {
      seen.push(`${(err as Error).name}: ${(err as Error).message}`);
    }
  };
  const counter = wf.metricMeter.createCounter('c', 'items', 'a counter');
  const histogram = wf.metricMeter.withTags({ t: 1 }).createHistogram('h', 'float', 'ms');
  const gauge = wf.metricMeter.createGauge('g');
  for (const m of [counter, histogram, gauge]) {
    seen.push([m.name, m.unit, m.description, m.kind, m.valueType]);
  }
  attempt(() => counter.add(1, { extra: 'x' }));
  attempt(() => counter.withTags({ a: 'b' }).add(2));
  attempt(() => histogram.record(1.5));
  attempt(() => gauge.set(3, { b: true }));
  attempt(() => counter.add(-1));
  attempt(() => histogram.record(-2));
  attempt(() => gauge.set(-3));
  attempt(() => wf.metricMeter.createUpDownCounter('u'));
  await wf.sleep(1);
  attempt(() => counter.add(1));
  return seen;
}

// eventGroupIds: the markers' shape and IDs; the driver checks the derived
// ID against the run ID.
export async function eventGroupIds(): Promise<unknown> {
  const explicit = wf.createEventGroup('batch', { id: 'g1' });
  const derived = wf.createEventGroup('other label');
  const inScope = await explicit.withScope(async () => {
    await wf.sleep(1);
    return derived.withScope(() => 'nested result');
  });
  return {
    runId: wf.workflowInfo().runId,
    explicit: JSON.stringify(explicit),
    derivedId: (derived as any).marker.label.id,
    keys: Object.keys(derived),
    withScope: typeof explicit.withScope,
    inScope,
    syncScope: explicit.withScope(() => 7 as any),
  };
}

// eventGroupMarkers: commands made in marker scopes, with the eventGroups
// option, and in signal and update handlers (which the TypeScript SDK marks
// implicitly).
export async function eventGroupMarkers(): Promise<string[]> {
  const out: string[] = [];
  const g = wf.createEventGroup('group one', { id: 'g1' });
  const h = wf.createEventGroup('group two', { id: 'g2' });
  const grouped = wf.proxyActivities<typeof acts>({
    startToCloseTimeout: '10s',
    retry: { maximumAttempts: 1 },
    eventGroups: [h],
  } as any);
  wf.setHandler(wf.defineSignal('sig'), async () => {
    out.push(await acts.echo('from signal'));
  });
  let updated = false;
  wf.setHandler(wf.defineUpdate<string>('upd'), async () => {
    const r = await acts.echo('from update');
    updated = true;
    return r;
  });
  await g.withScope(async () => {
    out.push(await acts.echo('scoped'));
    await wf.sleep(1);
    out.push(await h.withScope(() => acts.echo('nested')));
  });
  out.push(await grouped.echo('option'));
  await wf.sleep(1, { eventGroups: [g] } as any);
  await wf.condition(() => updated && out.length === 4);
  return out;
}
