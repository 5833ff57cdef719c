// Workflows of the plugins workers (conformance/plugins_test.go), whose
// options plug code into workflows: the Extended JSON payload converter of
// payload-converter.ts, sinks and workflow interceptor modules.
import {
  ApplicationFailure,
  CancelledFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  log,
  PayloadConverterError,
  proxyActivities,
  proxySinks,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
  type Sinks,
} from '@temporalio/workflow';
import EJSON from 'ejson';
import { Money } from './money';

// The sinks both workers register (pluginSinks): alert is not called for
// calls replayed from history, alertDuringReplay is.
export interface AlertSinks extends Sinks {
  alerter: {
    alert(message: string, ...details: unknown[]): void;
    alertDuringReplay(message: string): void;
  };
}

const { alerter } = proxySinks<AlertSinks>();

const { echoJSON } = proxyActivities<{ echoJSON<T>(value: T): Promise<T> }>({ startToCloseTimeout: '10s' });

export const statusQuery = defineQuery<string>('status');

// sinkCalls calls sinks and log across two workflow tasks, and from a query
// handler. A query after the run closed replays it.
export async function sinkCalls(name: string): Promise<string> {
  setHandler(statusQuery, () => {
    alerter.alert('queried');
    log.info('status queried');
    return 'ok';
  });
  log.info('sinkCalls started', { name });
  alerter.alert(`started ${name}`, 1, { nested: [true, null, 'x'] }, undefined, null);
  alerter.alertDuringReplay(`started ${name}`);
  // A sink sees its arguments as they were at the call.
  const mutable = { n: 1 };
  alerter.alert('mutable', mutable);
  mutable.n = 2;
  // Sinks receive a structured clone: classes and errors' own properties
  // are not kept.
  alerter.alert('values', new Money(1, 'EUR'), new RangeError('r'), [undefined, { nested: new Money(2, 'USD') }]);
  await sleep(10);
  alerter.alert('after sleep', mutable);
  alerter.alertDuringReplay('after sleep');
  log.debug('debug line');
  log.warn('sinkCalls ending', { n: 2 });
  return 'done';
}

// alertOnce is the shape of the TypeScript SDK's sinks sample: one log
// line, one alert, a result.
export async function alertOnce(): Promise<string> {
  log.info('alertOnce started');
  alerter.alert('alertOnce started');
  return 'alerted';
}

// An account as the cases' Go client sends it, in Extended JSON.
export interface Account {
  id: string;
  createdAt: Date;
  token: Uint8Array;
  balance: Money;
  limit: number;
  pattern: RegExp;
}

// describe tells what a value is after its trip through the converter.
function describe(v: unknown): unknown {
  if (v instanceof Date) return { Date: v.toISOString() };
  if (v instanceof Uint8Array) return { Uint8Array: Array.from(v) };
  if (v instanceof Money) return { Money: v.toString() };
  if (v instanceof RegExp) return { RegExp: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return { number: String(v) };
  if (Array.isArray(v)) return v.map(describe);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, describe(e)]));
  }
  return v;
}

// ejsonArgs receives an account in Extended JSON, passes it through a Go
// activity (which sees and returns JSON) and returns values of the types
// Extended JSON adds.
export async function ejsonArgs(account: Account): Promise<unknown> {
  const echoed = await echoJSON(account);
  return {
    received: describe(account),
    matches: account.pattern.test('Kaladin Stormblessed'),
    echoed: describe(echoed),
    echoedEqual: EJSON.equals(echoed as never, account as never),
    made: {
      at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      bytes: new Uint8Array([0, 1, 254, 255]),
      money: new Money(12.5, 'EUR'),
      infinite: -Infinity,
      notANumber: NaN,
      pattern: /a+b/gi,
      list: [new Date(0), new Money(1, 'USD')],
    },
  };
}

export const addDate = defineSignal<[Date]>('addDate');
export const dates = defineQuery<Date[]>('dates');
export const addMoney = defineUpdate<Money, [Money]>('addMoney');
export const finish = defineSignal('finish');

