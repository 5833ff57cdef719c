// Sample calls of the built-in module's pure helpers. helpers.txt holds what
// @temporalio/common and @temporalio/workflow 1.24.0 return for them under node.
import * as wf from '@temporalio/workflow';

const out = [];
const show = (v) => JSON.stringify(v, (k, x) => (x === undefined ? '<undefined>' : x));
function t(label, f, nameOnly) {
  let r;
  try { r = show(f()); } catch (e) { r = 'throws ' + e.name + (nameOnly ? '' : ': ' + e.message); }
  out.push(label + ' => ' + r);
}
for (const d of [1500, '1 minute', '1.5h', '2 days', '-3s', '.5s', '100', '1y', '1 week', '10 msecs', '5 MINS', '3  m', '1m', '2 hrs', 'abc', '', 'x'.repeat(101)]) {
  t(`msToNumber(${show(d).slice(0, 12)})`, () => wf.msToNumber(d));
}
t('msOptionalToNumber(undefined)', () => wf.msOptionalToNumber(undefined));
t('msOptionalToNumber("2s")', () => wf.msOptionalToNumber('2s'));
for (const n of [1500.5, 0, -1500, 1e15, 2 ** 70, NaN, Infinity]) t(`msNumberToTs(${n})`, () => wf.msNumberToTs(n));
t('msToTs("1 minute")', () => wf.msToTs('1 minute'));
for (const d of [undefined, null, 0, '', '2s', 250]) t(`msOptionalToTs(${show(d)})`, () => wf.msOptionalToTs(d));
t('tsToMs(msToTs(90061))', () => wf.tsToMs(wf.msToTs(90061)));
t('tsToMs(-1500)', () => wf.tsToMs(wf.msNumberToTs(-1500)));
t('tsToMs(nanos 999999999)', () => wf.tsToMs({ seconds: wf.msToTs(5000).seconds, nanos: 999999999 }));
t('tsToMs(only nanos)', () => wf.tsToMs({ nanos: 5e6 }));
t('tsToMs({})', () => wf.tsToMs({}));
t('tsToMs(null)', () => wf.tsToMs(null));
t('tsToMs(number seconds)', () => wf.tsToMs({ seconds: 5 }), true);
t('tsToMs(1e15)', () => wf.tsToMs(wf.msNumberToTs(1e15)));
t('optionalTsToMs(undefined)', () => wf.optionalTsToMs(undefined));
t('optionalTsToMs(2s)', () => wf.optionalTsToMs(wf.msToTs('2s')));
t('tsToDate', () => wf.tsToDate(wf.msToTs(1700000000123)));
t('optionalTsToDate(null)', () => wf.optionalTsToDate(null));
t('optionalTsToDate', () => wf.optionalTsToDate(wf.msToTs(86400000)));
t('Long ops', () => { const s = wf.msNumberToTs(-1500).seconds; return [s.toString(), s.toNumber(), s.isNegative(), s.neg().toString(), s.mul(3).toNumber(), s.add(10).toInt(), s.equals(-2)]; });
t('compileRetryPolicy({})', () => wf.compileRetryPolicy({}));
const full = { maximumInterval: '10s', initialInterval: 500, backoffCoefficient: 1.5, maximumAttempts: 3, nonRetryableErrorTypes: ['X'] };
t('compileRetryPolicy(full)', () => wf.compileRetryPolicy(full));
t('compileRetryPolicy(Infinity)', () => wf.compileRetryPolicy({ maximumAttempts: Infinity, initialInterval: '1m' }));
for (const p of [{ backoffCoefficient: 0 }, { maximumAttempts: 0 }, { maximumAttempts: 1.5 }, { maximumInterval: 0 }, { initialInterval: 0 },
  { initialInterval: '1m', maximumInterval: '1s' }, { initialInterval: 'soon' }]) {
  t(`compileRetryPolicy(${show(p)})`, () => wf.compileRetryPolicy(p));
}
t('decompileRetryPolicy(compiled)', () => wf.decompileRetryPolicy(wf.compileRetryPolicy(full)));
t('decompileRetryPolicy(undefined)', () => wf.decompileRetryPolicy(undefined));
t('decompileRetryPolicy({})', () => wf.decompileRetryPolicy({}));
t('compilePriority({})', () => wf.compilePriority({}));
t('compilePriority(full)', () => wf.compilePriority({ priorityKey: 3, fairnessKey: 'a', fairnessWeight: 2 }));
t('compilePriority(1.5)', () => wf.compilePriority({ priorityKey: 1.5 }));
t('compilePriority(-1)', () => wf.compilePriority({ priorityKey: -1 }));
t('decodePriority(undefined)', () => wf.decodePriority(undefined));
t('decodePriority(partial)', () => wf.decodePriority({ priorityKey: 2, fairnessKey: null }));
t('toCanonicalString', () => wf.toCanonicalString({ deploymentName: 'd', buildId: 'b' }));
for (const v of [null, { buildId: '' }, { buildId: 'b' }, { buildId: 'b', deploymentName: 'd' }]) {
  t(`convertDeploymentVersion(${show(v)})`, () => wf.convertDeploymentVersion(v));
}
async function myWorkflow() {}
async function other() {}
t('defineWorkflowOptions', () => {
  wf.defineWorkflowOptions(myWorkflow, { workflowDefinitionOptions: { versioningBehavior: 'PINNED' }, staticOptions: { typeInfo: 'T' } });
  return [myWorkflow.workflowDefinitionOptions, wf.isWorkflowFunctionWithOptions(myWorkflow), wf.isWorkflowFunctionWithOptions(other),
    wf.isWorkflowFunctionWithStaticOptions(myWorkflow), wf.isWorkflowFunctionWithStaticOptions(other), wf.isWorkflowFunctionWithOptions({ workflowDefinitionOptions: {} })];
});
t('isWorkflowFunctionWithStaticOptions(null options)', () => { const f = () => {}; f.staticOptions = null; return wf.isWorkflowFunctionWithStaticOptions(f); });
t('isActivityFunctionWithOptions', () => { const f = () => {}; const g = () => {}; f.activityDefinitionOptions = {}; g.activityDefinitionOptions = 'x';
  return [wf.isActivityFunctionWithOptions(f), wf.isActivityFunctionWithOptions(g), wf.isActivityFunctionWithOptions(other), wf.isActivityFunctionWithOptions({ activityDefinitionOptions: {} })]; });
