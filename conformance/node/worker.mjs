// The TypeScript SDK worker the conformance suite compares tsworker with:
// it runs the workflows of one file on one task queue. It runs no remote
// activities (the suite's Go activity worker serves the queue's activities),
// only the local activities of activities.mjs, which run where the workflow
// runs.
//
//   node worker.mjs --address HOST:PORT --namespace NS --task-queue TQ --workflows FILE [--no-cache]
//     [--payload-converter FILE] [--interceptors FILE]... [--sinks SPEC]
//
// --payload-converter is the bundle's payloadConverterPath, --interceptors
// (repeated) its workflow interceptor modules, --sinks a JSON object
// {iface: {fn: callDuringReplay}} of sinks that record each call as a line
// "sink {iface, fn, args, workflowId, isReplaying}" on stdout.
//
// It prints "ready" on stdout once polling and shuts down when stdin closes
// or on SIGTERM/SIGINT.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import * as activities from './activities.mjs';

function parseArgs(argv) {
  const out = { namespace: 'default', noCache: false, interceptors: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--address': out.address = argv[++i]; break;
      case '--namespace': out.namespace = argv[++i]; break;
      case '--task-queue': out.taskQueue = argv[++i]; break;
      case '--workflows': out.workflows = argv[++i]; break;
      case '--no-cache': out.noCache = true; break;
      case '--payload-converter': out.payloadConverter = argv[++i]; break;
      case '--interceptors': out.interceptors.push(path.resolve(argv[++i])); break;
      case '--sinks': out.sinks = JSON.parse(argv[++i]); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  for (const k of ['address', 'taskQueue', 'workflows']) {
    if (!out[k]) throw new Error(`missing --${k}`);
  }
  return out;
}

// recordingSinks are sinks by spec ({iface: {fn: callDuringReplay}}) that
// write each call on stdout for the suite. The logger sink of log,
// __temporal_logger, is a reserved name: it is registered by its deprecated
// name, defaultWorkerLogger, which the worker maps to it.
function recordingSinks(spec) {
  const sinks = {};
  for (const [iface, fns] of Object.entries(spec)) {
    const name = iface === '__temporal_logger' ? 'defaultWorkerLogger' : iface;
    sinks[name] = {};
    for (const [fn, callDuringReplay] of Object.entries(fns)) {
      sinks[name][fn] = {
        fn(info, ...args) {
          const rec = { iface, fn, args, workflowId: info.workflowId, isReplaying: info.unsafe.isReplaying };
          process.stdout.write(`sink ${JSON.stringify(rec)}\n`);
        },
        callDuringReplay,
      };
    }
  }
  return sinks;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Workflow failures are what the suite provokes: log only errors.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // The workflows import @temporalio/workflow; resolve it from this
  // installation, wherever the workflows file lives.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.resolve(args.workflows),
    payloadConverterPath: args.payloadConverter && path.resolve(args.payloadConverter),
    workflowInterceptorModules: args.interceptors,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      config.resolve = config.resolve ?? {};
      config.resolve.modules = [path.join(here, 'node_modules'), 'node_modules'];
      return config;
    },
  });
  const connection = await NativeConnection.connect({ address: args.address });
  const worker = await Worker.create({
    connection,
    namespace: args.namespace,
    taskQueue: args.taskQueue,
    workflowBundle,
    activities,
    // The payload converter and the interceptor modules are in the bundle
    // (the worker's own would load the .ts files with Node): workflow
    // code's values are converted in the workflow's sandbox, and the
    // local activities keep the default converter, as tsworker's Go ones.
    sinks: args.sinks && recordingSinks(args.sinks),
    enableNonLocalActivities: false,
    maxCachedWorkflows: args.noCache ? 0 : undefined,
    // Short, so a stuck test does not wait long for shutdown.
    shutdownGraceTime: '1s',
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    worker.shutdown();
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const running = worker.run();
  // Worker.run polls once it has started; the state says when.
  while (worker.getState() === 'INITIALIZED') await new Promise((r) => setTimeout(r, 10));
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`worker: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
