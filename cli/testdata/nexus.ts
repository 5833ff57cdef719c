import { createNexusServiceClient } from '@temporalio/workflow';

// The Go service of nexus_test.go, registered with cli.WithNexusService.
const service = {
  name: 'cli-test',
  operations: { hello: { name: 'hello' }, greet: { name: 'greet' } },
};

// callNexus calls a synchronous operation and one backed by a Go workflow.
export async function callNexus(endpoint: string, name: string): Promise<string[]> {
  const client = createNexusServiceClient({ endpoint, service });
  return [await client.executeOperation('hello', name), await client.executeOperation('greet', name)];
}