t('extractWorkflowType(fn)', () => wf.extractWorkflowType(other));
t('extractWorkflowType(str)', () => wf.extractWorkflowType('wf'));
t('extractWorkflowType(anon)', () => wf.extractWorkflowType([async () => {}][0]));
t('extractWorkflowType(5)', () => wf.extractWorkflowType(5));
t('extractWorkflowTypeAndConfig(static)', () => wf.extractWorkflowTypeAndConfig(myWorkflow));
t('extractWorkflowTypeAndConfig(str, info)', () => wf.extractWorkflowTypeAndConfig('wf', { a: 1 }));
t('extractWorkflowTypeAndConfig(fn, info)', () => wf.extractWorkflowTypeAndConfig(other, { a: 1 }));
t('addDefaultWorkflowOptions', () => wf.addDefaultWorkflowOptions({ workflowId: 'w', taskQueue: 'q' }));
t('addDefaultWorkflowOptions(all)', () => wf.addDefaultWorkflowOptions({ workflowId: 'w', args: [1], cancellationType: 'ABANDON' }));
t('LocalActivityDoBackoff', () => { const e = new wf.LocalActivityDoBackoff({ backoffDuration: 5 }); return [e.name, e.message, e.backoff, e instanceof Error, Object.keys(e)]; });
t('CompleteAsyncError', () => { const e = new wf.CompleteAsyncError(); return [e.name, e.message, e instanceof Error]; });
t('NexusOperationFailure', () => { const e = new wf.NexusOperationFailure('m', 1, 'e', 's', 'o', 't');
  return [e.name, e.message, e.scheduledEventId, e.endpoint, e.service, e.operation, e.operationToken, e instanceof wf.TemporalFailure]; });
