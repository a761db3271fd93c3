import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { REPO_ROOT } from '../testing/repo-files.js';
import { buildProgram } from './main.js';

const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe('agent-governor CLI', () => {
  const paths = [[], ...commandPaths(buildProgram())];

  it('has subcommands', () => assert.ok(paths.length > 1));

  for (const path of paths) {
    it(`answers \`agent-governor ${[...path, '--help'].join(' ')}\``, () => {
      const result = spawnSync(process.execPath, [BIN, ...path, '--help'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`Usage: agent-governor${path.length ? ` ${path.join(' ')}` : ''}`),
      );
      assert.ok(result.stdout.length > 80, 'help says something');
    });
  }

  it('refuses an unknown command with help', () => {
    const result = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});
