import { defaultPayloadConverter, WorkflowInterceptors, workflowInfo } from '@temporalio/workflow';

// trace records what the interceptors saw, in order; the workflows read it
// (this module is both an interceptor module and imported by them).
export const trace: string[] = [];

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [
    {
      async execute(input, next) {
        const h = input.headers['x-parent'];
        trace.push(`execute ${workflowInfo().workflowType} ${JSON.stringify(input.args)}`);
        const result = await next({ ...input, args: input.args.map((a) => (typeof a === 'string' ? `${a}+in` : a)) });
        return h === undefined ? result : { result, parentHeader: defaultPayloadConverter.fromPayload(h) };
      },
      handleSignal(input, next) {
        trace.push(`signal ${input.signalName}`);
        return next({ ...input, args: input.args.map((a) => String(a).toUpperCase()) });
      },
      async handleQuery(input, next) {
        return { query: input.queryName, answer: await next(input) };
      },
      validateUpdate(input, next) {
        if (input.args[0] === 'bad') throw new Error(`${input.name} ${input.updateId ? 'with an ID' : ''} rejected`);
        next(input);
      },
      handleUpdate(input, next) {
        trace.push(`update ${input.name}`);
        return next({ ...input, args: [...input.args, 'extra'] });
      },
    },
  ],
  outbound: [
    {
      scheduleActivity(input, next) {
        trace.push(`activity ${input.activityType} seq ${input.seq}`);
        return next({ ...input, args: [...input.args, 'out'] });
      },
      startTimer(input, next) {
        trace.push(`timer ${input.durationMs}`);
        return next(input);
      },
      startChildWorkflowExecution(input, next) {
        trace.push(`child ${input.workflowType}`);
        return next({ ...input, headers: { ...input.headers, 'x-parent': defaultPayloadConverter.toPayload('from parent') } });
      },
    },
  ],
  internals: [
    {
      activate(input, next) {
        trace.push(`activate ${input.batchIndex}`);
        return next(input);
      },
      concludeActivation(input, next) {
        trace.push('conclude');
        return next(input);
      },
    },
  ],
});
