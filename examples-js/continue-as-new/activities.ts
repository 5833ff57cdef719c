// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** A page of the old orders to list. */
export interface PageRequest {
  offset: number;
  limit: number;
}

/** A page of old orders. */
export interface OrderPage {
  /** Ids of the orders on this page. */
  ids: string[];
  /** Offset of the next page; absent after the last page. */
  nextOffset?: number;
}

/** Lists a page of the orders old enough to archive. */
export declare function listOldOrders(page: PageRequest): Promise<OrderPage>;

/** Moves orders to the archive; resolves to the number archived. Archiving an order twice is harmless. */
export declare function archiveOrders(ids: string[]): Promise<number>;