t('isCancellation(NexusOperationFailure)', () => [wf.isCancellation(new wf.NexusOperationFailure('m', 1, 'e', 's', 'o', 't', new wf.CancelledFailure('c'))),
  wf.isCancellation(new wf.NexusOperationFailure('m', 1, 'e', 's', 'o', 't'))]);
const stack = ['Error: boom', '    at myActivity (/app/src/activities.ts:3:9)',
  '    at next (/app/node_modules/@temporalio/common/lib/interceptors.js:10:5)',
  '    at Activity.execute (/app/node_modules/@temporalio/worker/lib/activity.js:120:20)', '    at after (/x.js:1:1)'].join('\n');
t('cutoffStackTrace(activity)', () => wf.cutoffStackTrace(stack));
t('cutoffStackTrace(workflow)', () => wf.cutoffStackTrace('Error: x\r\n    at wf (file.ts:1:2)\r\n    at Activator.startWorkflowNextHandler (/w/lib/internals.js:5:6)\n    at z'));
t('cutoffStackTrace(undefined)', () => wf.cutoffStackTrace(undefined));
t('cutoffStackTrace(unknown)', () => wf.cutoffStackTrace('a\nb unknown c\nd'));
t('createPayloadValidationError', () => { const e = wf.createPayloadValidationError({ field: 'x' }); return [e.name, e.message, e.type, e.nonRetryable, e.details, e instanceof wf.ApplicationFailure]; });
t('createPayloadValidationError()', () => wf.createPayloadValidationError().details);
t('ExternalStorageNotConfiguredError', () => { const e = new wf.ExternalStorageNotConfiguredError(); return [e.name, e.message, new wf.ExternalStorageNotConfiguredError('m').message, e instanceof Error]; });

t('noopMetricMeter', () => { const m = wf.noopMetricMeter; const c = m.createCounter('c', 'u', 'd'); const h = m.createHistogram('h');
  const g = m.createGauge('g', 'float'); const u = m.createUpDownCounter('u');
  return [c, h, g, u, c.add(1), h.record(2), g.set(3), u.add(-1), c.withTags({ a: 1 }) === c, m.withTags({ a: 1 }) === m, Object.keys(c)]; });
function recordingMeter(calls) {
  const metric = (kind, name, valueType, unit, description, method) => ({ name, valueType, unit, description, kind,
    [method]: (v, tags) => calls.push([kind, name, v, tags]), withTags() { return this; } });
  return {
    createCounter: (n, u, d) => metric('counter', n, 'int', u, d, 'add'),
    createHistogram: (n, vt, u, d) => metric('histogram', n, vt, u, d, 'record'),
    createGauge: (n, vt, u, d) => metric('gauge', n, vt, u, d, 'set'),
    createUpDownCounter: (n, u, d) => metric('up-down-counter', n, 'int', u, d, 'add'),
    withTags() { return this; },
  };
}
t('MetricMeterWithComposedTags', () => {
  const calls = []; const base = recordingMeter(calls); let n = 0;
  const same = [wf.MetricMeterWithComposedTags.compose(base, {}) === base, wf.MetricMeterWithComposedTags.compose(base, {}, true) === base];
  const m = wf.MetricMeterWithComposedTags.compose(base, { a: 1, b: 'x' });
  const m2 = m.withTags({ b: null, c: true }).withTags(() => ({ n: ++n, a: undefined }));
  const c = m2.createCounter('c', 'u', 'd'); c.add(5, { e: 1 }); c.withTags({ f: 2 }).add(6);
  const h = m.createHistogram('h', 'float', 'ms'); h.record(1.5); const g = m2.createGauge('g'); g.set(7, { a: 9 });
  const u = m.createUpDownCounter('u'); u.add(-2);
  return [same, m instanceof wf.MetricMeterWithComposedTags, m2 instanceof wf.MetricMeterWithComposedTags, m.withTags({ a: 1 }) === m, c.withTags({}) === c,
    Object.keys(m), Object.keys(c), Object.keys(h), [c.name, c.unit, c.description, c.kind, c.valueType], [h.name, h.unit, h.kind, h.valueType],
    [g.kind, g.valueType], [u.kind, u.valueType], calls];
});
t('MetricMeterWithComposedTags(no up-down)', () => { const b = recordingMeter([]); delete b.createUpDownCounter;
  return wf.MetricMeterWithComposedTags.compose(b, { a: 1 }).createUpDownCounter('x'); });
