import type { WorkflowInterceptors } from '@temporalio/workflow';

// Wraps every workflow's result.
export const interceptors = (): WorkflowInterceptors => ({
  inbound: [{ execute: async (input, next) => ({ intercepted: await next(input) }) }],
});
