import { WorkflowInterceptors } from '@temporalio/workflow';
import { trace } from './interceptors';

// A second module: its interceptors come after the first module's.
export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        trace.push(`second activity ${JSON.stringify(input.args)}`);
        return next(input);
      },
    },
  ],
});
