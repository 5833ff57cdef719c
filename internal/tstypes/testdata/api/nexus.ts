// The declared Nexus API: createNexusServiceClient, its client and handle,
// NexusOperationCancellationType and NexusOperationFailure.
import * as wf from '@temporalio/workflow';

const service = {
  name: 'svc',
  operations: { echo: { name: 'echo' }, run: { name: 'run' } },
};

export async function nexusApi(): Promise<string> {
  const client = wf.createNexusServiceClient({ endpoint: 'ep', service });
  const echoed: string = await client.executeOperation('echo', 'x', { scheduleToCloseTimeout: '10s', summary: 's' });
  const h: wf.NexusOperationHandle<number> = await client.startOperation(service.operations.run, { n: 1 }, {
    startToCloseTimeout: 1000,
    scheduleToStartTimeout: '1m',
    cancellationType: wf.NexusOperationCancellationType.WAIT_CANCELLATION_REQUESTED,
  });
  const n: number = await h.result();
  const token: string | undefined = h.token;
  try {
    // @ts-expect-error: not an operation of the service
    await client.executeOperation('nope', 1);
  } catch (err) {
    if (err instanceof wf.NexusOperationFailure) {
      return `${err.endpoint} ${err.service} ${err.operation} ${err.operationToken ?? ''} ${err.scheduledEventId ?? 0}`;
    }
  }
  return `${echoed} ${h.service} ${h.operation} ${token ?? ''} ${n}`;
}
