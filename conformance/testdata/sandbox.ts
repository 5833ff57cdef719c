// The sandbox's globals and the lower-level activity API, as workflow code
// sees them.
import { ExternalStorage, StorageDriverClaim, ValueError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';

export async function scheduleActivities(): Promise<unknown> {
  const remote = await wf.scheduleActivity<string>('echo', ['scheduled'], { startToCloseTimeout: '10s' });
  const localResult = await wf.scheduleLocalActivity<string>('localEcho', ['local'], { startToCloseTimeout: '10s' });
  return { remote, local: localResult };
}

export async function sandboxGlobals(): Promise<unknown> {
  const g = globalThis as any;
  const bytes = new TextEncoder().encode('héllo ✓');
  const url = new URL('https://user@example.com:8443/a/b?x=1&y=two#frag');
  url.searchParams.append('z', '3');
  const params = new URLSearchParams('a=1&b=2&a=3');
  const controller = new AbortController();
  const reasons: unknown[] = [];
  controller.signal.addEventListener('abort', () => reasons.push(String(controller.signal.reason)));
  controller.abort('stop');
  let assertion = '';
  try {
    g.assert.strictEqual(1, 2, 'one is not two');
  } catch (err: any) {
    assertion = `${err.name}: ${err.message}`;
  }
  const weak: string[] = [];
  for (const ctor of [g.WeakRef, g.FinalizationRegistry]) {
    try {
      new ctor(() => undefined);
    } catch (err: any) {
      weak.push(`${err instanceof wf.DeterminismViolationError} ${err.name}: ${err.message}`);
    }
  }
  const storage: string[] = [];
  const driver = (name: string) => ({ name, type: 'memory', store: async () => [], retrieve: async () => [] });
  for (const options of [{ drivers: [] }, { drivers: [driver('a'), driver('a')] }, { drivers: [driver('a'), driver('b')] }, { drivers: [driver('a')], payloadSizeThreshold: -1 }]) {
    try {
      new ExternalStorage(options);
    } catch (err: any) {
      storage.push(`${err instanceof ValueError} ${err.name}: ${err.message}`);
    }
  }
  const store = new ExternalStorage({ drivers: [driver('a')] });
  storage.push(`${store.payloadSizeThreshold} ${store.getDriver('a')?.name} ${store.getDriver('b')} ${JSON.stringify(new StorageDriverClaim({ key: 'k' }))}`);
  return {
    storage,
    encoded: Array.from(bytes),
    decoded: new TextDecoder().decode(bytes),
    url: { href: url.href, host: url.host, pathname: url.pathname, search: url.search, hash: url.hash, username: url.username },
    params: { all: params.getAll('a'), text: params.toString() },
    aborted: controller.signal.aborted,
    reasons,
    assertion,
    weak,
    unicode: ['Ωmega', 'abc', '123'].map((s) => /^\p{Script=Greek}/u.test(s)),
    letters: 'a1β2'.replace(/\p{L}/gu, '_'),
    globals: ['TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'AbortController', 'assert', 'WeakRef'].map(
      (n) => `${n}:${typeof g[n]}`,
    ),
  };
}

// Dates and numbers as the sandbox's Intl formats them (en-US, the sandbox's
// time zone and IANA zones), from fixed times: workflow time differs between
// the two workers.
export async function sandboxIntl(): Promise<unknown> {
  const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67));
  const summer = new Date(Date.UTC(2024, 6, 15, 18, 30));
  const fmt = (o?: Intl.DateTimeFormatOptions, date = d) => new Intl.DateTimeFormat('en-US', o).format(date);
  const caught = (f: () => unknown) => {
    try {
      return f();
    } catch (err: any) {
      return `${err.name}: ${err.message}`;
    }
  };
  return {
    zone: new Intl.DateTimeFormat().resolvedOptions().timeZone,
    defaults: [d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString(), fmt()],
    styles: (['full', 'long', 'medium', 'short'] as const).map((s) => fmt({ dateStyle: s, timeStyle: s })),
    fields: [
      fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
      fmt({ year: '2-digit', month: '2-digit', day: '2-digit' }),
      fmt({ month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
      fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }, new Date(Date.UTC(2024, 0, 2, 0, 5))),
      fmt({ hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }, summer),
      fmt({ hour: 'numeric', minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3 }),
      fmt({ timeZoneName: 'short' }),
    ],
    zones: ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'Etc/GMT+5'].map((timeZone) =>
      [d, summer].map((x) => fmt({ timeZone, dateStyle: 'medium', timeStyle: 'long' }, x)).join(' / '),
    ),
    toLocale: [
      d.toLocaleString('en-US', { timeZone: 'America/Los_Angeles', timeZoneName: 'long' }),
      d.toLocaleDateString('en-US', { month: 'long', year: 'numeric' }),
      d.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit' }),
      (1234567.891).toLocaleString(),
      (0.256).toLocaleString('en-US', { style: 'percent' }),
      (1234.5).toLocaleString('en-US', { style: 'currency', currency: 'USD' }),
      [1234.5, d, 'x'].toLocaleString(),
    ],
    parts: new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).formatToParts(d),
    resolved: new Intl.DateTimeFormat('en-US', { hour: 'numeric', timeZone: 'america/new_york', weekday: 'short' }).resolvedOptions(),
    compare: ['b', 'a', 'C', 'A', 'é', 'e'].sort((x, y) => x.localeCompare(y)),
    numeric: ['a10', 'a9', 'a1'].sort((x, y) => x.localeCompare(y, undefined, { numeric: true })),
    errors: [
      caught(() => new Intl.DateTimeFormat('en-US', { timeZone: 'Nowhere/City' })),
      caught(() => new Intl.DateTimeFormat('en-US', { dateStyle: 'full', year: 'numeric' })),
      caught(() => new Intl.DateTimeFormat('en-US', { month: 'huge' as any })),
      caught(() => new Intl.DateTimeFormat().format(NaN)),
      new Date(NaN).toLocaleString(),
    ],
  };
}

