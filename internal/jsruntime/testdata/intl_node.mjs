// Regenerates intl_node.json: each expression of intl_cases.txt (one a
// line) with what Node 20 (full ICU) gives for it in the UTC time zone,
// which TestIntlAsNode compares tsworker's sandbox with.
//
//   TZ=UTC node intl_node.mjs > intl_node.json
import { readFileSync } from 'node:fs';

const lines = readFileSync(new URL('./intl_cases.txt', import.meta.url), 'utf8').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
Object.assign(globalThis, {
  d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67)),
  d2: new Date(Date.UTC(2023, 10, 25, 15, 30)),
  m: new Date(Date.UTC(2024, 0, 2, 0, 5)),
  summer: new Date(Date.UTC(2024, 6, 15, 12)),
});
const out = [];
for (const src of lines) {
  let got;
  try {
    got = String((0, eval)(src));
  } catch (e) {
    got = `${e.name}: ${e.message}`;
  }
  out.push([src, got]);
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
