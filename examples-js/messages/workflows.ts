import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type * as activities from './activities';
import type { CartItem, Receipt } from './activities';

const { priceCart } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

export type CartStatus = 'open' | 'checking out' | 'checked out';

/** The cart as the getCart query returns it. */
export interface Cart {
  customerId: string;
  items: CartItem[];
  status: CartStatus;
}

/** Adds a quantity of an item to the cart. */
export const addItem = defineSignal<[CartItem]>('addItem');
/** Takes an item out of the cart. */
export const removeItem = defineSignal<[string]>('removeItem');
/** Returns the cart. */
export const getCart = defineQuery<Cart>('getCart');
/** Prices the cart and closes it; returns the receipt. Rejected for an empty cart. */
export const checkout = defineUpdate<Receipt>('checkout');

/**
 * A customer's shopping cart. Items come and go by signals, the getCart
 * query reads the cart, and the checkout update prices it (with a Go
 * activity) and returns the receipt to its caller; the workflow then
 * completes with that receipt.
 */
export async function shoppingCart(customerId: string): Promise<Receipt> {
  const items: CartItem[] = [];
  let status: CartStatus = 'open';
  let receipt: Receipt | undefined;

  // A signal cannot be refused: the sender does not wait for an answer. Bad
  // or late signals are logged and dropped.
  setHandler(addItem, ({ sku, quantity }) => {
    if (status !== 'open') {
      log.warn('cart is closed; item not added', { sku, status });
      return;
    }
    if (!Number.isInteger(quantity) || quantity <= 0) {
      log.warn('quantity must be a positive whole number; item not added', { sku, quantity });
      return;
    }
    const line = items.find((i) => i.sku === sku);
    if (line) {
      line.quantity += quantity;
    } else {
      items.push({ sku, quantity });
    }
  });

  setHandler(removeItem, (sku) => {
    const i = items.findIndex((item) => item.sku === sku);
    if (status === 'open' && i >= 0) items.splice(i, 1);
  });

  // Queries are read-only: they return state and change nothing.
  setHandler(getCart, () => ({ customerId, items, status }));

  // An update is a request with an answer. The validator runs first; when it
  // throws, the update is rejected and leaves no trace in the history. The
  // handler may wait (here on an activity), and signals and queries keep
  // being handled meanwhile.
  setHandler(
    checkout,
    async () => {
      status = 'checking out';
      try {
        receipt = await priceCart({ customerId, items });
        status = 'checked out';
        log.info('checked out', { customerId, totalCents: receipt.totalCents });
        return receipt;
      } catch (err) {
        // Pricing failed (an item not in the catalog, say): the update fails
        // with the activity's failure and the cart stays open to be fixed.
        status = 'open';
        throw err;
      }
    },
    {
      validator: () => {
        if (status !== 'open') throw new Error(`cannot check out: the cart is ${status}`);
        if (items.length === 0) throw new Error('cannot check out an empty cart');
      },
    },
  );

  await condition(() => receipt !== undefined);
  // The checkout handler set the receipt but has not returned it to its
  // caller yet: wait for it (and any other handler) before completing.
  await condition(allHandlersFinished);
  return receipt!;
}