t('LoggerWithComposedMetadata', () => {
  const calls = []; const base = {}; let n = 0;
  for (const l of ['trace', 'debug', 'info', 'warn', 'error']) base[l] = (msg, meta) => calls.push([l, msg, meta]);
  base.log = (level, msg, meta) => calls.push(['log', level, msg, meta]);
  const same = wf.LoggerWithComposedMetadata.compose(base, {}) === base;
  const l1 = wf.LoggerWithComposedMetadata.compose(base, { a: 1, b: 2 });
  const l2 = wf.LoggerWithComposedMetadata.compose(l1, { b: undefined, c: 3 });
  const l3 = wf.LoggerWithComposedMetadata.compose(l2, () => ({ n: ++n }));
  l1.info('i'); l2.warn('w', { d: 4 }); l3.error('e'); l3.trace('t', { n: null }); l3.debug('d'); l3.log('INFO', 'm', { x: 1 });
  return [same, wf.LoggerWithComposedMetadata.compose(l1, { a: 1 }) === l1, l3 instanceof wf.LoggerWithComposedMetadata, Object.keys(l3), calls];
});
t('ActivityCancellationDetails', () => [new wf.ActivityCancellationDetails(), new wf.ActivityCancellationDetails({ paused: true, reset: true }),
  wf.ActivityCancellationDetails.fromProto(null), wf.ActivityCancellationDetails.fromProto({ isNotFound: true, isCancelled: true, isTimedOut: true, isWorkerShutdown: true }),
  Object.keys(new wf.ActivityCancellationDetails())]);

const withStack = (e, cause) => { e.stack = e.name + ': ' + e.message + '\n    at f (a.js:1:1)'; if (cause !== undefined) e.cause = cause; return e; };
const fc = wf.defaultFailureConverter; const pc = wf.defaultPayloadConverter;
const samples = {
  application: () => withStack(wf.ApplicationFailure.create({ message: 'a', type: 'T', details: [1, 'x'], nextRetryDelay: '2s', category: 'BENIGN',
    cause: withStack(new Error('inner')) })),
  applicationPlain: () => withStack(wf.ApplicationFailure.nonRetryable('n')),
  activity: () => withStack(new wf.ActivityFailure('act', 'myAct', '7', 'TIMEOUT', 'me', withStack(new wf.TimeoutFailure('t', { beat: 1 }, 'HEARTBEAT')))),
  child: () => withStack(new wf.ChildWorkflowFailure('ns', { workflowId: 'w', runId: 'r' }, 'WT', 'NON_RETRYABLE_FAILURE', withStack(new wf.TerminatedFailure('term')))),
  cancelled: () => withStack(new wf.CancelledFailure('c', ['d'])),
  server: () => withStack(new wf.ServerFailure('s', true)),
  nexus: () => withStack(new wf.NexusOperationFailure('nx', 12, 'e', 's', 'o', 'tok')),
  temporal: () => withStack(new wf.TemporalFailure('tf')),
  error: () => withStack(new TypeError('te'), withStack(new Error('c'))),
  string: () => 'boom', object: () => ({ a: 1 }), number: () => 5, cyclic: () => { const o = {}; o.o = o; return o; },
};
for (const [k, f] of Object.entries(samples)) t(`errorToFailure(${k})`, () => fc.errorToFailure(f(), pc));
for (const [k, f] of Object.entries(samples)) {
  t(`failureToError(${k})`, () => { const e = fc.failureToError(fc.errorToFailure(f(), pc), pc);
    return [e.constructor.name, e.name, e.message, e.stack, Object.keys(e).filter((x) => x !== 'failure'), e.failure !== undefined, e.cause?.name, e.cause?.message,
      e.type, e.details, e.nonRetryable, e.category, e.retryState, e.activityType, e.timeoutType, e.lastHeartbeatDetails, e.scheduledEventId]; });
}
t('failureToError(reset)', () => { const e = fc.failureToError({ message: 'r', resetWorkflowFailureInfo: { lastHeartbeatDetails: { payloads: pc.toPayload ? [pc.toPayload(3)] : [] } } }, pc);
  return [e.name, e.type, e.details, e.nonRetryable]; });
