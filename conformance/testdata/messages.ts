import * as wf from '@temporalio/workflow';
import { local } from './activities';

const add = wf.defineSignal<[number]>('add');
const finish = wf.defineSignal('finish');
const total = wf.defineQuery<number>('total');
const addAndGet = wf.defineUpdate<number, [number]>('addAndGet');

export async function messagesBasic(): Promise<number> {
  let n = 0;
  let done = false;
  wf.setHandler(add, (k) => {
    n += k;
  });
  wf.setHandler(finish, () => {
    done = true;
  });
  wf.setHandler(total, () => n);
  wf.setHandler(
    addAndGet,
    async (k) => {
      await wf.sleep(10);
      n += k;
      return n;
    },
    {
      validator: (k) => {
        if (k < 0) throw new Error('negative');
      },
    },
  );
  await wf.condition(() => done);
  return n;
}

const inc = wf.defineSignal('inc');

export async function conditionRecheck(): Promise<unknown> {
  let n = 0;
  wf.setHandler(inc, () => {
    n++;
  });
  await local.localSleep(1000);
  const one = await wf.condition(() => n === 1, '3s');
  const two = await wf.condition(() => n === 2, '3s');
  return { one, two, n };
}

const sig = wf.defineSignal<[string]>('sig');
const upd = wf.defineUpdate<string[], [string]>('upd');

export async function signalUpdateSameTask(): Promise<unknown> {
  const log: string[] = [];
  wf.setHandler(sig, (s) => {
    log.push('signal ' + s);
  });
  wf.setHandler(
    upd,
    (s) => {
      log.push('update ' + s);
      return [...log];
    },
    {
      validator: (s) => {
        log.length; // reads state only
        if (s === '') throw new Error('empty');
      },
    },
  );
  await local.localSleep(1000);
  await wf.condition(() => log.length >= 2, '5s');
  return log;
}

export async function asyncValidator(): Promise<unknown> {
  let done = false;
  wf.setHandler(finish, () => {
    done = true;
  });
  wf.setHandler(upd, (s) => [s], {
    // The TypeScript SDK calls it and ignores the promise it returns.
    validator: (async () => undefined) as any,
  });
  const syncUpd = wf.defineUpdate<string[], [string]>('syncRejects');
  wf.setHandler(syncUpd, (s) => [s], {
    validator: () => {
      throw wf.ApplicationFailure.create({ message: 'rejected', type: 'Rejected', details: ['d'] });
    },
  });
  await wf.condition(() => done);
  return 'done';
}

const go = wf.defineSignal('go');

export async function conditionTimeout(): Promise<unknown> {
  let flag = false;
  wf.setHandler(go, () => {
    flag = true;
  });
  const a = await wf.condition(() => false, 100);
  const b = await wf.condition(() => flag, '10s');
  await wf.sleep(50);
  return [a, b];
}

const q = wf.defineQuery<string>('q');
const phase = wf.defineSignal('phase');

export async function setHandlerUndefined(): Promise<unknown> {
  let count = 0;
  let phase2 = false;
  wf.setHandler(sig, () => {
    count++;
  });
  wf.setHandler(sig, undefined);
  wf.setHandler(q, () => 'q');
  wf.setHandler(q, undefined);
  wf.setHandler(phase, () => {
    phase2 = true;
  });
  await wf.condition(() => phase2, '5s');
  const before = count;
  wf.setHandler(sig, () => {
    count++;
  });
  await wf.sleep(10);
  return { before, after: count };
}

export async function unknownMessages(): Promise<string> {
  let done = false;
  wf.setHandler(finish, () => {
    done = true;
  });
  wf.setHandler(total, () => 1);
  wf.setHandler(addAndGet, (k) => k);
  await wf.condition(() => done, '10s');
  return 'done';
}

export async function defaultSignalHandler(): Promise<unknown> {
  const log: unknown[] = [];
  let done = false;
  wf.setDefaultSignalHandler((name, ...args) => {
    log.push([name, ...args]);
  });
  wf.setHandler(finish, () => {
    done = true;
  });
  await wf.condition(() => done, '10s');
  return log;
}

const info = wf.defineUpdate<unknown, []>('info');

export async function updateInfo(): Promise<unknown> {
  let done = false;
  wf.setHandler(finish, () => {
    done = true;
  });
  wf.setHandler(info, async () => {
    const u = wf.currentUpdateInfo();
    const before = wf.allHandlersFinished();
    await wf.sleep(10);
    return { id: u?.id, name: u?.name, before };
  });
  await wf.condition(() => done, '10s');
  await wf.condition(wf.allHandlersFinished);
  return { outside: wf.currentUpdateInfo() ?? 'undefined', finished: wf.allHandlersFinished() };
}

export async function triggerWorkflow(): Promise<unknown> {
  const t = new wf.Trigger<string>();
  wf.setHandler(sig, (s) => t.resolve(s));
  return await t;
}
