import { condition, defineSignal, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Duration } from '@temporalio/workflow';
import type * as activities from './activities';
import type { Customer } from './activities';

const { createDiscountCode, sendWelcomeEmail, sendActivationReminder } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

/** The customer has activated their account. */
export const activated = defineSignal('activated');

export interface Onboarding extends Customer {
  /** How long to wait for the activation before a reminder. Default 3 days. */
  activationWindow?: Duration;
}

export interface OnboardingResult {
  customerId: string;
  activated: boolean;
  /** The emails sent, in order. */
  emails: string[];
  /** The discount code sent with the welcome email (runs that took the new code path only). */
  discountCode?: string;
}

/**
 * Welcomes a new customer by email, then waits for them to activate their
 * account; if they have not within the activation window, sends a reminder.
 *
 * Version 2: the welcome email carries a discount code. Runs started by
 * version 1 (v1/workflows.ts) may still be waiting for their customers, and
 * their histories hold a welcome email without a code. patched() keeps them
 * replaying the way they were written, while new runs take the new path.
 */
export async function onboarding(input: Onboarding): Promise<OnboardingResult> {
  const customer: Customer = { customerId: input.customerId, email: input.email };
  let isActivated = false;
  setHandler(activated, () => void (isActivated = true));

  const emails: string[] = [];
  let discountCode: string | undefined;
  if (patched('welcome-discount')) {
    // New runs: a marker in the history records that they took this path.
    discountCode = await createDiscountCode(customer.customerId);
    emails.push(await sendWelcomeEmail({ ...customer, discountCode }));
  } else {
    // Runs that passed this point under version 1, replayed by this code.
    emails.push(await sendWelcomeEmail(customer));
  }

  if (!(await condition(() => isActivated, input.activationWindow ?? '3 days'))) {
    emails.push(await sendActivationReminder(customer));
  }
  return { customerId: customer.customerId, activated: isActivated, emails, discountCode };
}
