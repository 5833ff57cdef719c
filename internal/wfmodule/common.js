// The parts of @temporalio/common (and of @temporalio/workflow) that are
// plain JavaScript: constants, enum tables and their proto converters, small
// helpers. workflow.js re-exports them all. Every export is side-effect free,
// so esbuild drops what workflow code does not use and a run pays nothing
// for the rest.

import { arrayFromPayloads, defaultPayloadConverter, fromPayloadsAtIndex, toPayloadsWithContext } from './converter.js';

// valueError makes the module's ValueError; the host object is read when
// needed, so that a bundle that does not use this file keeps nothing of it.
function valueError(message) {
  return new (globalThis.__tsw.cls('ValueError'))(message);
}

export const WorkflowIdConflictPolicy = { FAIL: 'FAIL', USE_EXISTING: 'USE_EXISTING', TERMINATE_EXISTING: 'TERMINATE_EXISTING' };
export const VersioningBehavior = { PINNED: 'PINNED', AUTO_UPGRADE: 'AUTO_UPGRADE' };
export const InitialVersioningBehavior = { AUTO_UPGRADE: 'AUTO_UPGRADE', USE_RAMPING_VERSION: 'USE_RAMPING_VERSION' };
export const SuggestContinueAsNewReason = {
  HISTORY_SIZE_TOO_LARGE: 'HISTORY_SIZE_TOO_LARGE', TOO_MANY_HISTORY_EVENTS: 'TOO_MANY_HISTORY_EVENTS',
  TOO_MANY_UPDATES: 'TOO_MANY_UPDATES',
};
export const NexusOperationCancellationType = {
  ABANDON: 'ABANDON', TRY_CANCEL: 'TRY_CANCEL', WAIT_CANCELLATION_REQUESTED: 'WAIT_CANCELLATION_REQUESTED',
  WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
};
export const SdkComponent = { workflow: 'workflow', activity: 'activity', nexus: 'nexus', worker: 'worker', core: 'core' };

// protoEncoder makes the function that maps an enum's string value (a name
// of names, with or without the proto prefix) to its proto enum number; a
// number passes as is.
function protoEncoder(names, prefix) {
  return (input) => {
    if (input == null) return undefined;
    if (typeof input === 'number') return input;
    if (typeof input === 'string') {
      const short = input.startsWith(prefix) ? input.slice(prefix.length) : input;
      const i = names.indexOf(short);
      if (i >= 0) return i + 1;
      throw valueError(`Invalid enum value: '${input}'`);
    }
    throw valueError(`Invalid enum value: '${input}' of type ${typeof input}`);
  };
}

// protoDecoder makes the inverse of protoEncoder: 0 (UNSPECIFIED) decodes to
// undefined and a number it does not know to "unknown_<n>".
function protoDecoder(names) {
  return (input) => {
    if (input == null || input === 0) return undefined;
    if (typeof input === 'number') return input > 0 && input <= names.length ? names[input - 1] : `unknown_${input}`;
    throw valueError(`Invalid proto enum value: '${input}' of type ${typeof input}`);
  };
}

export const encodeWorkflowIdConflictPolicy = /* @__PURE__ */ protoEncoder(['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING'], 'WORKFLOW_ID_CONFLICT_POLICY_');
export const decodeWorkflowIdConflictPolicy = /* @__PURE__ */ protoDecoder(['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING']);
export const encodeWorkflowIdReusePolicy = /* @__PURE__ */ protoEncoder(['ALLOW_DUPLICATE', 'ALLOW_DUPLICATE_FAILED_ONLY', 'REJECT_DUPLICATE', 'TERMINATE_IF_RUNNING'], 'WORKFLOW_ID_REUSE_POLICY_');
export const decodeWorkflowIdReusePolicy = /* @__PURE__ */ protoDecoder(['ALLOW_DUPLICATE', 'ALLOW_DUPLICATE_FAILED_ONLY', 'REJECT_DUPLICATE', 'TERMINATE_IF_RUNNING']);
export const encodeRetryState = /* @__PURE__ */ protoEncoder(['IN_PROGRESS', 'NON_RETRYABLE_FAILURE', 'TIMEOUT', 'MAXIMUM_ATTEMPTS_REACHED', 'RETRY_POLICY_NOT_SET',
  'INTERNAL_SERVER_ERROR', 'CANCEL_REQUESTED'], 'RETRY_STATE_');
export const decodeRetryState = /* @__PURE__ */ protoDecoder(['IN_PROGRESS', 'NON_RETRYABLE_FAILURE', 'TIMEOUT', 'MAXIMUM_ATTEMPTS_REACHED', 'RETRY_POLICY_NOT_SET',
  'INTERNAL_SERVER_ERROR', 'CANCEL_REQUESTED']);
