// The built-in @temporalio/workflow (and @temporalio/common) module of
// tsworker. It is bundled into every workflow bundle and evaluated once per
// workflow run, so it stays small: the work is done by Go host functions on
// the per-run __tsw object; only what must be JavaScript (error classes for
// instanceof and subclassing, the activity proxy) is defined here.

const h = globalThis.__tsw;

// ---- failures ----------------------------------------------------------

function named(cls, name) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return cls;
}

export class TemporalFailure extends Error {
  constructor(message, cause) {
    super(message ?? undefined);
    this.cause = cause;
  }
}
named(TemporalFailure, 'TemporalFailure');

export class ApplicationFailure extends TemporalFailure {
  constructor(message, type, nonRetryable, details, cause, nextRetryDelay, category) {
    super(message, cause);
    this.type = type;
    this.nonRetryable = nonRetryable;
    this.details = details;
    this.nextRetryDelay = nextRetryDelay;
    this.category = category;
  }
  static create(o) {
    o = o || {};
    return new this(o.message, o.type, o.nonRetryable ?? false, o.details, o.cause, o.nextRetryDelay, o.category);
  }
  static retryable(message, type, ...details) {
    return new this(message, type ?? 'Error', false, details);
  }
  static nonRetryable(message, type, ...details) {
    return new this(message, type ?? 'Error', true, details);
  }
  static fromError(error, overrides) {
    return Object.assign(ensureApplicationFailure(error), overrides);
  }
}
named(ApplicationFailure, 'ApplicationFailure');

export class ServerFailure extends TemporalFailure {
  constructor(message, nonRetryable, cause) {
    super(message, cause);
    this.nonRetryable = nonRetryable;
  }
}
named(ServerFailure, 'ServerFailure');

export class CancelledFailure extends TemporalFailure {
  constructor(message, details = [], cause) {
    super(message, cause);
    this.details = details;
  }
}
named(CancelledFailure, 'CancelledFailure');

export class TerminatedFailure extends TemporalFailure {}
named(TerminatedFailure, 'TerminatedFailure');

export class TimeoutFailure extends TemporalFailure {
  constructor(message, lastHeartbeatDetails, timeoutType) {
    super(message);
    this.lastHeartbeatDetails = lastHeartbeatDetails;
    this.timeoutType = timeoutType;
  }
}
named(TimeoutFailure, 'TimeoutFailure');

export class ActivityFailure extends TemporalFailure {
  constructor(message, activityType, activityId, retryState, identity, cause) {
    super(message, cause);
    this.activityType = activityType;
    this.activityId = activityId;
    this.retryState = retryState;
    this.identity = identity;
  }
}
named(ActivityFailure, 'ActivityFailure');

export class ChildWorkflowFailure extends TemporalFailure {
  constructor(namespace, execution, workflowType, retryState, cause) {
    super('Child Workflow execution failed', cause);
    this.namespace = namespace;
    this.execution = execution;
    this.workflowType = workflowType;
    this.retryState = retryState;
  }
}
named(ChildWorkflowFailure, 'ChildWorkflowFailure');

export class WorkflowExecutionAlreadyStartedError extends TemporalFailure {
  constructor(message, workflowId, workflowType) {
    super(message);
    this.workflowId = workflowId;
    this.workflowType = workflowType;
  }
}
named(WorkflowExecutionAlreadyStartedError, 'WorkflowExecutionAlreadyStartedError');