t('failureToError(bad child)', () => fc.failureToError({ childWorkflowExecutionFailureInfo: {} }, pc));
t('failureToError(bad activity)', () => fc.failureToError({ activityFailureInfo: {} }, pc));
t('failureToError(none)', () => { const e = fc.failureToError({}, pc); return [e.name, e.message, e.stack]; });
t('errorToFailure(decoded)', () => { const f = { message: 'm', applicationFailureInfo: { type: 'X' } }; return fc.errorToFailure(fc.failureToError(f, pc), pc) === f; });
t('DefaultFailureConverter(encodeCommonAttributes)', () => { const c = new wf.DefaultFailureConverter({ encodeCommonAttributes: true });
  const f = c.errorToFailure(samples.application(), pc); const e = c.failureToError(f, pc); return [c.options, new wf.DefaultFailureConverter().options, f, e.message, e.stack]; });
t('defaultDataConverter', () => [Object.keys(wf.defaultDataConverter), wf.defaultDataConverter.payloadConverter === pc,
  wf.defaultDataConverter.failureConverter === fc, wf.defaultDataConverter.payloadCodecs, fc instanceof wf.DefaultFailureConverter]);

t('StorageDriverClaim', () => { const c = new wf.StorageDriverClaim({ key: 'k' }); return [Object.keys(c), c.claimData, new wf.StorageDriverClaim().claimData]; });
const driver = (name) => ({ name, type: 't', store: async () => [], retrieve: async () => [] });
t('ExternalStorage', () => { const a = driver('a'); const s = new wf.ExternalStorage({ drivers: [a] });
  return [Object.keys(s), s.drivers.length, s.drivers[0] === a, s.payloadSizeThreshold, s.driverSelector() === a, s.getDriver('a') === a, s.getDriver('b'),
    s.driversByName instanceof Map, new wf.ExternalStorage({ drivers: [a, driver('b')], driverSelector: () => null, payloadSizeThreshold: 0 }).payloadSizeThreshold]; });
for (const [k, o] of Object.entries({
  noDrivers: { drivers: [] }, notArray: { drivers: driver('a') }, negative: { drivers: [driver('a')], payloadSizeThreshold: -1 },
  infinite: { drivers: [driver('a')], payloadSizeThreshold: Infinity }, string: { drivers: [driver('a')], payloadSizeThreshold: '5' },
  nullThreshold: { drivers: [driver('a')], payloadSizeThreshold: null }, noName: { drivers: [{}] }, emptyName: { drivers: [driver('')] },
  nullDriver: { drivers: [null] }, duplicate: { drivers: [driver('a'), driver('a')] }, twoNoSelector: { drivers: [driver('a'), driver('b')] },
})) t(`ExternalStorage(${k})`, () => new wf.ExternalStorage(o));
t('ExternalStorage(no options)', () => new wf.ExternalStorage(), true);
t('ExternalStorage(ValueError)', () => { try { new wf.ExternalStorage({ drivers: [] }); } catch (e) { return [e instanceof wf.ValueError, e.name, Object.keys(e)]; } });

export const results = out.join('\n');