export const encodeTimeoutType = /* @__PURE__ */ protoEncoder(['START_TO_CLOSE', 'SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT'], 'TIMEOUT_TYPE_');
export const decodeTimeoutType = /* @__PURE__ */ protoDecoder(['START_TO_CLOSE', 'SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT']);
export const encodeApplicationFailureCategory = /* @__PURE__ */ protoEncoder(['BENIGN'], 'APPLICATION_ERROR_CATEGORY_');
export const decodeApplicationFailureCategory = /* @__PURE__ */ protoDecoder(['BENIGN']);
export const encodeVersioningBehavior = /* @__PURE__ */ protoEncoder(['PINNED', 'AUTO_UPGRADE'], 'VERSIONING_BEHAVIOR_');
export const decodeVersioningBehavior = /* @__PURE__ */ protoDecoder(['PINNED', 'AUTO_UPGRADE']);
export const encodeInitialVersioningBehavior = /* @__PURE__ */ protoEncoder(['AUTO_UPGRADE', 'USE_RAMPING_VERSION'], 'CONTINUE_AS_NEW_VERSIONING_BEHAVIOR_');
export const decodeInitialVersioningBehavior = /* @__PURE__ */ protoDecoder(['AUTO_UPGRADE', 'USE_RAMPING_VERSION']);

// ---- constants and helpers -------------------------------------------------

export const FAILURE_SOURCE = 'TypeScriptSDK';
export const NotAnActivityMethod = /* @__PURE__ */ Symbol.for('__TEMPORAL_NOT_AN_ACTIVITY_METHOD');

export const stackTraceQuery = { type: 'query', name: '__stack_trace' };
export const enhancedStackTraceQuery = { type: 'query', name: '__enhanced_stack_trace' };
export const workflowMetadataQuery = { type: 'query', name: '__temporal_workflow_metadata' };

function isError(err) {
  return typeof err === 'object' && err !== null && typeof err.name === 'string' && typeof err.message === 'string';
}

// errorMessage returns the message of an error, a string as is, else undefined.
export function errorMessage(err) {
  if (isError(err)) return err.message;
  return typeof err === 'string' ? err : undefined;
}

// errorCode returns err.code when it is a string.
export function errorCode(err) {
  return typeof err === 'object' && err !== null && typeof err.code === 'string' ? err.code : undefined;
}

// ---- durations and protobuf timestamps -----------------------------------

// Long is the 64-bit integer of the `long` package, as the protobuf messages
// of the TypeScript SDK hold seconds: fields low, high and unsigned, and the
// methods the duration helpers use. Arithmetic wraps at 64 bits as there.
class Long {
  constructor(low, high, unsigned) {
    this.low = low | 0;
    this.high = high | 0;
    this.unsigned = !!unsigned;
  }
  get __isLong__() { return true; }
  static isLong(x) { return (x && x.__isLong__) === true; }
  static fromBits(low, high, unsigned) { return new Long(low, high, unsigned); }
  static fromBigInt(b, unsigned) {
    return new Long(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> BigInt(32))), unsigned);
  }
  static fromNumber(value, unsigned) {
    if (Number.isNaN(value)) return new Long(0, 0, unsigned);
    const lo = unsigned ? 0 : -(2 ** 63);
    const hi = unsigned ? 2 ** 64 : 2 ** 63;
    if (value <= lo) return Long.fromBigInt(BigInt(lo), unsigned);
    if (value + (unsigned ? 0 : 1) >= hi) return Long.fromBigInt(BigInt(hi) - BigInt(1), unsigned);
    return Long.fromBigInt(BigInt(Math.trunc(value)), unsigned);
  }
  static fromValue(x, unsigned) {
    if (typeof x === 'number') return Long.fromNumber(x, unsigned);
    if (typeof x === 'string') return Long.fromBigInt(BigInt(x), unsigned);
    return new Long(x.low, x.high, typeof unsigned === 'boolean' ? unsigned : x.unsigned);
  }
  toBigInt() {
    const v = (BigInt(this.high) << BigInt(32)) | BigInt(this.low >>> 0);
    return this.unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
  }
  add(x) { return Long.fromBigInt(this.toBigInt() + Long.fromValue(x).toBigInt(), this.unsigned); }
  sub(x) { return Long.fromBigInt(this.toBigInt() - Long.fromValue(x).toBigInt(), this.unsigned); }
  mul(x) { return Long.fromBigInt(this.toBigInt() * Long.fromValue(x).toBigInt(), this.unsigned); }
  neg() { return Long.fromBigInt(-this.toBigInt(), this.unsigned); }
  isZero() { return this.low === 0 && this.high === 0; }
  isNegative() { return !this.unsigned && this.high < 0; }
  equals(x) { return this.toBigInt() === Long.fromValue(x).toBigInt(); }
  toInt() { return this.unsigned ? this.low >>> 0 : this.low; }
  toNumber() { return (this.unsigned ? this.high >>> 0 : this.high) * 2 ** 32 + (this.low >>> 0); }
  toString(radix) { return this.toBigInt().toString(radix); }
}

