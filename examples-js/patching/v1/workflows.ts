// Version 1 of the onboarding workflow, as it was before the change that
// ../workflows.ts makes with patched('welcome-discount'). Runs started on
// this version can be finished by a worker on the new one.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Duration } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { Customer } from '../activities';

const { sendWelcomeEmail, sendActivationReminder } = proxyActivities<typeof activities>({
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
  /** The discount code sent with the welcome email (version 2 only). */
  discountCode?: string;
}

/**
 * Welcomes a new customer by email, then waits for them to activate their
 * account; if they have not within the activation window, sends a reminder.
 */
export async function onboarding(input: Onboarding): Promise<OnboardingResult> {
  const customer: Customer = { customerId: input.customerId, email: input.email };
  let isActivated = false;
  setHandler(activated, () => void (isActivated = true));

  const emails: string[] = [];
  emails.push(await sendWelcomeEmail(customer));

  if (!(await condition(() => isActivated, input.activationWindow ?? '3 days'))) {
    emails.push(await sendActivationReminder(customer));
  }
  return { customerId: customer.customerId, activated: isActivated, emails };
}