export function ensureApplicationFailure(error) {
  if (error instanceof ApplicationFailure) return error;
  const rec = typeof error === 'object' && error !== null;
  const f = ApplicationFailure.create({
    message: (rec && String(error.message)) || String(error),
    type: (rec && (error.constructor?.name ?? error.name)) || undefined,
    nonRetryable: false,
  });
  f.stack = (rec && String(error.stack)) || '';
  return f;
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

export const RetryState = h.enums.RetryState;
export const TimeoutType = h.enums.TimeoutType;
export const ActivityCancellationType = h.enums.ActivityCancellationType;
export const ApplicationFailureCategory = { BENIGN: 'BENIGN' };

export class ContinueAsNew extends Error {
  constructor(command) {
    super('Workflow continued as new');
    this.command = command;
  }
}
named(ContinueAsNew, 'ContinueAsNew');

h.failures(TemporalFailure, ApplicationFailure, ServerFailure, CancelledFailure, TerminatedFailure,
  TimeoutFailure, ActivityFailure, ChildWorkflowFailure, WorkflowExecutionAlreadyStartedError, ContinueAsNew);

// ---- workflow API ------------------------------------------------------

export const sleep = h.sleep;
export const workflowInfo = h.workflowInfo;
export const uuid4 = h.uuid4;
export const log = h.log;
export const condition = h.condition;
export const inWorkflowContext = h.inWorkflowContext;

export function proxyActivities(options) {
  if (options === undefined) throw new TypeError('options must be defined');
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(name)}`);
      return (...args) => h.activity(name, args, options);
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
export const setHandler = h.setHandler;
export const setDefaultSignalHandler = h.setDefaultSignalHandler;
export const currentUpdateInfo = h.currentUpdateInfo;
export const allHandlersFinished = h.allHandlersFinished;
export const HandlerUnfinishedPolicy = { WARN_AND_ABANDON: 'WARN_AND_ABANDON', ABANDON: 'ABANDON' };

export class Trigger {
  constructor() {
    this.promise = new Promise((resolve, reject) => {
      const scope = CancellationScope.current();
      if (scope.cancellable) scope.cancelRequested.catch(reject);
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }
  then(onfulfilled, onrejected) {
    return this.promise.then(onfulfilled, onrejected);
  }
}

// ---- cancellation --------------------------------------------------------

export class CancellationScope {
  constructor(options) {
    this.timeout = options?.timeout;
    h.scopeInit(this, options);
  }
  get cancellable() { return h.scopeState(this, 'cancellable'); }
  get parent() { return h.scopeState(this, 'parent'); }
  get cancelRequested() { return h.scopeState(this, 'cancelRequested'); }
  get consideredCancelled() { return h.scopeState(this, 'consideredCancelled'); }
  run(fn) { return h.scopeRun(this, fn, this.timeout); }
  cancel() { h.scopeCancel(this); }
  static current() { return h.scopeCurrent(); }
  static cancellable(fn) { return new this({ cancellable: true }).run(fn); }
  static nonCancellable(fn) { return new this({ cancellable: false }).run(fn); }
  static withTimeout(timeout, fn) { return new this({ cancellable: true, timeout }).run(fn); }
}

h.scopeClass(CancellationScope);

export function isCancellation(err) {
  return err instanceof CancelledFailure ||
    ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause instanceof CancelledFailure);
}

export function setWorkflowOptions(options, fn) {
  Object.assign(fn, { workflowDefinitionOptions: options });
}

// ---- children, external workflows, continue-as-new, versioning ---------

function workflowTypeName(t) {
  return typeof t === 'string' ? t : t.name;
}
export function startChild(workflowTypeOrFunc, options) {
  return h.startChild(workflowTypeName(workflowTypeOrFunc), options);
}
export async function executeChild(workflowTypeOrFunc, options) {
  const handle = await startChild(workflowTypeOrFunc, options);
  return handle.result();
}
export const getExternalWorkflowHandle = h.externalHandle;
export function makeContinueAsNewFunc(options) {
  return (...args) => Promise.reject(new ContinueAsNew(h.continueAsNew(options, args)));
}
export function continueAsNew(...args) {
  return makeContinueAsNewFunc()(...args);
}
export const patched = h.patched;
export const deprecatePatch = h.deprecatePatch;
export function proxyLocalActivities(options) {
  if (options === undefined) throw new TypeError('options must be defined');
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(name)}`);
      return (...args) => h.localActivity(name, args, options);
    },
  });
}
export const upsertSearchAttributes = h.upsertSearchAttributes;
export const upsertMemo = h.upsertMemo;
export const setCurrentDetails = h.setCurrentDetails;
export const getCurrentDetails = h.getCurrentDetails;
export const ParentClosePolicy = { TERMINATE: 'TERMINATE', ABANDON: 'ABANDON', REQUEST_CANCEL: 'REQUEST_CANCEL' };
export const ChildWorkflowCancellationType = {
  ABANDON: 'ABANDON', TRY_CANCEL: 'TRY_CANCEL', WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
  WAIT_CANCELLATION_REQUESTED: 'WAIT_CANCELLATION_REQUESTED',
};
export const WorkflowIdReusePolicy = {
  ALLOW_DUPLICATE: 'ALLOW_DUPLICATE', ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  REJECT_DUPLICATE: 'REJECT_DUPLICATE', TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
};