// parseMs reads a duration string as the `ms` package (3.0) does: a number
// and an optional unit; NaN when the string does not match.
function parseMs(str) {
  if (typeof str !== 'string' || str.length === 0) {
    throw new Error(`Value is not a string or number.. value=${JSON.stringify(str)}`);
  }
  if (str.length > 100) {
    throw new Error(`Value exceeds the maximum length of 100 characters.. value=${JSON.stringify(str)}`);
  }
  const m = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(str);
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const unit = (m[2] || 'ms').toLowerCase();
  switch (unit[0]) {
    case 'y': return n * 31557600000;
    case 'w': return n * 604800000;
    case 'd': return n * 86400000;
    case 'h': return n * 3600000;
    case 's': return n * 1000;
    default: return unit === 'm' || unit.startsWith('min') ? n * 60000 : n;
  }
}

export function msToNumber(val) {
  if (typeof val === 'number') return val;
  const millis = parseMs(val);
  if (millis == null || isNaN(millis)) throw new TypeError(`Invalid duration string: '${val}'`);
  return millis;
}

export function msOptionalToNumber(val) {
  return val === undefined ? undefined : msToNumber(val);
}

export function msNumberToTs(millis) {
  const seconds = Math.floor(millis / 1000);
  const nanos = (millis % 1000) * 1000000;
  if (Number.isNaN(seconds) || Number.isNaN(nanos)) throw valueError(`Invalid millis ${millis}`);
  return { seconds: Long.fromNumber(seconds), nanos };
}

export function msToTs(str) {
  return msNumberToTs(msToNumber(str));
}

export function msOptionalToTs(str) {
  return str != null ? msToTs(str) : undefined;
}

export function tsToMs(ts) {
  if (ts === undefined || ts === null) throw new Error(`Expected timestamp, got ${ts}`);
  const { seconds, nanos } = ts;
  return (seconds || new Long(0, 0, true)).mul(1000).add(Math.floor((nanos || 0) / 1000000)).toNumber();
}

export function optionalTsToMs(ts) {
  return ts === undefined || ts === null ? undefined : tsToMs(ts);
}

export function tsToDate(ts) {
  return new Date(tsToMs(ts));
}

export function optionalTsToDate(ts) {
  return ts === undefined || ts === null ? undefined : new Date(tsToMs(ts));
}

// ---- retry policies, priorities, deployments --------------------------------

export function compileRetryPolicy(retryPolicy) {
  if (retryPolicy.backoffCoefficient != null && retryPolicy.backoffCoefficient <= 0) {
    throw valueError('RetryPolicy.backoffCoefficient must be greater than 0');
  }
  if (retryPolicy.maximumAttempts != null) {
    if (retryPolicy.maximumAttempts === Number.POSITIVE_INFINITY) {
      const { maximumAttempts: _, ...without } = retryPolicy;
      retryPolicy = without;
    } else if (retryPolicy.maximumAttempts <= 0) {
      throw valueError('RetryPolicy.maximumAttempts must be a positive integer');
    } else if (!Number.isInteger(retryPolicy.maximumAttempts)) {
      throw valueError('RetryPolicy.maximumAttempts must be an integer');
    }
  }
  const maximumInterval = msOptionalToNumber(retryPolicy.maximumInterval);
  const initialInterval = msToNumber(retryPolicy.initialInterval ?? 1000);
  if (maximumInterval === 0) throw valueError('RetryPolicy.maximumInterval cannot be 0');
  if (initialInterval === 0) throw valueError('RetryPolicy.initialInterval cannot be 0');
  if (maximumInterval != null && maximumInterval < initialInterval) {
    throw valueError('RetryPolicy.maximumInterval cannot be less than its initialInterval');
  }
  return {
    maximumAttempts: retryPolicy.maximumAttempts,
    initialInterval: msToTs(initialInterval),
    maximumInterval: msOptionalToTs(maximumInterval),
    backoffCoefficient: retryPolicy.backoffCoefficient,
    nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes,
  };
}

