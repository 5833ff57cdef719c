// A second workflow interceptor module, after the query-subscriptions
// sample's idea: the state a workflow makes subscribable is an immer draft
// during each activation; when the activation ends, its patches are
// published by an activity, and the workflow does not complete before they
// all are. Only for workflows whose type starts with "icptSub".
//
// As the TypeScript SDK collects an activation's commands before it calls
// the concludeActivation interceptors, a publish asked for there (or in a
// promise callback run after them) is sent with the next activation.
import { condition, defineQuery, proxyActivities, setHandler, workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';
import { createDraft, enablePatches, finishDraft, type Patch } from 'immer';
import { order } from './order';

order.push('subscriptions.ts');

const { publish } = proxyActivities<{ publish(version: number, patches: Patch[]): Promise<void> }>({
  startToCloseTimeout: '10s',
});

enablePatches();

interface Store {
  version: number;
  committed: { value?: unknown };
  draft?: { value?: unknown };
  publishing: Promise<void>;
  done: boolean;
  synced: boolean;
}

const store: Store = { version: 0, committed: {}, publishing: Promise.resolve(), done: false, synced: false };

/** subscribable returns a state object whose changes are published. */
export function subscribable<T>(initial: T): { value: T } {
  store.committed.value = initial;
  if (store.draft) store.draft.value = initial;
  setHandler(defineQuery<{ version: number; value: unknown }>('state'), () => ({
    version: store.version,
    value: store.committed.value,
  }));
  return {
    get value() {
      return store.draft!.value as T;
    },
    set value(v: T) {
      store.draft!.value = v;
    },
  };
}

export const interceptors = (): WorkflowInterceptors => {
  if (workflowInfo().workflowType === 'icptOrder') order.push('subscriptions.ts factory');
  if (!workflowInfo().workflowType.startsWith('icptSub')) return {};
  return {
    internals: [
      {
        activate(input, next) {
          if (input.batchIndex === 0) store.draft = createDraft(store.committed);
          return next(input);
        },
        concludeActivation(input, next) {
          store.committed = finishDraft(store.draft!, (patches) => {
            if (patches.length === 0) return;
            const version = ++store.version;
            store.publishing = store.publishing.then(() => publish(version, patches));
          });
          if (store.done) void store.publishing.then(() => (store.synced = true));
          store.draft = undefined;
          return next(input);
        },
      },
    ],
    inbound: [
      {
        async execute(input, next) {
          try {
            return await next(input);
          } finally {
            store.done = true;
            // The commands of concludeActivation go with the next
            // activation: a timeout makes one when nothing else would.
            while (!(await condition(() => store.synced, '100ms')));
          }
        },
      },
    ],
  };
};
