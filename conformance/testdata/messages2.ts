// Messages, second part: signals and updates in one workflow task, a
// cluster manager modelled on the "safe message handlers" sample, handler
// bookkeeping (allHandlersFinished, unfinished handlers), read-only
// validators and queries, typed search attributes.
import * as wf from '@temporalio/workflow';
import { acts, local } from './activities';

const note = wf.defineSignal<[string]>('note');
const record = wf.defineUpdate<string[], [string]>('record');

// A signal whose handler schedules a timer and an activity, and an update,
// reach the workflow in the same workflow task (the first task holds a
// local activity while the driver sends both).
export async function signalUpdateCommands(): Promise<unknown> {
  const log: string[] = [];
  wf.setHandler(note, async (s) => {
    log.push('signal ' + s);
    await wf.sleep(10);
    log.push('signal slept');
    log.push('signal ' + (await acts.echo(s)));
  });
  wf.setHandler(
    record,
    async (s) => {
      log.push('update ' + s);
      await wf.condition(() => log.length >= 4);
      return [...log];
    },
    {
      validator: (s) => {
        if (s === '') throw new Error('empty');
      },
    },
  );
  await local.localSleep(1000);
  await wf.condition(() => log.length >= 4 && wf.allHandlersFinished(), '10s');
  return log;
}

// The validator reads state a signal of the same task set.
export async function validatorAfterSignal(): Promise<unknown> {
  let started = false;
  wf.setHandler(note, () => {
    started = true;
  });
  wf.setHandler(record, (s) => [s, String(started)], {
    validator: () => {
      if (!started) throw new Error('not started');
    },
  });
  await local.localSleep(1000);
  await wf.condition(() => started, '10s');
  await wf.sleep(10);
  return started;
}

// ---- a cluster manager, after the "safe message handlers" sample -------

const startClusterSignal = wf.defineSignal('startCluster');
const shutdownClusterUpdate = wf.defineUpdate<boolean>('shutdownCluster');
const assignNodesToJobUpdate = wf.defineUpdate<Summary, [{ numNodes: number; jobName: string }]>('allocateNodesToJob');
const deleteJobUpdate = wf.defineUpdate<void, [{ jobName: string }]>('deleteJob');
const getClusterStatusQuery = wf.defineQuery<Summary>('getClusterStatus');

interface Summary {
  maxAssignedNodes: number;
  assignedNodes: number;
}

// Lock is a mutex made of condition(), in place of the sample's async-mutex.
class Lock {
  private locked = false;
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    await wf.condition(() => !this.locked);
    this.locked = true;
    try {
      return await fn();
    } finally {
      this.locked = false;
    }
  }
}

class ClusterManager {
  state = 'NOT_STARTED';
  nodes = new Map<string, string | null>();
  maxAssignedNodes = 0;
  seenJobs = new Set<string>();
  lock = new Lock();
  log: string[] = [];

  async startCluster(): Promise<void> {
    if (this.state !== 'NOT_STARTED') {
      wf.log.warn(`Cannot start cluster in state ${this.state}`);
      return;
    }
    await this.lock.runExclusive(async () => {
      this.log.push('start: ' + (await acts.echo('started')));
      this.state = 'STARTED';
      for (let i = 0; i < 25; i++) this.nodes.set(String(i), null);
    });
  }

  async shutdownCluster(): Promise<boolean> {
    if (this.state !== 'STARTED') {
      throw new wf.ApplicationFailure(`Cannot shutdown cluster in state ${this.state}`);
    }
    this.log.push('shutdown: ' + (await acts.echo('shut down')));
    this.state = 'SHUTTING_DOWN';
    return true;
  }

  async assignNodesToJob(input: { numNodes: number; jobName: string }): Promise<Summary> {
    await wf.condition(() => this.state === 'STARTED');
    return await this.lock.runExclusive(async () => {
      if (!this.seenJobs.has(input.jobName)) {
        const free = [...this.nodes.keys()].filter((k) => this.nodes.get(k) === null);
        if (input.numNodes > free.length) {
          throw new wf.ApplicationFailure(`Cannot assign ${input.numNodes} nodes; have only ${free.length} available`);
        }
        const chosen = free.slice(0, input.numNodes);
        this.log.push('assign: ' + (await acts.echo(input.jobName)));
        for (const n of chosen) this.nodes.set(n, input.jobName);
        this.seenJobs.add(input.jobName);
        this.maxAssignedNodes = Math.max(this.maxAssignedNodes, this.assigned());
      }
      return this.summary();
    });
  }