export function decompileRetryPolicy(retryPolicy) {
  if (!retryPolicy) return undefined;
  return {
    backoffCoefficient: retryPolicy.backoffCoefficient ?? undefined,
    maximumAttempts: retryPolicy.maximumAttempts ?? undefined,
    maximumInterval: optionalTsToMs(retryPolicy.maximumInterval),
    initialInterval: optionalTsToMs(retryPolicy.initialInterval),
    nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes ?? undefined,
  };
}

export function compilePriority(priority) {
  if (priority.priorityKey !== undefined && priority.priorityKey !== null) {
    if (!Number.isInteger(priority.priorityKey)) throw new TypeError('priorityKey must be an integer');
    if (priority.priorityKey < 0) throw new RangeError('priorityKey must be a positive integer');
  }
  return {
    priorityKey: priority.priorityKey ?? 0,
    fairnessKey: priority.fairnessKey ?? '',
    fairnessWeight: priority.fairnessWeight ?? 0,
  };
}

export function decodePriority(priority) {
  return {
    priorityKey: priority?.priorityKey ?? undefined,
    fairnessKey: priority?.fairnessKey ?? undefined,
    fairnessWeight: priority?.fairnessWeight ?? undefined,
  };
}

export function toCanonicalString(version) {
  return `${version.deploymentName}.${version.buildId}`;
}

export function convertDeploymentVersion(v) {
  if (!v || !v.buildId) return undefined;
  return { buildId: v.buildId, deploymentName: v.deploymentName ?? '' };
}

// ---- workflow and activity definitions ---------------------------------------

export function defineWorkflowOptions(fn, config) {
  Object.assign(fn, config);
}

export function isWorkflowFunctionWithOptions(obj) {
  return typeof obj === 'function' && Object.hasOwn(obj, 'workflowDefinitionOptions');
}

export function isWorkflowFunctionWithStaticOptions(obj) {
  if (typeof obj !== 'function' || !Object.hasOwn(obj, 'staticOptions')) return false;
  return typeof obj.staticOptions === 'object' && obj.staticOptions !== null;
}

export function isActivityFunctionWithOptions(value) {
  if (typeof value !== 'function' || !Object.hasOwn(value, 'activityDefinitionOptions')) return false;
  return typeof value.activityDefinitionOptions === 'object' && value.activityDefinitionOptions !== null;
}

export function extractWorkflowTypeAndConfig(workflowTypeOrFunc, callSiteTypeInfo) {
  if (typeof workflowTypeOrFunc === 'string') return { type: workflowTypeOrFunc, typeInfo: callSiteTypeInfo };
  if (typeof workflowTypeOrFunc === 'function') {
    if (!workflowTypeOrFunc.name) throw new TypeError('Invalid workflow type: the workflow function is anonymous');
    if (callSiteTypeInfo !== undefined) {
      throw new TypeError('Workflow type information cannot be supplied at the call site when using a workflow function. ' +
        'Use defineWorkflowOptions(..., { staticOptions: { typeInfo } }) on the workflow function instead, ' +
        'or pass the workflow type as a string.');
    }
    const typeInfo = isWorkflowFunctionWithStaticOptions(workflowTypeOrFunc) ? workflowTypeOrFunc.staticOptions.typeInfo : undefined;
    return { type: workflowTypeOrFunc.name, typeInfo };
  }
  throw new TypeError(`Invalid workflow type: expected either a string or a function, got '${typeof workflowTypeOrFunc}'`);
}

export function extractWorkflowType(workflowTypeOrFunc) {
  return extractWorkflowTypeAndConfig(workflowTypeOrFunc).type;
}

// ---- stack traces ------------------------------------------------------------

// cutoffStackTrace cuts the framework part (the TypeScript SDK's activity,
// Nexus and workflow activation frames) off a stack trace and drops the
// frames of its interceptor chaining, leaving the user's code.
export function cutoffStackTrace(stack) {
  const cutoff = /\s+at (Activity\.)?execute \(.*[\\/]worker[\\/](?:src|lib)[\\/]activity\.[jt]s:\d+:\d+\)|\s+at( async)? (NexusHandler\.)?invokeUserCode \(.*[\\/]worker[\\/](?:src|lib)[\\/]nexus[\\/]index\.[jt]s:\d+:\d+\)|\s+at( async)? (Activator\.)?(startWorkflow|queryWorkflow|signalWorkflow|update|validateUpdate)NextHandler \(.*\.[jt]s:\d+:\d+\)|\s+at (Script\.)?runInContext \(native|unknown|(?:(?:node:vm|vm\.js):\d+:\d+)\)/;
  const dropped = /\s+at (null\.)?next \(.*[\\/]common[\\/](?:src|lib)[\\/]interceptors\.[jt]s:\d+:\d+\)|\s+at (null\.)?executeNextHandler \(.*[\\/]worker[\\/](?:src|lib)[\\/]activity\.[jt]s:\d+:\d+\)/;
  const acc = [];
  for (const line of (stack ?? '').split(/\r?\n/)) {
    if (cutoff.test(line)) break;
    if (!dropped.test(line)) acc.push(line);
  }
  return acc.join('\n');
}

