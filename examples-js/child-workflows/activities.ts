// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** How many units of an item a warehouse holds. */
export interface ItemCount {
  sku: string;
  quantity: number;
}

/** The stock of one warehouse. */
export interface StockCount {
  warehouse: string;
  items: ItemCount[];
}

/**
 * Counts the stock of a warehouse: berlin, lisbon or osaka in this example.
 * Fails with an UnknownWarehouse error for any other.
 */
export declare function countStock(warehouse: string): Promise<StockCount>;
