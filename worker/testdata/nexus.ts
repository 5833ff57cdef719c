import * as wf from '@temporalio/workflow';

// The service the tests' Go handler registers (nexus_test.go), defined as
// nexus-rpc's nexus.service() would.
const service = {
  name: 'tsw-test',
  operations: { echo: { name: 'echo' }, fail: { name: 'fail' }, run: { name: 'run' } },
};

function describe(err: unknown): unknown {
  if (!(err instanceof Error)) return { notAnError: String(err) };
  const e = err as any;
  return {
    name: e.name,
    message: e.message,
    nexus: err instanceof wf.NexusOperationFailure,
    cancelled: err instanceof wf.CancelledFailure,
    timeout: err instanceof wf.TimeoutFailure,
    application: err instanceof wf.ApplicationFailure,
    endpoint: e.endpoint,
    service: e.service,
    operation: e.operation,
    hasToken: typeof e.operationToken === 'string' && e.operationToken !== '',
    timeoutType: e.timeoutType,
    isError: err instanceof Error,
    cause: e.cause === undefined ? undefined : describe(e.cause),
  };
}

function handlerId(): string {
  return 'handler-' + wf.workflowInfo().workflowId;
}

export async function nexusSync(endpoint: string, s: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('echo', s);
  const byDefinition = await client.executeOperation(service.operations.echo, s + '!');
  return { service: h.service, operation: h.operation, token: h.token, result: await h.result(), byDefinition };
}

export async function nexusAsync(endpoint: string, s: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('run', { id: handlerId(), mode: 'ok', s });
  return { hasToken: typeof h.token === 'string' && h.token !== '', result: await h.result() };
}

export async function nexusFailure(endpoint: string, op: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  try {
    return { ok: await client.executeOperation(op, op === 'run' ? { id: handlerId(), mode: 'fail', s: 'x' } : 'x') };
  } catch (err) {
    return describe(err);
  }
}

export async function nexusCancel(endpoint: string, cancellationType: wf.NexusOperationCancellationType): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  try {
    await wf.CancellationScope.cancellable(async () => {
      const h = await client.startOperation('run', { id: handlerId(), mode: 'block', s: '' }, { cancellationType });
      wf.CancellationScope.current().cancel();
      return await h.result();
    });
    return 'not cancelled';
  } catch (err) {
    return describe(err);
  }
}

export async function nexusCancelBeforeStart(endpoint: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  try {
    await wf.CancellationScope.cancellable(async () => {
      const p = client.startOperation('echo', 'never');
      wf.CancellationScope.current().cancel();
      return await p;
    });
    return 'not cancelled';
  } catch (err) {
    return describe(err);
  }
}

export async function nexusTimeout(endpoint: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  try {
    return await client.executeOperation('run', { id: handlerId(), mode: 'block', s: '' }, { scheduleToCloseTimeout: '2s' });
  } catch (err) {
    return describe(err);
  }
}

const acts = wf.proxyActivities<{ Echo(s: string): Promise<string> }>({ startToCloseTimeout: '10s' });

// The commands of one turn, held or not, reach history in the order the JS
// asked for them: an activity, a Nexus operation, a timer, an operation.
export async function nexusCommandOrder(endpoint: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const a = acts.Echo('a');
  const n1 = client.executeOperation('echo', 'n1');
  const t = wf.sleep(10);
  const n2 = client.executeOperation('run', { id: handlerId(), mode: 'ok', s: 'n2' });
  return Promise.all([a, n1, t, n2]);
}

// An operation the service does not define is scheduled without a name, as
// in the TypeScript SDK; the handler answers NOT_FOUND.
export async function nexusUnknownOperation(endpoint: string): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  try {
    return await client.executeOperation('nope' as any, 'x');
  } catch (err) {
    const d = describe(err) as any;
    d.cause.type = (err as any).cause?.type;
    d.cause.retryable = (err as any).cause?.retryable;
    return d;
  }
}