// ---- metrics and logging ---------------------------------------------------

// filterNullAndUndefined copies obj without its null and undefined values.
function filterNullAndUndefined(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v != null));
}

// mergeObjects returns original with delta's entries set (a null or undefined
// value deletes its key), or original itself when delta changes nothing.
function mergeObjects(original, delta) {
  if (original == null) return delta;
  if (delta == null) return original;
  const merged = { ...original };
  let changed = false;
  for (const [k, v] of Object.entries(delta)) {
    if (v === merged[k]) continue;
    if (v == null) delete merged[k];
    else merged[k] = v;
    changed = true;
  }
  return changed ? merged : original;
}

// appendToChain adds a contributor (an object or a function returning one)
// to a chain, merging two adjacent objects; it returns undefined when the
// chain does not change and was empty, and the chain itself when it does not
// change otherwise.
function appendToChain(chain, contributor) {
  if (typeof contributor === 'object' && Object.keys(contributor).length === 0) return chain;
  if (chain == null || chain.length === 0) return [contributor];
  const last = chain[chain.length - 1];
  if (typeof last === 'object' && typeof contributor === 'object') {
    const merged = mergeObjects(last, contributor);
    if (merged === last) return chain;
    return [...chain.slice(0, -1), merged];
  }
  return [...chain, contributor];
}

// resolveChain evaluates a chain of contributors and extra entries into one
// object without null and undefined values.
function resolveChain(chain, extra) {
  const resolved = {};
  for (const c of chain) Object.assign(resolved, typeof c === 'function' ? c() : c);
  Object.assign(resolved, extra);
  return filterNullAndUndefined(resolved);
}

function noopMetric(name, unit, description, kind, valueType, method) {
  return {
    name, unit, description, kind, valueType,
    [method]() {},
    withTags() {
      return this;
    },
  };
}

class NoopMetricMeter {
  createCounter(name, unit, description) {
    return noopMetric(name, unit, description, 'counter', 'int', 'add');
  }
  createHistogram(name, valueType = 'int', unit, description) {
    return noopMetric(name, unit, description, 'histogram', valueType, 'record');
  }
  createGauge(name, valueType = 'int', unit, description) {
    return noopMetric(name, unit, description, 'gauge', valueType, 'set');
  }
  createUpDownCounter(name, unit, description) {
    return noopMetric(name, unit, description, 'up-down-counter', 'int', 'add');
  }
  withTags() {
    return this;
  }
}

export const noopMetricMeter = /* @__PURE__ */ (() => new NoopMetricMeter())();

// composedMetric makes the class of a metric that adds a chain's tags before
// calling its parent metric's method; fixedValueType is the value type of a
// kind that has only one (a counter's 'int'); parentKey names the property
// that holds the parent metric.
function composedMetric(kind, method, parentKey, fixedValueType) {
  class ComposedMetric {
    constructor(parent, contributors) {
      this[parentKey] = parent;
      this.contributors = contributors;
      this.kind = kind;
      if (fixedValueType) this.valueType = fixedValueType;
    }
    [method](value, extraTags) {
      this[parentKey][method](value, resolveChain(this.contributors, extraTags));
    }
    withTags(extraTags) {
      const contributors = appendToChain(this.contributors, extraTags);
      if (contributors === undefined) return this;
      return new ComposedMetric(this[parentKey], contributors);
    }
    get name() {
      return this[parentKey].name;
    }
    get unit() {
      return this[parentKey].unit;
    }
    get description() {
      return this[parentKey].description;
    }
  }
  if (!fixedValueType) {
    Object.defineProperty(ComposedMetric.prototype, 'valueType', {
      get() {
        return this[parentKey].valueType;
      },
      configurable: true,
    });
  }
  return ComposedMetric;
}

const ComposedCounter = /* @__PURE__ */ composedMetric('counter', 'add', 'parentCounter', 'int');
const ComposedHistogram = /* @__PURE__ */ composedMetric('histogram', 'record', 'parentHistogram');
const ComposedGauge = /* @__PURE__ */ composedMetric('gauge', 'set', 'parentGauge');
const ComposedUpDownCounter = /* @__PURE__ */ composedMetric('up-down-counter', 'add', 'parentCounter', 'int');

