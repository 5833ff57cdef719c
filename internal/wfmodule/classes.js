// Classes of tsworker's built-in @temporalio/workflow module. This program is
// compiled once per worker and evaluated in a workflow run's VM only when the
// run needs one of them (workflow code imports one, or the engine converts a
// failure), so that runs that do not pay nothing for them.
(function () {
  const h = globalThis.__tsw;
  const scopeInit = h.fn('scopeInit');
  const scopeState = h.fn('scopeState');
  const scopeRun = h.fn('scopeRun');
  const scopeCancel = h.fn('scopeCancel');
  const scopeCurrent = h.fn('scopeCurrent');

  function named(cls, name) {
    Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
    return cls;
  }

  class TemporalFailure extends Error {
    constructor(message, cause) {
      super(message ?? undefined);
      this.cause = cause;
      this.failure = undefined; // the raw failure, for failures decoded from history
    }
  }
  named(TemporalFailure, 'TemporalFailure');

  class ApplicationFailure extends TemporalFailure {
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
      let f = error;
      if (!(error instanceof ApplicationFailure)) {
        const rec = typeof error === 'object' && error !== null;
        f = this.create({
          message: (rec && String(error.message)) || String(error),
          type: (rec && (error.constructor?.name ?? error.name)) || undefined,
          nonRetryable: false,
        });
        f.stack = (rec && String(error.stack)) || '';
      }
      return Object.assign(f, overrides);
    }
  }
  named(ApplicationFailure, 'ApplicationFailure');

  class ServerFailure extends TemporalFailure {
    constructor(message, nonRetryable, cause) {
      super(message, cause);
      this.nonRetryable = nonRetryable;
    }
  }
  named(ServerFailure, 'ServerFailure');

  class CancelledFailure extends TemporalFailure {
    constructor(message, details = [], cause) {
      super(message, cause);
      this.details = details;
    }
  }
  named(CancelledFailure, 'CancelledFailure');

  class TerminatedFailure extends TemporalFailure {}
  named(TerminatedFailure, 'TerminatedFailure');

  class TimeoutFailure extends TemporalFailure {
    constructor(message, lastHeartbeatDetails, timeoutType) {
      super(message);
      this.lastHeartbeatDetails = lastHeartbeatDetails;
      this.timeoutType = timeoutType;
    }
  }
  named(TimeoutFailure, 'TimeoutFailure');

  class ActivityFailure extends TemporalFailure {
    constructor(message, activityType, activityId, retryState, identity, cause) {
      super(message, cause);
      this.activityType = activityType;
      this.activityId = activityId;
      this.retryState = retryState;
      this.identity = identity;
    }
  }
  named(ActivityFailure, 'ActivityFailure');

  class ChildWorkflowFailure extends TemporalFailure {
    constructor(namespace, execution, workflowType, retryState, cause) {
      super('Child Workflow execution failed', cause);
      this.namespace = namespace;
      this.execution = execution;
      this.workflowType = workflowType;
      this.retryState = retryState;
    }
  }
  named(ChildWorkflowFailure, 'ChildWorkflowFailure');

  class WorkflowExecutionAlreadyStartedError extends TemporalFailure {
    constructor(message, workflowId, workflowType) {
      super(message);
      this.workflowId = workflowId;
      this.workflowType = workflowType;
    }
  }
  named(WorkflowExecutionAlreadyStartedError, 'WorkflowExecutionAlreadyStartedError');

  class NexusOperationFailure extends TemporalFailure {
    constructor(message, scheduledEventId, endpoint, service, operation, operationToken, cause) {
      super(message, cause);
      this.scheduledEventId = scheduledEventId;
      this.endpoint = endpoint;
      this.service = service;
      this.operation = operation;
      this.operationToken = operationToken;
    }
  }
  named(NexusOperationFailure, 'NexusOperationFailure');

  class ContinueAsNew extends Error {
    constructor(command) {
      super('Workflow continued as new');
      this.command = command;
    }
  }
  named(ContinueAsNew, 'ContinueAsNew');

  // The other error classes @temporalio/workflow exports. Their name is an
  // enumerable property of the prototype, as the TypeScript SDK defines it.
  function marked(cls, name) {
    Object.defineProperty(cls.prototype, 'name', { value: name, enumerable: true });
    return cls;
  }
  const WorkflowError = marked(class WorkflowError extends Error {}, 'WorkflowError');
  const DeterminismViolationError = marked(class DeterminismViolationError extends WorkflowError {}, 'DeterminismViolationError');
  const IllegalStateError = marked(class IllegalStateError extends Error {}, 'IllegalStateError');
  class ValueError extends Error {
    constructor(message, cause) {
      super(message ?? undefined);
      this.cause = cause;
    }
  }
  marked(ValueError, 'ValueError');
  const PayloadConverterError = marked(class PayloadConverterError extends ValueError {}, 'PayloadConverterError');
  class WorkflowNotFoundError extends Error {
    constructor(message, workflowId, runId) {
      super(message);
      this.workflowId = workflowId;
      this.runId = runId;
    }
  }
  marked(WorkflowNotFoundError, 'WorkflowNotFoundError');
  class NamespaceNotFoundError extends Error {
    constructor(namespace) {
      super(`Namespace not found: '${namespace}'`);
      this.namespace = namespace;
    }
  }
  marked(NamespaceNotFoundError, 'NamespaceNotFoundError');
  const CompleteAsyncError = marked(class CompleteAsyncError extends Error {}, 'CompleteAsyncError');
  class LocalActivityDoBackoff extends Error {
    constructor(backoff) {
      super();
      this.backoff = backoff;
    }
  }
  marked(LocalActivityDoBackoff, 'LocalActivityDoBackoff');
  class ExternalStorageNotConfiguredError extends Error {
    constructor(message = 'Detected externally stored payload(s) but external storage is not configured.') {
      super(`[TMPRL1105] ${message}`);
    }
  }
  marked(ExternalStorageNotConfiguredError, 'ExternalStorageNotConfiguredError');

  class CancellationScope {
    constructor(options) {
      this.timeout = options?.timeout;
      scopeInit(this, options);
    }
    get cancellable() { return scopeState(this, 'cancellable'); }
    get parent() { return scopeState(this, 'parent'); }
    get cancelRequested() { return scopeState(this, 'cancelRequested'); }
    get consideredCancelled() { return scopeState(this, 'consideredCancelled'); }
    run(fn) { return scopeRun(this, fn, this.timeout); }
    cancel() { scopeCancel(this); }
    static current() { return scopeCurrent(); }
    static cancellable(fn) { return new this({ cancellable: true }).run(fn); }
    static nonCancellable(fn) { return new this({ cancellable: false }).run(fn); }
    static withTimeout(timeout, fn) { return new this({ cancellable: true, timeout }).run(fn); }
  }

  class Trigger {
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

  return {
    TemporalFailure, ApplicationFailure, ServerFailure, CancelledFailure, TerminatedFailure, TimeoutFailure,
    ActivityFailure, ChildWorkflowFailure, WorkflowExecutionAlreadyStartedError, ContinueAsNew,
    CancellationScope, Trigger,
    WorkflowError, DeterminismViolationError, IllegalStateError, ValueError, PayloadConverterError,
    WorkflowNotFoundError, NamespaceNotFoundError, NexusOperationFailure, CompleteAsyncError, LocalActivityDoBackoff,
    ExternalStorageNotConfiguredError,
  };
})();
