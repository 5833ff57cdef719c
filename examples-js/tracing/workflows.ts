import { executeChild, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';
import type { Order, Shipment } from './activities';

const { chargeCard, bookCourier } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

// A local activity runs in the worker that runs the workflow, without a
// round trip through the server. It is traced like any other activity.
const { formatReceipt } = proxyLocalActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
});

/**
 * Parent workflow: charges the card (a Go activity), ships the order in a
 * child workflow, and formats a receipt (a Go local activity). With the
 * tracing interceptor on the client and the worker, every step is a span of
 * the trace that starting this workflow began.
 */
export async function placeOrder(order: Order): Promise<string> {
  const paymentId = await chargeCard(order.orderId, order.amountCents);
  const shipment: Shipment = await executeChild(shipOrder, {
    args: [order],
    workflowId: `${workflowInfo().workflowId}-shipping`,
  });
  return await formatReceipt({ order, paymentId, trackingNumber: shipment.trackingNumber });
}

/** Child workflow: books a courier for the order. */
export async function shipOrder(order: Order): Promise<Shipment> {
  return await bookCourier(order);
}
