// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** A new customer. */
export interface Customer {
  customerId: string;
  email: string;
}

/** A welcome email, with a discount code since version 2 of the workflow. */
export interface WelcomeEmail extends Customer {
  discountCode?: string;
}

/** Creates a single-use discount code for a new customer. */
export declare function createDiscountCode(customerId: string): Promise<string>;

/** Sends the welcome email; resolves to a description of what was sent. */
export declare function sendWelcomeEmail(email: WelcomeEmail): Promise<string>;

/** Reminds a customer to activate their account; resolves to a description of what was sent. */
export declare function sendActivationReminder(customer: Customer): Promise<string>;
