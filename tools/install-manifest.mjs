#!/usr/bin/env node
// Writes deploy/install.yaml from the chart (`npm run generate:install`, after `npm run build`):
// `helm template` with the defaults, the Namespace and the CRDs first. With --check, writes nothing
// and exits 1 when the file is stale. helm comes from tools/helm/build.sh (built once, cached).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { INSTALL_MANIFEST, installManifest } = await import(`${root}dist/tools/install-manifest.js`);
const wanted = await installManifest();
let current;
try {
  current = readFileSync(INSTALL_MANIFEST, 'utf8');
} catch {
  current = undefined;
}
const shown = relative(root, INSTALL_MANIFEST);
if (current === wanted) {
  console.log(`${shown} is up to date`);
} else if (process.argv.includes('--check')) {
  console.error(`${shown} is stale: run \`npm run generate:install\``);
  process.exit(1);
} else {
  mkdirSync(dirname(INSTALL_MANIFEST), { recursive: true });
  writeFileSync(INSTALL_MANIFEST, wanted);
  console.log(`wrote ${shown}`);
}
