// The built-in @temporalio/workflow (and @temporalio/common) module of
// tsworker. It is bundled into every workflow bundle and evaluated once per
// workflow run, so it stays small and tree-shakable: every export is a pure
// lookup of a Go host function (h.fn) or of a class defined by classes.js
// (h.cls), made only if workflow code uses it. esbuild drops the rest.

const h = globalThis.__tsw;

export * from './common.js';
export * from './converter.js';
import { MetricMeterWithComposedTags } from './common.js';

export const TemporalFailure = /* @__PURE__ */ h.cls('TemporalFailure');
export const ApplicationFailure = /* @__PURE__ */ h.cls('ApplicationFailure');
export const ServerFailure = /* @__PURE__ */ h.cls('ServerFailure');
export const CancelledFailure = /* @__PURE__ */ h.cls('CancelledFailure');
export const TerminatedFailure = /* @__PURE__ */ h.cls('TerminatedFailure');
export const TimeoutFailure = /* @__PURE__ */ h.cls('TimeoutFailure');
export const ActivityFailure = /* @__PURE__ */ h.cls('ActivityFailure');
export const ChildWorkflowFailure = /* @__PURE__ */ h.cls('ChildWorkflowFailure');
export const WorkflowExecutionAlreadyStartedError = /* @__PURE__ */ h.cls('WorkflowExecutionAlreadyStartedError');
export const ContinueAsNew = /* @__PURE__ */ h.cls('ContinueAsNew');
export const CancellationScope = /* @__PURE__ */ h.cls('CancellationScope');
export const Trigger = /* @__PURE__ */ h.cls('Trigger');
export const WorkflowError = /* @__PURE__ */ h.cls('WorkflowError');
export const DeterminismViolationError = /* @__PURE__ */ h.cls('DeterminismViolationError');
export const IllegalStateError = /* @__PURE__ */ h.cls('IllegalStateError');
export const ValueError = /* @__PURE__ */ h.cls('ValueError');
export const PayloadConverterError = /* @__PURE__ */ h.cls('PayloadConverterError');
export const WorkflowNotFoundError = /* @__PURE__ */ h.cls('WorkflowNotFoundError');
export const NamespaceNotFoundError = /* @__PURE__ */ h.cls('NamespaceNotFoundError');
export const NexusOperationFailure = /* @__PURE__ */ h.cls('NexusOperationFailure');
export const CompleteAsyncError = /* @__PURE__ */ h.cls('CompleteAsyncError');
export const LocalActivityDoBackoff = /* @__PURE__ */ h.cls('LocalActivityDoBackoff');
export const ExternalStorageNotConfiguredError = /* @__PURE__ */ h.cls('ExternalStorageNotConfiguredError');

export function createPayloadValidationError(details) {
  return ApplicationFailure.create({
    message: 'Payload validation failed', type: 'PayloadValidationError', nonRetryable: true,
    details: details == null ? [] : [details],
  });
}

export function ensureApplicationFailure(error) {
  return ApplicationFailure.fromError(error);
}

export function ensureTemporalFailure(err) {
  return err instanceof TemporalFailure ? err : ensureApplicationFailure(err);
}

export function rootCause(error) {
  if (error instanceof TemporalFailure) return error.cause ? rootCause(error.cause) : error.message;
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  return undefined;
}

export const RetryState = {
  IN_PROGRESS: 'IN_PROGRESS', NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE', TIMEOUT: 'TIMEOUT',
  MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED', RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR', CANCEL_REQUESTED: 'CANCEL_REQUESTED',
};
export const TimeoutType = {
  START_TO_CLOSE: 'START_TO_CLOSE', SCHEDULE_TO_START: 'SCHEDULE_TO_START', SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  HEARTBEAT: 'HEARTBEAT',
};
export const ActivityCancellationType = {
  TRY_CANCEL: 'TRY_CANCEL', WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED', ABANDON: 'ABANDON',
};
export const ApplicationFailureCategory = { BENIGN: 'BENIGN' };


// ---- workflow API ------------------------------------------------------

export const sleep = /* @__PURE__ */ h.fn('sleep');
export const workflowInfo = /* @__PURE__ */ h.fn('workflowInfo');
export const uuid4 = /* @__PURE__ */ h.fn('uuid4');
export const log = /* @__PURE__ */ h.fn('log');
export const condition = /* @__PURE__ */ h.fn('condition');
export const inWorkflowContext = /* @__PURE__ */ h.fn('inWorkflowContext');

export function proxySinks() {
  return new Proxy({}, {
    get(_, ifaceName) {
      return new Proxy({}, { get: (_, fnName) => (...args) => sinkCall(ifaceName, fnName, args) });
    },
  });
}
const sinkCall = /* @__PURE__ */ h.fn('sinkCall');

