// The sandbox's globals and the lower-level activity API, as workflow code
// sees them.
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
  return {
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
