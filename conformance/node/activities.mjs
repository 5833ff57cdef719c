// The local activities of the TypeScript SDK worker. Local activities run in
// the worker that runs the workflow, so each is written twice: here and, with
// the same behaviour, as a Go function the tsworker worker registers
// (activities_test.go). Remote activities are Go only.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export async function localEcho(s) {
  return s;
}

// localFailTimes fails its first n attempts and then returns the attempt.
export async function localFailTimes(n) {
  const { attempt } = Context.current().info;
  if (attempt <= n) throw ApplicationFailure.create({ message: `attempt ${attempt}`, type: 'Flaky' });
  return attempt;
}

export async function localSleep(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}