export class MetricMeterWithComposedTags {
  static compose(meter, tagsOrFunc, force = false) {
    const composed = meter instanceof MetricMeterWithComposedTags;
    const contributors = appendToChain(composed ? meter.contributors : undefined, tagsOrFunc);
    if (contributors === undefined && !force) return meter;
    return new MetricMeterWithComposedTags(composed ? meter.parentMeter : meter, contributors ?? []);
  }
  constructor(parentMeter, contributors) {
    this.parentMeter = parentMeter;
    this.contributors = contributors;
  }
  createCounter(name, unit, description) {
    return new ComposedCounter(this.parentMeter.createCounter(name, unit, description), this.contributors);
  }
  createHistogram(name, valueType = 'int', unit, description) {
    return new ComposedHistogram(this.parentMeter.createHistogram(name, valueType, unit, description), this.contributors);
  }
  createGauge(name, valueType = 'int', unit, description) {
    return new ComposedGauge(this.parentMeter.createGauge(name, valueType, unit, description), this.contributors);
  }
  createUpDownCounter(name, unit, description) {
    if (!this.parentMeter.createUpDownCounter) throw new Error('createUpDownCounter is not supported by the underlying meter');
    return new ComposedUpDownCounter(this.parentMeter.createUpDownCounter(name, unit, description), this.contributors);
  }
  withTags(tags) {
    return MetricMeterWithComposedTags.compose(this, tags);
  }
}

export class LoggerWithComposedMetadata {
  static compose(logger, metaOrFunc) {
    const composed = logger instanceof LoggerWithComposedMetadata;
    const contributors = appendToChain(composed ? logger.contributors : undefined, metaOrFunc);
    if (contributors === undefined) return logger;
    return new LoggerWithComposedMetadata(composed ? logger.parentLogger : logger, contributors);
  }
  constructor(parentLogger, contributors) {
    this.parentLogger = parentLogger;
    this.contributors = contributors;
  }
  log(level, message, extraMeta) {
    this.parentLogger.log(level, message, resolveChain(this.contributors, extraMeta));
  }
  trace(message, extraMeta) {
    this.parentLogger.trace(message, resolveChain(this.contributors, extraMeta));
  }
  debug(message, extraMeta) {
    this.parentLogger.debug(message, resolveChain(this.contributors, extraMeta));
  }
  info(message, extraMeta) {
    this.parentLogger.info(message, resolveChain(this.contributors, extraMeta));
  }
  warn(message, extraMeta) {
    this.parentLogger.warn(message, resolveChain(this.contributors, extraMeta));
  }
  error(message, extraMeta) {
    this.parentLogger.error(message, resolveChain(this.contributors, extraMeta));
  }
}

// ---- activities --------------------------------------------------------------

export class ActivityCancellationDetails {
  constructor(options = {}) {
    this.notFound = options.notFound ?? false;
    this.cancelRequested = options.cancelRequested ?? false;
    this.paused = options.paused ?? false;
    this.timedOut = options.timedOut ?? false;
    this.workerShutdown = options.workerShutdown ?? false;
    this.reset = options.reset ?? false;
  }
  static fromProto(proto) {
    if (proto == null) return new ActivityCancellationDetails();
    return new ActivityCancellationDetails({
      notFound: proto.isNotFound ?? false,
      cancelRequested: proto.isCancelled ?? false,
      paused: proto.isPaused ?? false,
      timedOut: proto.isTimedOut ?? false,
      workerShutdown: proto.isWorkerShutdown ?? false,
      reset: proto.isReset ?? false,
    });
  }
}

// ---- external storage ----------------------------------------------------------

// StorageDriverClaim and ExternalStorage are the TypeScript SDK's
// configuration classes for storing large payloads outside history. Its
// worker applies an ExternalStorage given in its data converter to the
// payloads of activations, outside the workflow sandbox; in a workflow they
// are plain values, as here.
export class StorageDriverClaim {
  claimData;
  constructor(claimData) {
    this.claimData = claimData;
  }
}

