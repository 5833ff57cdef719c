// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** What the warehouse is asked to pack. */
export interface PackRequest {
  orderId: string;
  /** How long packing takes, in milliseconds: the stand-in for real work. */
  workMs: number;
}

/** A packed order, ready to ship. */
export interface Parcel {
  orderId: string;
  trackingNumber: string;
}

/** A message to the customer about an order. */
export interface DelayNotice {
  orderId: string;
  message: string;
}

/** Packs an order; takes a while. */
export declare function packOrder(req: PackRequest): Promise<Parcel>;

/** Tells the customer that their order takes longer than usual. */
export declare function sendDelayNotice(notice: DelayNotice): Promise<void>;
