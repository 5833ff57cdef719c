// The parts of @temporalio/common (and of @temporalio/workflow) that are
// plain JavaScript: constants, enum tables and their proto converters, small
// helpers. workflow.js re-exports them all. Every export is side-effect free,
// so esbuild drops what workflow code does not use and a run pays nothing
// for the rest.

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
