import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

const approve = defineSignal<[string, number]>('approve');
const status = defineQuery<unknown, [string]>('status');
const setQuantity = defineUpdate<number, [number]>('setQuantity');

// order waits for approvals worth 2, answers status and takes a new
// quantity by update.
export async function order(customer: string, quantity: number): Promise<unknown> {
  let approvedBy = '';
  let approvals = 0;
  setHandler(approve, (by, n) => {
    approvedBy = by;
    approvals += n;
  });
  setHandler(status, (prefix) => ({ prefix, customer, quantity, approvedBy }));
  setHandler(
    setQuantity,
    (q) => {
      const old = quantity;
      quantity = q;
      return old;
    },
    {
      validator: (q) => {
        if (q <= 0) throw new Error('quantity must be positive');
      },
    },
  );
  await condition(() => approvals >= 2);
  return { customer, quantity, approvedBy };
}

// echo returns its arguments.
export async function echo(...args: unknown[]): Promise<unknown[]> {
  return args;
}

// waits until it is cancelled or terminated.
export async function waits(): Promise<void> {
  await condition(() => false);
}