// The messages of Node's assert, which the TypeScript SDK's sandbox provides
// as a global (the host's node:assert). Not here: assert.rejects and
// doesNotReject, whose promise (the host's) never settles in that sandbox,
// and throws with an error class that does not match, which Node words
// with its own stack there because the class comes from another realm.
export async function sandboxAssert(): Promise<unknown> {
  const assert = (globalThis as any).assert;
  const x = 0;
  const messages: string[] = [];
  const attempt = (f: () => unknown) => {
    try {
      f();
      messages.push('no error');
    } catch (err: any) {
      messages.push([err.name, err.code, err.generatedMessage, err.operator, err.message].join(' | '));
    }
  };
  attempt(() => assert(x));
  attempt(() => assert.ok(''));
  attempt(() => assert.ok(null, 'custom'));
  attempt(() => assert.ok());
  attempt(() => assert.deepStrictEqual({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }));
  attempt(() => assert.deepStrictEqual({ z: 1, a: { b: { c: [1, 2, 3, 4, 5, 6, 7, 8] } } }, { z: 1, a: { b: { c: [1, 2, 3, 4, 5, 6, 7, 9] } } }));
  attempt(() => assert.deepStrictEqual({ a: 'x', n: null, d: new Date(0), r: /x/g, m: new Map([[1, 2]]), s: new Set([1]) }, { a: 'y' }));
  attempt(() => assert.deepStrictEqual(1, '1'));
  attempt(() => assert.deepStrictEqual('hello world', 'hello there'));
  attempt(() => assert.deepStrictEqual({ a: 1 }, { a: 1, b: 2 }, 'my message'));
  attempt(() => assert.notDeepStrictEqual({ a: 1, b: [1] }, { a: 1, b: [1] }));
  attempt(() => assert.deepEqual({ a: 1 }, { a: 2 }));
  attempt(() => assert.notDeepEqual([1], ['1']));
  attempt(() => assert.strictEqual({ a: 1 }, { a: 1 }));
  attempt(() => assert.strictEqual([1, 2], [1, 3]));
  attempt(() => assert.notStrictEqual('a long string', 'a long string'));
  attempt(() => assert.equal({ a: 1 }, { a: 1 }));
  attempt(() => assert.throws(() => undefined));
  attempt(() => assert.throws(() => undefined, 'with a message'));
  attempt(() => assert.throws(() => { throw new Error('bad'); }, /good/));
  attempt(() => assert.throws(() => { throw new Error('bad'); }, { message: 'good', name: 'Error' }));
  attempt(() => assert.throws(() => { throw new Error('bad'); }, { message: /go/ }));
  attempt(() => assert.throws(() => { throw new Error('bad'); }, (e: unknown) => false));
  attempt(() => assert.match('abc', /x/));
  attempt(() => assert.match(123, /x/));
  attempt(() => assert.doesNotMatch('abc', /b/));
  attempt(() => assert.fail());
  attempt(() => assert.ifError(new Error('e')));
  attempt(() => assert.doesNotThrow(() => { throw new Error('inner'); }, 'mine'));
  return messages;
}

// sandboxCrypto: the Web Crypto global (crypto.randomUUID,
// crypto.getRandomValues, crypto.subtle): whether the sandbox has it, and
// what calling it gives or throws.
export async function sandboxCrypto(): Promise<unknown> {
  const g = globalThis as any;
  const attempt = (f: () => unknown) => {
    try {
      return f();
    } catch (err: any) {
      return `${err instanceof Error} ${err?.name}: ${err?.message}`;
    }
  };
  return {
    typeofCrypto: typeof g.crypto,
    inGlobal: 'crypto' in g,
    descriptor: attempt(() => {
      const d = Object.getOwnPropertyDescriptor(g, 'crypto');
      return d && { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, get: typeof d.get };
    }),
    randomUUID: attempt(() => crypto.randomUUID()),
    getRandomValues: attempt(() => Array.from(crypto.getRandomValues(new Uint8Array(8)))),
    ctors: ['Crypto', 'CryptoKey', 'SubtleCrypto'].map((n) => `${n}:${typeof g[n]}`),
  };
}
