// Workflows for the isolation test: taint changes built-ins, prototypes,
// function names, globals, module state and the workflow module's objects;
// every other run, of this type or another, must see them pristine.
import * as wf from '@temporalio/workflow';
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

// The namespace object itself, not references esbuild resolves statically.
const wfns: any = wf;
const g: any = globalThis;
const key = Symbol.for('tsworker.isolation');

// Module state: each run evaluates the bundle afresh.
let taintedRuns = 0;
const shared: { n: number } = { n: 0 };

function helper(): number {
  return 1;
}

function isNative(f: unknown): boolean {
  return typeof f === 'function' && Function.prototype.toString.call(f).includes('[native code]');
}

// Each check holds when the run sees the value pristine.
const checks: Array<[string, () => boolean]> = [
  ['Array.prototype.x', () => !('x' in Array.prototype) && ([] as any).x === undefined],
  ['Object.prototype.polluted', () => ({} as any).polluted === undefined],
  ['String.prototype.tainted', () => ('' as any).tainted === undefined],
  ['Function.prototype.tainted', () => (function () {} as any).tainted === undefined],
  ['AsyncFunction.prototype.tainted', () => (async function () {} as any).tainted === undefined],
  ['Proxy.tainted', () => (Proxy as any).tainted === undefined],
  ['Math.random', () => isNative(Math.random) && Math.random.name === 'random'],
  ['Math frozen', () => !Object.isFrozen(Math)],
  ['JSON.stringify', () => isNative(JSON.stringify) && JSON.stringify({ a: [1] }) === '{"a":[1]}'],
  ['JSON.parse', () => isNative(JSON.parse)],
  ['Promise.prototype.then', () => isNative(Promise.prototype.then) && Promise.prototype.then.name === 'then'],
  ['Promise.resolve', () => isNative(Promise.resolve)],
  ['Date.now', () => isNative(Date.now)],
  ['Date.prototype.getTime', () => isNative(Date.prototype.getTime)],
  ['Error.prototype.toString', () => isNative(Error.prototype.toString) && new Error('m').toString() === 'Error: m'],
  ['Error.prototype.name', () => Error.prototype.name === 'Error'],
  ['Array.prototype.map.name', () => Array.prototype.map.name === 'map'],
  ['Array.prototype.map.length', () => Array.prototype.map.length === 1],
  ['Object.keys.name', () => Object.keys.name === 'keys'],
  ['helper.name', () => helper.name === 'helper'],
  ['helper.length', () => helper.length === 0],
  ['taint.name', () => taint.name === 'taint'],
  ['globalThis.leaked', () => !('leaked' in g) && typeof g.leaked === 'undefined'],
  ['globalThis[Symbol.for]', () => g[key] === undefined],
  ['Uint8ClampedArray', () => typeof Uint8ClampedArray === 'function'],
  ['module state', () => taintedRuns === 0 && shared.n === 0],
  ['console.tainted', () => g.console === undefined || g.console.tainted === undefined],
  ['TextEncoder.prototype.tainted', () => (TextEncoder.prototype as any).tainted === undefined],
  ['workflow module: new property', () => !('tainted' in wfns)],
  ['workflow module: sleep.name', () => wfns.sleep.name !== 'renamed'],
  ['workflow module: sleep.tainted', () => wfns.sleep.tainted === undefined],
  ['workflow module: condition', () => isNative(wfns.condition)],
];

// tainted lists the checks that fail in this run.
function tainted(): string[] {
  const out: string[] = [];
  for (const [name, ok] of checks) {
    let pristine = false;
    try {
      pristine = ok();
    } catch {
      // a check that throws sees a changed value
    }
    if (!pristine) {
      out.push(name);
    }
  }
  return out;
}

export interface Report {
  // checks failing when the run starts (none, in an isolated run)
  before: string[];
  // checks failing after taint's changes (all of them, or the changes
  // did not take)
  after: string[];
  // checks failing once the run resumes after a signal
  resumed: string[];
  // changes refused, with the error (an object that is frozen, a
  // read-only property)
  refused: string[];
  total: number;
  // the checks' names
  names: string[];
}

// set assigns as strict code does: a refused assignment throws (the bundle
// may run as sloppy code, where it is silently ignored).
function set(obj: any, key: PropertyKey, value: unknown): void {
  if (!Reflect.set(obj, key, value)) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    throw new TypeError(`cannot set ${String(key)} (${d ? JSON.stringify(Object.keys(d)) : 'no own property'}; frozen ${Object.isFrozen(obj)})`);
  }
}

function apply(refused: string[], name: string, change: () => void): void {
  try {
    change();
  } catch (err) {
    refused.push(`${name}: ${(err as Error).message}`);
  }
}

