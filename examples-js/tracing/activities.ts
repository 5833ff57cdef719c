// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** An order to charge and ship. */
export interface Order {
  orderId: string;
  amountCents: number;
  address: string;
}

/** A booked delivery. */
export interface Shipment {
  courier: string;
  trackingNumber: string;
}

/** What a receipt is made of. */
export interface ReceiptInput {
  order: Order;
  paymentId: string;
  trackingNumber: string;
}

/** Charges the order's amount and returns the payment's id. */
export declare function chargeCard(orderId: string, amountCents: number): Promise<string>;

/** Books a courier to deliver the order. */
export declare function bookCourier(order: Order): Promise<Shipment>;

/** Formats the receipt of a placed order, as one line. */
export declare function formatReceipt(input: ReceiptInput): Promise<string>;
