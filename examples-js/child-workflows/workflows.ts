import { executeChild, log, proxyActivities, rootCause, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';
import type { ItemCount } from './activities';

const { countStock } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

/** The stock of one warehouse, as a child workflow returns it. */
export interface WarehouseStock {
  warehouse: string;
  items: ItemCount[];
  /** Units of all items together. */
  units: number;
}

/** Which warehouses to count. */
export interface StockReportRequest {
  warehouses: string[];
}

/** The stock of every warehouse, added up. */
export interface StockReport {
  /** Units of each item across the warehouses counted, by SKU. */
  totals: Record<string, number>;
  /** Units per warehouse counted, in the order asked. */
  warehouses: { warehouse: string; units: number }[];
  /** Warehouses that could not be counted, and why. */
  failed: { warehouse: string; reason: string }[];
}

/** Child workflow: counts the stock of one warehouse. */
export async function countWarehouse(warehouse: string): Promise<WarehouseStock> {
  const { items } = await countStock(warehouse);
  const units = items.reduce((sum, item) => sum + item.quantity, 0);
  return { warehouse, items, units };
}

/**
 * Parent workflow: counts every warehouse in parallel, one child workflow
 * each, and adds up their counts. A warehouse that cannot be counted is
 * listed under failed; the others still make the report.
 */
export async function stockReport({ warehouses }: StockReportRequest): Promise<StockReport> {
  const { workflowId } = workflowInfo();
  // executeChild starts a child and resolves to its result. Called for every
  // warehouse before awaiting any, the children all run at the same time.
  // Their ids are derived from the parent's: a retried or replayed parent
  // finds its children again instead of starting new ones.
  const results = await Promise.allSettled(
    warehouses.map((warehouse) =>
      executeChild(countWarehouse, {
        args: [warehouse],
        workflowId: `${workflowId}-${warehouse}`,
      }),
    ),
  );

  const report: StockReport = { totals: {}, warehouses: [], failed: [] };
  results.forEach((result, i) => {
    const warehouse = warehouses[i];
    if (result.status === 'rejected') {
      // A ChildWorkflowFailure; its cause chain leads to the activity's error.
      const reason = rootCause(result.reason) ?? String(result.reason);
      log.warn('warehouse not counted', { warehouse, reason });
      report.failed.push({ warehouse, reason });
      return;
    }
    for (const { sku, quantity } of result.value.items) {
      report.totals[sku] = (report.totals[sku] ?? 0) + quantity;
    }
    report.warehouses.push({ warehouse, units: result.value.units });
  });
  return report;
}
