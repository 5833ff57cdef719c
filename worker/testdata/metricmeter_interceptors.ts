// A getMetricTags interceptor (metricmeter_test.go).
import { WorkflowInterceptors } from '@temporalio/workflow';

export const interceptors = (): WorkflowInterceptors => ({
  outbound: [{ getMetricTags: (tags, next) => ({ ...next(tags), tenant: 'acme' }) }],
});
