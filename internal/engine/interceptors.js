// The workflow interceptors of one run (the TypeScript SDK's
// WorkflowInterceptors), evaluated only in runs whose bundle names
// interceptor modules. It calls each module's interceptors factory, in the
// order the modules are listed, and composes the interceptors' methods as the
// TypeScript SDK's composeInterceptors does: the first interceptor is called
// first, each one's next is the following one, the last one's next the
// engine's own handler. The engine calls the functions it returns, passing
// its own handlers (Go host functions) as the ends of the chains.
(function (modules, host) {
  'use strict';
  const h = globalThis.__tsw;
  const inbound = [];
  const outbound = [];
  const internals = [];
  for (const mod of modules) {
    const factory = mod.interceptors;
    if (factory === undefined) continue;
    if (typeof factory !== 'function') {
      throw new TypeError(`Failed to initialize workflows interceptors: expected a function, but got: '${factory}'`);
    }
    const interceptors = factory();
    inbound.push(...(interceptors.inbound ?? []));
    outbound.push(...(interceptors.outbound ?? []));
    internals.push(...(interceptors.internals ?? []));
  }
  function compose(list, method, next) {
    let composed = next;
    for (let i = list.length - 1; i >= 0; --i) {
      const interceptor = list[i];
      if (interceptor?.[method] !== undefined) {
        const prev = composed;
        composed = (input) => interceptor[method](input, prev);
      }
    }
    return composed;
  }
  const present = (list, names) => names.filter((m) => list.some((i) => i?.[m] !== undefined));
  // withHeaders hands the headers an interceptor set to the command orig
  // makes, which sends them to the server.
  function withHeaders(headers, orig) {
    host.headers(headers);
    try {
      return orig();
    } finally {
      host.headers(undefined);
    }
  }
  const signalsIntercepted = present(outbound, ['signalWorkflow']).length > 0;
  let timerSeq = 1;
  let signalSeq = 1;
  let childSeq = 1;
  let nexusSeq = 1;
  function signaller(orig, target) {
    return (def, ...args) => {
      const signalName = typeof def === 'string' ? def : def?.name;
      return compose(outbound, 'signalWorkflow', (input) =>
        withHeaders(input.headers, () => orig(input.signalName, ...input.args)),
      )({ seq: signalSeq++, signalName, args, target, headers: {} });
    };
  }
  return {
    methods: [
      ...present(inbound, ['execute', 'handleSignal', 'handleQuery', 'validateUpdate', 'handleUpdate']),
      ...present(outbound, ['scheduleActivity', 'scheduleLocalActivity', 'startTimer', 'startChildWorkflowExecution',
        'signalWorkflow', 'continueAsNew', 'getLogAttributes', 'getMetricTags', 'startNexusOperation']),
      ...present(internals, ['activate', 'concludeActivation', 'dispose']),
    ],
    execute(fn, args, headers) {
      return compose(inbound, 'execute', async ({ args }) => await fn(...args))({ headers, args });
    },
    signal(signalName, args, headers, next) {
      return compose(inbound, 'handleSignal', async ({ signalName, args }) => await next(signalName, args))(
        { args, signalName, headers });
    },
    query(queryId, queryName, args, headers, next) {
      return compose(inbound, 'handleQuery', ({ queryName, args }) => {
        try {
          const ret = next(queryName, args);
          if (ret instanceof Promise) {
            return Promise.reject(new (h.cls('DeterminismViolationError'))('Query handlers should not return a Promise'));
          }
          return Promise.resolve(ret);
        } catch (err) {
          return Promise.reject(err);
        }
      })({ queryName, args, queryId, headers });
    },
    validateUpdate(updateId, name, args, headers, validator) {
      compose(inbound, 'validateUpdate', ({ args }) => { validator(args); })({ updateId, args, name, headers });
    },
    handleUpdate(updateId, name, args, headers, handler) {
      return compose(inbound, 'handleUpdate', async ({ args }) => await handler(args))({ updateId, args, name, headers });
    },
    activity(orig, local, seq, activityType, args, options) {
      if (local) {
        return compose(outbound, 'scheduleLocalActivity', (input) =>
          withHeaders(input.headers, () => orig(input.activityType, input.args, input.options, input.seq)),
        )({ activityType, headers: {}, options, args, seq, attempt: 1, originalScheduleTime: undefined });
      }
      return compose(outbound, 'scheduleActivity', (input) =>
        withHeaders(input.headers, () => orig(input.activityType, input.args, input.options, input.seq)),
      )({ activityType, headers: {}, options, args, seq });
    },
    timer(orig, durationMs, options) {
      return compose(outbound, 'startTimer', (input) => orig(input.durationMs, input.options))(
        { durationMs, seq: timerSeq++, options });
    },
    child(orig, workflowType, options) {
      let handle;
      const next = (input) => {
        handle = withHeaders(input.headers, () => orig(input.workflowType, input.options));
        const completed = handle.then((hd) => hd.result());
        completed.catch(() => undefined);
        return Promise.resolve([handle.then((hd) => hd.firstExecutionRunId), completed]);
      };
      return compose(outbound, 'startChildWorkflowExecution', next)(
        { seq: childSeq++, options, headers: {}, workflowType },
      ).then(async ([started]) => {
        await started;
        const hd = await handle;
        if (signalsIntercepted) hd.signal = signaller(hd.signal, { type: 'child', childWorkflowId: hd.workflowId });
        return hd;
      });
    },
    signaller,
    continueAsNew(orig, ContinueAsNew, options, args) {
      const { workflowType, taskQueue, ...rest } = options ?? {};
      const info = h.fn('workflowInfo')();
      const required = { workflowType: workflowType ?? info.workflowType, taskQueue: taskQueue ?? info.taskQueue, ...rest };
      return compose(outbound, 'continueAsNew', async (input) => {
        throw new ContinueAsNew(withHeaders(input.headers, () => orig(input.options, input.args)));
      })({ args, headers: {}, options: required });
    },
    nexusClient(client, options) {
      const orig = client.startOperation;
      const startOperation = async (op, input, operationOptions) => {
        const def = typeof op === 'string' ? options.service.operations?.[op] : op;
        const { token, result } = await compose(outbound, 'startNexusOperation', async (i) => {
          host.nexusHeaders(i.headers);
          let started;
          try {
            started = orig({ name: i.operation }, i.input, i.options);
          } finally {
            host.nexusHeaders(undefined);
          }
          const handle = await started;
          return { token: handle.token, result: handle.result() };
        })({
          endpoint: options.endpoint,
          service: options.service.name,
          operation: def?.name,
          options: { ...operationOptions, cancellationType: operationOptions?.cancellationType ?? 'WAIT_CANCELLATION_COMPLETED' },
          headers: {},
          seq: nexusSeq++,
          input,
        });
        return { service: options.service.name, operation: def?.name, token, result: async () => result };
      };
      client.startOperation = startOperation;
      client.executeOperation = async (op, input, operationOptions) =>
        (await startOperation(op, input, operationOptions)).result();
      return client;
    },
    logAttributes(attrs) {
      return compose(outbound, 'getLogAttributes', (a) => a)(attrs);
    },
    metricTags(tags) {
      return compose(outbound, 'getMetricTags', (a) => a)(tags);
    },
    activate(activation) {
      compose(internals, 'activate', () => undefined)({ activation, batchIndex: 0 });
    },
    concludeActivation(commands) {
      return compose(internals, 'concludeActivation', (input) => input)({ commands });
    },
    dispose() {
      compose(internals, 'dispose', async () => {})({});
    },
  };
})
