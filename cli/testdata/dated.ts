import { sleep } from '@temporalio/workflow';

// nextDay needs a Date, which the payload converter of dateconverter.ts
// makes of {"$date": milliseconds}.
export async function nextDay(d: Date): Promise<{ day: string; next: Date }> {
  await sleep(1);
  return { day: d.toISOString(), next: new Date(d.getTime() + 86_400_000) };
}