// validateActivityOptions is the TypeScript SDK's check of the proxies'
// options, made when the proxy is made.
function validateActivityOptions(options) {
  if (options.scheduleToCloseTimeout === undefined && options.startToCloseTimeout === undefined) {
    throw new TypeError('Required either scheduleToCloseTimeout or startToCloseTimeout');
  }
}
export function proxyActivities(options) {
  if (options === undefined) throw new TypeError('options must be defined');
  validateActivityOptions(options);
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(name)}`);
      return (...args) => scheduleActivity(name, args, options);
    },
  });
}

// ---- messages ------------------------------------------------------------

export function defineSignal(name) {
  return { type: 'signal', name };
}
export function defineQuery(name) {
  return { type: 'query', name };
}
export function defineUpdate(name) {
  return { type: 'update', name };
}
export const setHandler = /* @__PURE__ */ h.fn('setHandler');
export const setDefaultSignalHandler = /* @__PURE__ */ h.fn('setDefaultSignalHandler');
export const currentUpdateInfo = /* @__PURE__ */ h.fn('currentUpdateInfo');
export const allHandlersFinished = /* @__PURE__ */ h.fn('allHandlersFinished');
export const HandlerUnfinishedPolicy = { WARN_AND_ABANDON: 'WARN_AND_ABANDON', ABANDON: 'ABANDON' };

// ---- cancellation --------------------------------------------------------


export function isCancellation(err) {
  return err instanceof CancelledFailure ||
    ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure || err instanceof NexusOperationFailure) &&
      err.cause instanceof CancelledFailure);
}

export function setWorkflowOptions(options, fn) {
  Object.assign(fn, { workflowDefinitionOptions: options });
}

// ---- children, external workflows, continue-as-new, versioning ---------

function workflowTypeName(t) {
  return typeof t === 'string' ? t : t.name;
}
export function startChild(workflowTypeOrFunc, options) {
  return hostStartChild(workflowTypeName(workflowTypeOrFunc), options);
}
export async function executeChild(workflowTypeOrFunc, options) {
  const handle = await startChild(workflowTypeOrFunc, options);
  return handle.result();
}
export const getExternalWorkflowHandle = /* @__PURE__ */ h.fn('externalHandle');
export function makeContinueAsNewFunc(options) {
  return (...args) => continueAsNewIntercepted(options, args) ??
    Promise.reject(new ContinueAsNew(hostContinueAsNew(options, args)));
}
export function continueAsNew(...args) {
  return makeContinueAsNewFunc()(...args);
}
export const patched = /* @__PURE__ */ h.fn('patched');
export const deprecatePatch = /* @__PURE__ */ h.fn('deprecatePatch');
export function proxyLocalActivities(options) {
  if (options === undefined) throw new TypeError('options must be defined');
  validateActivityOptions(options);
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(name)}`);
      return (...args) => scheduleLocalActivity(name, args, options);
    },
  });
}
export const upsertSearchAttributes = /* @__PURE__ */ h.fn('upsertSearchAttributes');
export const upsertMemo = /* @__PURE__ */ h.fn('upsertMemo');
export const setCurrentDetails = /* @__PURE__ */ h.fn('setCurrentDetails');
export const getCurrentDetails = /* @__PURE__ */ h.fn('getCurrentDetails');
export const ParentClosePolicy = { TERMINATE: 'TERMINATE', ABANDON: 'ABANDON', REQUEST_CANCEL: 'REQUEST_CANCEL' };
export function addDefaultWorkflowOptions(opts) {
  const { args, workflowId, ...rest } = opts;
  return {
    workflowId: workflowId ?? uuid4(),
    args: args ?? [],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    ...rest,
  };
}
export const ChildWorkflowCancellationType = {
  ABANDON: 'ABANDON', TRY_CANCEL: 'TRY_CANCEL', WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
  WAIT_CANCELLATION_REQUESTED: 'WAIT_CANCELLATION_REQUESTED',
};
export const WorkflowIdReusePolicy = {
  ALLOW_DUPLICATE: 'ALLOW_DUPLICATE', ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  REJECT_DUPLICATE: 'REJECT_DUPLICATE', TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
};

export const scheduleActivity = /* @__PURE__ */ h.fn('activity');
export const scheduleLocalActivity = /* @__PURE__ */ h.fn('localActivity');
export const createNexusServiceClient = /* @__PURE__ */ h.fn('createNexusServiceClient');
const hostStartChild = /* @__PURE__ */ h.fn('startChild');
const hostContinueAsNew = /* @__PURE__ */ h.fn('continueAsNew');
const continueAsNewIntercepted = /* @__PURE__ */ h.fn('continueAsNewIntercepted');

export const SearchAttributeType = {
  TEXT: 'TEXT', KEYWORD: 'KEYWORD', INT: 'INT', DOUBLE: 'DOUBLE', BOOL: 'BOOL', DATETIME: 'DATETIME',
  KEYWORD_LIST: 'KEYWORD_LIST',
};
export function defineSearchAttributeKey(name, type) {
  return { name, type };
}
export const TypedSearchAttributes = /* @__PURE__ */ h.fn('TypedSearchAttributes');

// ---- async context, randomness, metrics, event groups ---------------------

export const AsyncLocalStorage = /* @__PURE__ */ h.fn('AsyncLocalStorage');
export const getRandomStream = /* @__PURE__ */ h.fn('getRandomStream');
export const workflowRandom = /* @__PURE__ */ h.fn('workflowRandom');
export const metricMeter = /* @__PURE__ */ MetricMeterWithComposedTags.compose(
  /* @__PURE__ */ h.fn('workflowMetricMeter'), /* @__PURE__ */ h.fn('workflowMetricTags'), true);
export const createEventGroup = /* @__PURE__ */ h.fn('createEventGroup');