export class ExternalStorage {
  drivers;
  driverSelector;
  payloadSizeThreshold;
  driversByName;
  constructor({ drivers, driverSelector, payloadSizeThreshold = 256 * 1024 }) {
    if (!Array.isArray(drivers) || drivers.length === 0) throw valueError('ExternalStorage requires at least one driver');
    if (typeof payloadSizeThreshold !== 'number' || !Number.isFinite(payloadSizeThreshold) || payloadSizeThreshold < 0) {
      throw valueError(`ExternalStorage.payloadSizeThreshold must be a non-negative finite number, got ${String(payloadSizeThreshold)}`);
    }
    const byName = new Map();
    for (const driver of drivers) {
      const name = driver?.name;
      if (typeof name !== 'string' || name.length === 0) throw valueError("Storage driver 'name' must be a non-empty string");
      if (byName.has(name)) throw valueError(`Duplicate storage driver name: '${name}'`);
      byName.set(name, driver);
    }
    if (driverSelector === undefined && byName.size > 1) {
      throw valueError('ExternalStorage.driverSelector is required when more than one driver is registered');
    }
    this.drivers = drivers.slice();
    this.driverSelector = driverSelector ?? (() => drivers[0]);
    this.payloadSizeThreshold = payloadSizeThreshold;
    this.driversByName = byName;
  }
  // getDriver returns the registered driver called name, or null.
  getDriver(name) {
    return this.driversByName.get(name) ?? null;
  }
}

// ---- failure conversion ----------------------------------------------------

const nonErrorThrown = ' [A non-Error value was thrown from your code. We recommend throwing Error objects so that we can provide a stack trace]';

// DefaultFailureConverter converts between errors and Temporal failure protos
// as @temporalio/common's does, with tsworker's failure classes. A Nexus
// handler failure decodes to a TemporalFailure: tsworker has no Nexus
// HandlerError class.
export class DefaultFailureConverter {
  constructor(options) {
    const { encodeCommonAttributes } = options ?? {};
    this.options = { encodeCommonAttributes: encodeCommonAttributes ?? false };
  }

  failureToErrorInner(failure, payloadConverter, context) {
    const cls = (name) => globalThis.__tsw.cls(name);
    const cause = () => this.optionalFailureToOptionalError(failure.cause, payloadConverter, context);
    const message = failure.message ?? undefined;
    const app = failure.applicationFailureInfo;
    if (app) {
      return new (cls('ApplicationFailure'))(message, app.type, Boolean(app.nonRetryable),
        arrayFromPayloads(payloadConverter, app.details?.payloads, context), cause(), undefined, decodeApplicationFailureCategory(app.category));
    }
    if (failure.serverFailureInfo) {
      return new (cls('ServerFailure'))(message, Boolean(failure.serverFailureInfo.nonRetryable), cause());
    }
    if (failure.timeoutFailureInfo) {
      return new (cls('TimeoutFailure'))(message,
        fromPayloadsAtIndex(payloadConverter, 0, failure.timeoutFailureInfo.lastHeartbeatDetails?.payloads, context),
        decodeTimeoutType(failure.timeoutFailureInfo.timeoutType));
    }
    if (failure.terminatedFailureInfo) return new (cls('TerminatedFailure'))(message, cause());
    if (failure.canceledFailureInfo) {
      return new (cls('CancelledFailure'))(message, arrayFromPayloads(payloadConverter, failure.canceledFailureInfo.details?.payloads, context), cause());
    }
    if (failure.resetWorkflowFailureInfo) {
      return new (cls('ApplicationFailure'))(message, 'ResetWorkflow', false,
        arrayFromPayloads(payloadConverter, failure.resetWorkflowFailureInfo.lastHeartbeatDetails?.payloads, context), cause());
    }
    const child = failure.childWorkflowExecutionFailureInfo;
    if (child) {
      if (!(child.workflowType?.name && child.workflowExecution)) throw new TypeError('Missing attributes on childWorkflowExecutionFailureInfo');
      return new (cls('ChildWorkflowFailure'))(child.namespace ?? undefined, child.workflowExecution, child.workflowType.name,
        decodeRetryState(child.retryState), cause());
    }
    const act = failure.activityFailureInfo;
    if (act) {
      if (!act.activityType?.name) throw new TypeError('Missing activityType?.name on activityFailureInfo');
      return new (cls('ActivityFailure'))(message, act.activityType.name, act.activityId ?? undefined, decodeRetryState(act.retryState),
        act.identity ?? undefined, cause());
    }
    const nexus = failure.nexusOperationExecutionFailureInfo;
    if (nexus) {
      return new (cls('NexusOperationFailure'))(message, nexus.scheduledEventId?.toNumber(), nexus.endpoint ?? '', nexus.service ?? '',
        nexus.operation ?? '', nexus.operationToken ?? undefined, cause());
    }
    return new (cls('TemporalFailure'))(message, cause());
  }

