// The activities of the cases: Go functions (activities_test.go), and the
// local ones also in node/activities.mjs.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

export interface Activities {
  echo(s: string): Promise<string>;
  fail(o: { message: string; type?: string; nonRetryable?: boolean; details?: unknown[] }): Promise<void>;
  failTimes(n: number): Promise<number>;
  sleep(ms: number): Promise<number>;
  waitCancel(ms: number): Promise<string>;
}

export interface LocalActivities {
  localEcho(s: string): Promise<string>;
  localFailTimes(n: number): Promise<number>;
  localSleep(ms: number): Promise<number>;
}

export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  // Cancellation reaches a Go activity with a heartbeat response; a short
  // heartbeat timeout makes the Go SDK send heartbeats often.
  heartbeatTimeout: '1s',
  retry: { initialInterval: '50ms', maximumAttempts: 1 },
});

export const local = proxyLocalActivities<LocalActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms', maximumAttempts: 1 },
});