  async deleteJob(input: { jobName: string }): Promise<void> {
    await wf.condition(() => this.state === 'STARTED');
    await this.lock.runExclusive(async () => {
      const mine = [...this.nodes.keys()].filter((k) => this.nodes.get(k) === input.jobName);
      this.log.push('delete: ' + (await acts.echo(input.jobName)));
      for (const n of mine) this.nodes.set(n, null);
    });
  }

  assigned(): number {
    return [...this.nodes.values()].filter((v) => v !== null).length;
  }

  summary(): Summary {
    return { maxAssignedNodes: this.maxAssignedNodes, assignedNodes: this.assigned() };
  }
}

export async function clusterManager(): Promise<unknown> {
  const manager = new ClusterManager();
  wf.setHandler(startClusterSignal, () => manager.startCluster());
  wf.setHandler(shutdownClusterUpdate, () => manager.shutdownCluster());
  wf.setHandler(assignNodesToJobUpdate, (input) => manager.assignNodesToJob(input), {
    validator: async (input): Promise<void> => {
      if (input.numNodes <= 0) throw new Error(`numNodes must be positive (got ${input.numNodes})`);
      if (input.jobName === '') throw new Error('jobName cannot be empty');
    },
  });
  wf.setHandler(deleteJobUpdate, (input) => manager.deleteJob(input));
  wf.setHandler(getClusterStatusQuery, () => manager.summary());
  await local.localSleep(1000);
  await wf.condition(() => manager.state === 'STARTED');
  await wf.condition(() => manager.state === 'SHUTTING_DOWN');
  await wf.condition(wf.allHandlersFinished);
  return { summary: manager.summary(), log: manager.log };
}

// ---- handler bookkeeping --------------------------------------------

const slow = wf.defineSignal('slow');
const slowUpdate = wf.defineUpdate<string>('slowUpdate');
const done = wf.defineSignal('done');

// allHandlersFinished while an async signal and an async update handler
// run.
export async function handlersFinished(): Promise<unknown> {
  const seen: unknown[] = [];
  let finish = false;
  wf.setHandler(slow, async () => {
    seen.push(['signal start', wf.allHandlersFinished()]);
    await wf.condition(() => finish);
    seen.push(['signal end', wf.allHandlersFinished()]);
  });
  wf.setHandler(slowUpdate, async () => {
    seen.push(['update start', wf.allHandlersFinished()]);
    await wf.sleep(50);
    return 'updated';
  });
  wf.setHandler(done, () => {
    finish = true;
  });
  await wf.condition(() => finish);
  seen.push(['after done', wf.allHandlersFinished()]);
  await wf.condition(wf.allHandlersFinished);
  seen.push(['all finished', wf.allHandlersFinished()]);
  return seen;
}

// Queries and validators read state. (A query that starts a timer makes the
// TypeScript SDK 1.24 worker shut down, so the suite does not try it.)
const peek = wf.defineQuery<unknown>('peek');
const guarded = wf.defineUpdate<unknown, [number]>('guarded');

export async function readOnlyHandlers(): Promise<unknown> {
  let n = 0;
  let finish = false;
  wf.setHandler(done, () => {
    finish = true;
  });
  wf.setHandler(peek, () => n);
  wf.setHandler(guarded, (k) => ({ n: (n += k) }), {
    validator: (k) => {
      if (k < 0) throw new wf.ApplicationFailure('negative', 'Negative', true);
    },
  });
  await wf.condition(() => finish);
  return n;
}

// condition() evaluates its predicate at once: a condition already true
// resolves without a timer; a predicate that throws rejects the promise.
export async function conditionEager(): Promise<unknown> {
  const a = await wf.condition(() => true);
  const b = await wf.condition(() => true, '1h');
  let c: unknown;
  try {
    await wf.condition(() => {
      throw new Error('predicate');
    });
  } catch (e) {
    c = (e as Error).message;
  }
  let flag = false;
  const p = wf.condition(() => flag, '1h');
  flag = true;
  const d = await p;
  return { a: a ?? 'undefined', b, c, d };
}

// A signal handler and an update handler that throw an Error (not a
// Temporal failure): the workflow task fails with the error's own message.
export async function handlerBugs(): Promise<unknown> {
  wf.setHandler(wf.defineSignal('boom'), () => {
    throw new Error('signal handler bug');
  });
  wf.setHandler(wf.defineSignal('asyncBoom'), async () => {
    await wf.sleep(1);
    throw new TypeError('async signal handler bug');
  });
  wf.setHandler(wf.defineUpdate('crash'), async () => {
    throw new RangeError('update handler bug');
  });
  await wf.condition(() => false);
}
