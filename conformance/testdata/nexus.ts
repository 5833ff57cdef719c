// Nexus operations called from workflows. Both runtimes call the operations
// of the Go service the suite's handler worker registers (cases_nexus_test.go)
// through the endpoint "conformance-nexus".
import * as wf from '@temporalio/workflow';
import { NexusOperationFailure } from '@temporalio/common';
import { describe } from './describe';

const endpoint = 'conformance-nexus';

// The service as nexus-rpc's nexus.service() defines it.
const service = {
  name: 'conformance',
  operations: {
    echo: { name: 'echo' },
    echoAlias: { name: 'echo' },
    fail: { name: 'fail' },
    bad: { name: 'bad' },
    run: { name: 'run' },
    runNoCancel: { name: 'runNoCancel' },
  },
};

type RunInput = { ID: string; Mode: 'ok' | 'fail' | 'block' | 'delay'; S: string };

function runInput(mode: RunInput['Mode'], s = ''): RunInput {
  return { ID: 'nexus-handler-' + wf.workflowInfo().workflowId, Mode: mode, S: s };
}

// describeNexus is describe() with the fields of NexusOperationFailures;
// operation tokens (random per run) only say whether they are set.
function describeNexus(err: unknown): unknown {
  const d = describe(err) as any;
  let e: any = err;
  for (let x = d; e instanceof Error && x; e = e.cause, x = x.cause) {
    if (e instanceof NexusOperationFailure) {
      x.nexus = {
        endpoint: e.endpoint,
        service: e.service,
        operation: e.operation,
        token: typeof e.operationToken === 'string' && e.operationToken !== '' ? 'set' : String(e.operationToken),
        scheduledEventId: typeof e.scheduledEventId,
      };
    }
    if (e.name === 'HandlerError') {
      x.handler = {
        type: e.type,
        rawErrorType: e.rawErrorType,
        retryable: e.retryable,
        retryableOverride: String(e.retryableOverride),
        ownKeys: Object.keys(e),
        originalFailure: e.originalFailure && {
          message: e.originalFailure.message,
          metadata: e.originalFailure.metadata,
          details: maskTokens(e.originalFailure.details),
        },
      };
    }
    if (x.failure) x.failure = maskTokens(x.failure);
  }
  return d;
}

function maskTokens(v: any): any {
  if (v && typeof v.toJSON === 'function') v = v.toJSON();
  if (Array.isArray(v)) return v.map(maskTokens);
  if (v && typeof v === 'object') {
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = (k === 'operationToken' || k === 'operationId') && x ? 'set' : maskTokens(x);
    }
    return out;
  }
  return v;
}

async function attemptNexus(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (err) {
    return { threw: describeNexus(err) };
  }
}

export async function nexusSync(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('echo', 'hi');
  const byDefinition = await client.executeOperation(service.operations.echo, { n: 1 });
  return { keys: Object.keys(h), service: h.service, operation: h.operation, token: String(h.token), result: await h.result(), byDefinition };
}

export async function nexusAsync(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('run', runInput('ok', 'x'), { summary: 'run it' });
  const token = typeof h.token === 'string' && h.token !== '' ? 'set' : String(h.token);
  return { token, result: await h.result() };
}

export async function nexusOperationFails(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return attemptNexus(() => client.executeOperation('fail', 'x'));
}

export async function nexusHandlerError(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return attemptNexus(() => client.startOperation('bad', 'x'));
}

export async function nexusAsyncFails(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('run', runInput('fail'));
  return attemptNexus(() => h.result());
}

export async function nexusTimeout(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return attemptNexus(() => client.executeOperation('run', runInput('block'), { startToCloseTimeout: '1s' }));
}

export async function nexusCancelScope(
  cancellationType: wf.NexusOperationCancellationType,
  op: 'run' | 'runNoCancel' = 'run',
): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const events: string[] = [];
  const res = await attemptNexus(() =>
    wf.CancellationScope.cancellable(async () => {
      const h = await client.startOperation(op, runInput('delay'), { cancellationType });
      events.push('started');
      wf.CancellationScope.current().cancel();
      events.push('cancel requested');
      return await h.result();
    }),
  );
  return { events, res };
}

export async function nexusCancelBeforeStart(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return attemptNexus(() =>
    wf.CancellationScope.cancellable(async () => {
      const p = client.startOperation('echo', 'never');
      wf.CancellationScope.current().cancel();
      return await p;
    }),
  );
}

export async function nexusInCancelledScope(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const scope = new wf.CancellationScope();
  scope.cancel();
  return attemptNexus(() => scope.run(() => client.executeOperation('echo', 'never')));
}

export async function nexusWorkflowCancelled(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  const h = await client.startOperation('run', runInput('block'));
  try {
    return await h.result();
  } catch (err) {
    return { caught: describeNexus(err), cancellation: wf.isCancellation(err) };
  }
}

// An operation the service does not define: the TypeScript SDK schedules it
// without a name, and the handler answers NOT_FOUND.
export async function nexusUnknownOperation(): Promise<unknown> {
  const client = wf.createNexusServiceClient({ endpoint, service });
  return attemptNexus(() => client.executeOperation('nope' as any, 'x'));
}