function taintAll(): string[] {
  const refused: string[] = [];
  const thenOrig = Promise.prototype.then;
  const stringifyOrig = JSON.stringify;
  const parseOrig = JSON.parse;
  const resolveOrig = Promise.resolve;
  const getTimeOrig = Date.prototype.getTime;
  apply(refused, 'Array.prototype.x', () => ((Array.prototype as any).x = 1));
  apply(refused, 'Object.prototype.polluted', () => ((Object.prototype as any).polluted = 1));
  apply(refused, 'String.prototype.tainted', () => ((String.prototype as any).tainted = 1));
  apply(refused, 'Function.prototype.tainted', () =>
    Object.defineProperty(Function.prototype, 'tainted', { value: 1, configurable: true, writable: true }),
  );
  apply(
    refused,
    'AsyncFunction.prototype.tainted',
    () => (Object.getPrototypeOf(async function () {}).tainted = 1),
  );
  apply(refused, 'Proxy.tainted', () => ((Proxy as any).tainted = 1));
  apply(refused, 'Math.random', () => (Math.random = () => 0.5));
  apply(refused, 'Math frozen', () => Object.freeze(Math));
  apply(refused, 'JSON.stringify', () => {
    JSON.stringify = function stringify(...args: any[]) {
      return (stringifyOrig as any).apply(JSON, args);
    } as any;
  });
  apply(refused, 'JSON.parse', () => {
    JSON.parse = function parse(...args: any[]) {
      return (parseOrig as any).apply(JSON, args);
    } as any;
  });
  apply(refused, 'Promise.prototype.then', () => {
    Promise.prototype.then = function then(this: any, ...args: any[]) {
      return (thenOrig as any).apply(this, args);
    } as any;
  });
  apply(refused, 'Promise.resolve', () => {
    Promise.resolve = function resolve(this: any, ...args: any[]) {
      return (resolveOrig as any).apply(this, args);
    } as any;
  });
  apply(refused, 'Date.now', () => (Date.now = () => 42));
  apply(refused, 'Date.prototype.getTime', () => {
    Date.prototype.getTime = function getTime(this: Date) {
      return getTimeOrig.call(this);
    };
  });
  apply(refused, 'Error.prototype.toString', () => (Error.prototype.toString = () => 'tainted'));
  apply(refused, 'Error.prototype.name', () => (Error.prototype.name = 'Tainted'));
  apply(refused, 'Array.prototype.map.name', () =>
    Object.defineProperty(Array.prototype.map, 'name', { value: 'renamed' }),
  );
  apply(refused, 'Array.prototype.map.length', () =>
    Object.defineProperty(Array.prototype.map, 'length', { value: 7 }),
  );
  apply(refused, 'Object.keys.name', () => Object.defineProperty(Object.keys, 'name', { value: 'renamed' }));
  apply(refused, 'helper.name', () => Object.defineProperty(helper, 'name', { value: 'renamed' }));
  apply(refused, 'helper.length', () => Object.defineProperty(helper, 'length', { value: 3 }));
  apply(refused, 'taint.name', () => Object.defineProperty(taint, 'name', { value: 'renamed' }));
  apply(refused, 'globalThis.leaked', () => (g.leaked = 1));
  apply(refused, 'globalThis[Symbol.for]', () => (g[key] = 1));
  apply(refused, 'Uint8ClampedArray', () => delete g.Uint8ClampedArray);
  apply(refused, 'module state', () => {
    taintedRuns++;
    shared.n++;
  });
  apply(refused, 'console.tainted', () => (g.console.tainted = 1));
  apply(refused, 'TextEncoder.prototype.tainted', () => ((TextEncoder.prototype as any).tainted = 1));
  apply(refused, 'workflow module: new property', () => set(wfns, 'tainted', 1));
  apply(refused, 'workflow module: sleep.name', () =>
    Object.defineProperty(wfns.sleep, 'name', { value: 'renamed' }),
  );
  apply(refused, 'workflow module: sleep.tainted', () => set(wfns.sleep, 'tainted', 1));
  apply(refused, 'workflow module: condition', () => set(wfns, 'condition', () => true));
  return refused;
}

export const reportQuery = defineQuery<Report>('report');
export const release = defineSignal('release');

// taint records what it sees, changes everything the checks look at,
// records again, and waits for the release signal (staying cached) before
// it records a third time and returns its report.
export async function taint(): Promise<Report> {
  const report: Report = { before: tainted(), after: [], resumed: [], refused: [], total: checks.length, names: checks.map(([n]) => n) };
  let released = false;
  setHandler(release, () => {
    released = true;
  });
  report.refused = taintAll();
  report.after = tainted();
  setHandler(reportQuery, () => report);
  await condition(() => released);
  report.resumed = tainted();
  return report;
}

// observe only records what it sees.
export async function observe(): Promise<Report> {
  const before = tainted();
  await wf.sleep(1);
  return { before, after: tainted(), resumed: [], refused: [], total: checks.length, names: checks.map(([n]) => n) };
}