// ejsonMessages keeps Dates from signals and Money from updates, and
// answers with them.
export async function ejsonMessages(): Promise<unknown> {
  const got: Date[] = [];
  let total = new Money(0, 'EUR');
  let done = false;
  setHandler(addDate, (d) => {
    got.push(d);
  });
  setHandler(dates, () => got);
  setHandler(addMoney, (m) => {
    if (!(m instanceof Money)) throw ApplicationFailure.create({ message: `not Money: ${typeof m}`, nonRetryable: true });
    total = new Money(total.amount + m.amount, m.currency);
    return total;
  });
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return { dates: describe(got), total };
}

// ejsonEcho returns its arguments as it received them.
export async function ejsonEcho(...args: unknown[]): Promise<unknown> {
  return { args: describe(args), values: args };
}

// ejsonChild passes Extended JSON values to a child and back.
export async function ejsonChild(): Promise<unknown> {
  const r = (await executeChild(ejsonEcho, {
    workflowId: `child-${workflowInfo().workflowId}`,
    args: [new Date(7), new Money(1, 'USD'), new Uint8Array([9])],
  })) as { values: unknown[] };
  return { child: describe(r.values) };
}

// ejsonFailure fails with details of the types Extended JSON adds.
export async function ejsonFailure(): Promise<never> {
  throw ApplicationFailure.create({
    message: 'with details',
    type: 'Details',
    nonRetryable: true,
    details: [new Date(5), new Money(2, 'GBP'), new Uint8Array([1])],
  });
}

// lifecycleEnds ends as told, for the lines log writes when a workflow
// function ends: a Temporal failure, a plain error (the task fails), a
// cancellation, a continue-as-new (whose next run completes).
export async function lifecycleEnds(how: string): Promise<string> {
  switch (how) {
    case 'fail':
      throw ApplicationFailure.create({ message: 'failed on purpose', type: 'Purpose', nonRetryable: true });
    case 'error':
      throw new TypeError('a plain error');
    case 'cancel':
      throw new CancelledFailure('cancelled on purpose');
    case 'continue':
      await continueAsNew<typeof lifecycleEnds>('done');
  }
  return how;
}

export const note = defineSignal<[string]>('note');
export const record = defineUpdate<string, [string]>('record');

// sinkHandlers calls sinks and log from a signal handler, an update
// validator and an update handler.
export async function sinkHandlers(): Promise<string> {
  let done = false;
  setHandler(note, (s) => {
    alerter.alert(`signal ${s}`);
    log.info('signal', { s });
  });
  setHandler(
    record,
    (s) => {
      alerter.alert(`update ${s}`);
      log.info('update', { s });
      return s;
    },
    {
      validator: (s) => {
        alerter.alert(`validate ${s}`);
        log.info('validate', { s });
      },
    },
  );
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return 'done';
}

// ejsonMemo reads the memo the client started it with and upserts one.
export async function ejsonMemo(): Promise<unknown> {
  const before = describe(workflowInfo().memo);
  upsertMemo({ when: new Date(3), money: new Money(4, 'EUR') });
  return { before, after: describe(workflowInfo().memo) };
}

// ejsonUnencodable returns a value the converter cannot encode.
export async function ejsonUnencodable(): Promise<unknown> {
  return { n: BigInt(10) };
}
export * from './intercepted';

// ejsonBadActivityArg calls an activity with an argument the converter
// cannot encode, and returns what it caught.
export async function ejsonBadActivityArg(): Promise<unknown> {
  try {
    await echoJSON({ n: BigInt(1) });
    return 'no error';
  } catch (err) {
    const e = err as Error;
    return { name: e.name, message: e.message, isPayloadConverterError: e instanceof PayloadConverterError };
  }
}

// ejsonBadMessages waits for finish; a signal the converter cannot decode
// reaches it.
export async function ejsonBadMessages(): Promise<string> {
  let done = false;
  const seen: unknown[] = [];
  setHandler(note, (s) => {
    seen.push(s);
  });
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return JSON.stringify(seen);
}
