// A checkout workflow that calls the operations of a Nexus service, served
// by Go handlers (handlers.go) through the endpoint "shipping".
import * as wf from '@temporalio/workflow';

// The service's definition. With nexus-rpc installed (npm install nexus-rpc)
// it is written
//   nexus.service('shipping', { quote: nexus.operation<Parcel, Quote>(), ship: nexus.operation<Parcel, Shipment>() })
// and tsworker bundles that package from node_modules as any other.
const shipping = {
  name: 'shipping',
  operations: { quote: { name: 'quote' }, ship: { name: 'ship' } },
};

export interface Parcel {
  orderId: string;
  weightGrams: number;
}
export interface Quote {
  carrier: string;
  priceCents: number;
}
export interface Shipment {
  orderId: string;
  trackingNumber: string;
}

export async function checkout(parcel: Parcel): Promise<{ quote: Quote; shipment: Shipment; operationToken: boolean }> {
  const client = wf.createNexusServiceClient({ endpoint: 'shipping', service: shipping });
  // A synchronous operation: the handler answers within the request.
  const quote: Quote = await client.executeOperation('quote', parcel, { scheduleToCloseTimeout: '10s' });
  // An asynchronous operation: the handler starts a workflow; the handle
  // has its token as soon as it started, the result when the workflow ends.
  const handle = await client.startOperation('ship', parcel, { scheduleToCloseTimeout: '1 minute' });
  const shipment: Shipment = await handle.result();
  return { quote, shipment, operationToken: Boolean(handle.token) };
}

// checkoutCancelled gives up on the shipment after a second: cancelling the
// scope cancels the operation (and with it the handler's workflow), and the
// workflow sees a NexusOperationFailure caused by a CancelledFailure.
export async function checkoutCancelled(parcel: Parcel): Promise<string> {
  const client = wf.createNexusServiceClient({ endpoint: 'shipping', service: shipping });
  try {
    await wf.CancellationScope.withTimeout(1000, async () => {
      const handle = await client.startOperation('ship', { ...parcel, weightGrams: -1 });
      return handle.result();
    });
    return 'shipped';
  } catch (err) {
    if (err instanceof wf.NexusOperationFailure && wf.isCancellation(err)) {
      return 'cancelled: ' + err.message;
    }
    throw err;
  }
}