  failureToError(failure, payloadConverter, context) {
    if (failure.encodedAttributes) {
      const attrs = payloadConverter.fromPayload(failure.encodedAttributes, context);
      if (typeof attrs === 'object' && attrs !== null) {
        const { message, stack_trace: stackTrace } = attrs;
        failure = { ...failure };
        if (typeof message === 'string') failure.message = message;
        if (typeof stackTrace === 'string') failure.stackTrace = stackTrace;
      }
    }
    const err = this.failureToErrorInner(failure, payloadConverter, context);
    err.stack = failure.stackTrace ?? '';
    if (err instanceof globalThis.__tsw.cls('TemporalFailure')) err.failure = failure;
    return err;
  }

  errorToFailure(err, payloadConverter, context) {
    const failure = this.errorToFailureInner(err, payloadConverter, context);
    if (this.options.encodeCommonAttributes) {
      const { message, stackTrace } = failure;
      failure.message = 'Encoded failure';
      failure.stackTrace = '';
      failure.encodedAttributes = payloadConverter.toPayload({ message, stack_trace: stackTrace }, context);
    }
    return failure;
  }

  errorToFailureInner(err, payloadConverter, context) {
    const cls = (name) => globalThis.__tsw.cls(name);
    const payloads = (values) => ({ payloads: toPayloadsWithContext(payloadConverter, context, values) });
    if (err instanceof cls('TemporalFailure')) {
      if (err.failure) return err.failure;
      const base = {
        message: err.message,
        stackTrace: cutoffStackTrace(err.stack),
        cause: this.optionalErrorToOptionalFailure(err.cause, payloadConverter, context),
        source: FAILURE_SOURCE,
      };
      if (err instanceof cls('ActivityFailure')) {
        return { ...base, activityFailureInfo: { ...err, retryState: encodeRetryState(err.retryState), activityType: { name: err.activityType } } };
      }
      if (err instanceof cls('ChildWorkflowFailure')) {
        return {
          ...base,
          childWorkflowExecutionFailureInfo: {
            ...err, retryState: encodeRetryState(err.retryState), workflowExecution: err.execution, workflowType: { name: err.workflowType },
          },
        };
      }
      if (err instanceof cls('ApplicationFailure')) {
        return {
          ...base,
          applicationFailureInfo: {
            type: err.type,
            nonRetryable: err.nonRetryable,
            details: err.details && err.details.length ? payloads(err.details) : undefined,
            nextRetryDelay: msOptionalToTs(err.nextRetryDelay),
            category: encodeApplicationFailureCategory(err.category),
          },
        };
      }
      if (err instanceof cls('CancelledFailure')) {
        return { ...base, canceledFailureInfo: { details: err.details && err.details.length ? payloads(err.details) : undefined } };
      }
      if (err instanceof cls('TimeoutFailure')) {
        return {
          ...base,
          timeoutFailureInfo: {
            timeoutType: encodeTimeoutType(err.timeoutType),
            lastHeartbeatDetails: err.lastHeartbeatDetails ? payloads([err.lastHeartbeatDetails]) : undefined,
          },
        };
      }
      if (err instanceof cls('ServerFailure')) return { ...base, serverFailureInfo: { nonRetryable: err.nonRetryable } };
      if (err instanceof cls('TerminatedFailure')) return { ...base, terminatedFailureInfo: {} };
      if (err instanceof cls('NexusOperationFailure')) {
        return {
          ...base,
          nexusOperationExecutionFailureInfo: {
            scheduledEventId: err.scheduledEventId ? Long.fromNumber(err.scheduledEventId) : undefined,
            endpoint: err.endpoint,
            service: err.service,
            operation: err.operation,
            operationToken: err.operationToken,
          },
        };
      }
      return base;
    }
    const base = { source: FAILURE_SOURCE };
    if (isError(err)) {
      return {
        ...base,
        message: String(err.message ?? ''),
        stackTrace: cutoffStackTrace(err.stack),
        cause: this.optionalErrorToOptionalFailure(err.cause, payloadConverter, context),
      };
    }
    if (typeof err === 'string') return { ...base, message: err + nonErrorThrown };
    if (typeof err === 'object') {
      let message = '';
      try {
        message = JSON.stringify(err);
      } catch {
        message = String(err);
      }
      return { ...base, message: message + nonErrorThrown };
    }
    return { ...base, message: String(err) + nonErrorThrown };
  }

  optionalFailureToOptionalError(failure, payloadConverter, context) {
    return failure ? this.failureToError(failure, payloadConverter, context) : undefined;
  }

  optionalErrorToOptionalFailure(err, payloadConverter, context) {
    return err ? this.errorToFailure(err, payloadConverter, context) : undefined;
  }
}

export const defaultFailureConverter = /* @__PURE__ */ (() => new DefaultFailureConverter())();

export const defaultDataConverter = /* @__PURE__ */ (() => ({
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: [],
}))();
