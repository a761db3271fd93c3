#!/usr/bin/env node
// Entry point of the `agent-governor` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `sidecar` runs beside every agent: its own entry loads nothing of the operator (cli/sidecar-main.ts).
const entry = process.argv[2] === 'sidecar' ? 'sidecar-main.js' : 'main.js';
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', entry);
if (!existsSync(main)) {
  console.error(`agent-governor: ${main} is missing; run \`npm run build\` (npm ci runs it) first.`);
  process.exit(1);
}
const { run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv);
