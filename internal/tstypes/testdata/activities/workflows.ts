// Uses the declarations generated from the Go activities of
// activities_test.go through proxyActivities<typeof activities>.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { charge, ping, blob, find, sum, restock, Restock, 'send-mail': sendMail } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

export async function shop(): Promise<number> {
  const receipt = await charge(
    {
      id: 'o1',
      created: new Date(0).toISOString(),
      customer: 'ada',
      items: [{ sku: 'a', qty: 1 }],
      ship: { street: 'Main St' },
      wait: 1e9,
      count: '3',
      NoTag: true,
    },
    1,
  );
  const total: number = receipt.total;
  const lines: { sku: string; qty: number }[] = receipt.lines;
  await ping();
  const bytes: Uint8Array = await blob(new Uint8Array([1, 2]));
  const order = await find('o1'); // the pointer parameter may be left out
  const street: string | undefined = order?.ship?.street;
  const zip: string | null | undefined = order?.ship?.zip;
  const raw: string | undefined = order?.raw; // base64 inside a struct
  const next: activities.Order | null | undefined = order?.next;
  const sum6: number = await sum(1, 2, 3);
  const stock = await restock([{ sku: 'a', qty: 2 }]);
  await Restock([]);
  const sent: boolean = await sendMail('hi');
  return total + lines.length + bytes.length + sum6 + stock['a'].qty + (street ?? zip ?? raw ?? '').length + (next ? 1 : 0) + (sent ? 1 : 0);
}
