// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** A line of the cart: an item of the catalog and how many of it. */
export interface CartItem {
  /** Catalog number: tea, mug, kettle or teapot in this example. */
  sku: string;
  quantity: number;
}

/** What the pricing service is asked to price. */
export interface PriceRequest {
  customerId: string;
  items: CartItem[];
}

/** A priced line of a receipt. */
export interface ReceiptLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
}

/** The priced cart. */
export interface Receipt {
  customerId: string;
  lines: ReceiptLine[];
  totalCents: number;
}

/** Prices a cart with the catalog's prices. Fails with an UnknownItem error for an item not in the catalog. */
export declare function priceCart(req: PriceRequest): Promise<Receipt>;
