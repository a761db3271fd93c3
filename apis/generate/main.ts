// `npm run generate`: writes the CRDs (crds/ and the Helm chart's files/crds/) from the zod schemas in apis/.
// With --check, writes nothing and exits 1 when a generated file is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated-files.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [relative, content] of generatedFiles()) {
  const path = join(root, relative);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  stale.push(relative);
  if (!check) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
if (check && stale.length > 0) {
  console.error(`stale generated files (run \`npm run generate\`): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'generated files are up to date' : `wrote ${stale.join(', ')}`);
