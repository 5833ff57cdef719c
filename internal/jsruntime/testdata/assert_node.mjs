// Regenerates assert_node.json: each call of assert_cases.txt (one a line)
// made as in the TypeScript SDK's workflow sandbox (a vm context whose
// global assert is the host's node:assert, running a bundle whose file is
// not on disk), with the error it throws, for TestAssertAsNode.
//
//   node assert_node.mjs > assert_node.json
import assert from 'node:assert';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const lines = readFileSync(new URL('./assert_cases.txt', import.meta.url), 'utf8').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const context = vm.createContext({ assert }, { microtaskMode: 'afterEvaluate' });
const out = [];
for (const src of lines) {
  const code = `(() => { const x = 0; try { ${src}; return 'no error'; } catch (err) {
    return [err.name, err.code, err.generatedMessage, err.operator, err.message].join(' | '); } })()`;
  out.push([src, new vm.Script(code, { filename: 'workflow-bundle-0.js' }).runInContext(context)]);
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
