// A workflow interceptor module of the plugins workers. Its interceptors act
// on the workflows of intercepted.ts only (their types start with "icpt"),
// so that the other workflows of the workers run as if it were not there.
import {
  defaultPayloadConverter,
  workflowInfo,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { order } from './order';

order.push('interceptors.ts');

// seen lists what the interceptors of this run saw, in order; intercepted.ts
// reads it.
export const seen: string[] = [];

// activations lists the jobs of each activation and the commands it
// concludes with, for the workflow icptJobs only.
export const activations: object[] = [];
const recordsJobs = () => workflowInfo().workflowType === 'icptJobs';

const tag = (s: string) => defaultPayloadConverter.toPayload(s);
const untag = (p: unknown) => (p === undefined ? undefined : defaultPayloadConverter.fromPayload(p as never));

class Inbound implements WorkflowInboundCallsInterceptor {
  async execute(input: Parameters<WorkflowInboundCallsInterceptor['execute'] & {}>[0], next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    seen.push(`execute ${JSON.stringify(input.args)} header ${untag(input.headers['icpt-trace'])}`);
    const args = input.args.length > 0 && typeof input.args[0] === 'string' ? [`${input.args[0]} (via execute)`, ...input.args.slice(1)] : input.args;
    const result = await next({ ...input, args });
    return typeof result === 'string' ? `${result}!` : result;
  }
  handleSignal(input: Parameters<WorkflowInboundCallsInterceptor['handleSignal'] & {}>[0], next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
    seen.push(`signal ${input.signalName} ${JSON.stringify(input.args)}`);
    return next({ ...input, args: input.args.map((a) => (typeof a === 'string' ? a.toUpperCase() : a)) });
  }
  async handleQuery(input: Parameters<WorkflowInboundCallsInterceptor['handleQuery'] & {}>[0], next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>) {
    return { query: input.queryName, args: input.args, answer: await next(input) };
  }
  validateUpdate(input: Parameters<WorkflowInboundCallsInterceptor['validateUpdate'] & {}>[0], next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) {
    if (input.args[0] === 'forbidden') throw new Error(`update ${input.name} rejected by an interceptor`);
    next(input);
  }
  handleUpdate(input: Parameters<WorkflowInboundCallsInterceptor['handleUpdate'] & {}>[0], next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
    seen.push(`update ${input.name} ${JSON.stringify(input.args)}`);
    return next({ ...input, args: [...input.args, 'added'] });
  }
}

const outbound: WorkflowOutboundCallsInterceptor = {
  scheduleActivity(input, next) {
    seen.push(`activity ${input.activityType} seq ${input.seq} ${JSON.stringify(input.args)}`);
    // An activity answered here, without next: its seq is used up anyway.
    if (input.activityType === 'notScheduled') return Promise.resolve(`answered by an interceptor, seq ${input.seq}`);
    return next({ ...input, args: input.args.map((a) => (typeof a === 'string' ? `${a} (via scheduleActivity)` : a)),
      headers: { ...input.headers, 'icpt-trace': tag('activity') } });
  },
  scheduleLocalActivity(input, next) {
    seen.push(`local activity ${input.activityType} attempt ${input.attempt}`);
    if (input.activityType === 'notScheduled') return Promise.resolve(`answered by an interceptor, local seq ${input.seq}`);
    return next(input);
  },
  startTimer(input, next) {
    seen.push(`timer ${input.durationMs} seq ${input.seq}`);
    return next(input);
  },
  async startChildWorkflowExecution(input, next) {
    seen.push(`child ${input.workflowType}`);
    return next({ ...input, headers: { ...input.headers, 'icpt-trace': tag(`from ${workflowInfo().workflowType}`) } });
  },
  signalWorkflow(input, next) {
    seen.push(`signal out ${input.signalName} ${input.target.type} ${JSON.stringify(input.args)}`);
    return next({ ...input, args: input.args.map((a) => `${a} (via signalWorkflow)`) });
  },
  continueAsNew(input, next) {
    seen.push(`continueAsNew ${input.options.workflowType} ${JSON.stringify(input.args)}`);
    return next({ ...input, args: [...input.args.slice(0, 1), 'continued'], headers: { 'icpt-trace': tag('continued') } });
  },
  startNexusOperation(input, next) {
    seen.push(`nexus ${input.endpoint} ${input.service} ${input.operation} seq ${input.seq} ${input.options.cancellationType}`);
    return next({ ...input, input: { via: 'startNexusOperation', was: input.input },
      headers: { ...input.headers, 'icpt-trace': `nexus ${input.operation}`, 'icpt-seq': `${input.seq}` } });
  },
  getLogAttributes(input, next) {
    return next({ ...input, icpt: 'log attribute' });
  },
};

export const interceptors = (): WorkflowInterceptors => {
  if (workflowInfo().workflowType === 'icptOrder') order.push('interceptors.ts factory');
  if (workflowInfo().workflowType === 'icptFactoryThrows') throw new Error('interceptors factory bug');
  if (!workflowInfo().workflowType.startsWith('icpt')) return {};
  return {
    inbound: [new Inbound()],
    outbound: [outbound],
    internals: [
      {
        activate(input, next) {
          seen.push(`activate ${input.batchIndex}`);
          if (recordsJobs()) {
            const jobs = input.activation.jobs.map((j) => Object.keys(j).filter((k) => k !== 'variant' && (j as never)[k] != null).join('+'));
            activations.push({ activate: input.batchIndex, jobs });
          }
          return next(input);
        },
        concludeActivation(input, next) {
          seen.push('conclude');
          if (recordsJobs()) {
            const commands = input.commands.map((c) => Object.keys(c).filter((k) => (c as never)[k] != null).join('+'));
            activations.push({ conclude: true, commands });
          }
          return next(input);
        },
      },
    ],
  };
};
