import { proxyActivities, sleep, log } from '@temporalio/workflow';
import type * as activities from './activities';

const { packOrder, sendDelayNotice } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 minutes',
  // Packing reports progress; a worker that dies mid-order is noticed fast.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

export interface Order {
  orderId: string;
  /** How long packing takes, in milliseconds. */
  workMs: number;
  /** How long before the customer is told the order is late, in milliseconds. Default: 1 minute. */
  noticeAfterMs?: number;
}

export interface Shipment {
  orderId: string;
  trackingNumber: string;
  /** Whether the customer was told that the order was late. */
  delayNoticeSent: boolean;
}

/**
 * Packs an order. If packing outlasts the notice period, the customer gets a
 * delay notice while packing goes on; the order ships either way.
 */
export async function processOrder(order: Order): Promise<Shipment> {
  const { orderId } = order;
  const packing = packOrder({ orderId, workMs: order.workMs });

  // A durable timer raced against the activity: whichever settles first wins
  // the race, and the other one keeps running.
  const noticePeriod = sleep(order.noticeAfterMs ?? '1 minute').then(() => 'late' as const);
  const first = await Promise.race([packing, noticePeriod]);

  let delayNoticeSent = false;
  if (first === 'late') {
    log.info('order is late, telling the customer', { orderId });
    await sendDelayNotice({
      orderId,
      message: `Order ${orderId} is taking longer than usual. It will ship as soon as it is packed.`,
    });
    delayNoticeSent = true;
  }

  const parcel = await packing;
  return { orderId, trackingNumber: parcel.trackingNumber, delayNoticeSent };
}

