// metricMeter on the client's metrics handler (metricmeter_test.go).
import { defineQuery, metricMeter, setHandler, sleep } from '@temporalio/workflow';

export async function meters(): Promise<string> {
  setHandler(defineQuery<string>('ping'), () => 'pong');
  const counter = metricMeter.createCounter('tsw_test_counter', 'items', 'counted items');
  counter.add(1, { phase: 'start' });
  metricMeter.withTags({ scope: 'outer' }).createHistogram('tsw_test_histogram', 'int', 'ms').record(250.7);
  metricMeter.createGauge('tsw_test_gauge', 'float').set(2.5, { flag: true });
  await sleep(10);
  counter.withTags({ phase: 'end' }).add(2, { n: 3 });
  return 'done';
}
