import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  hasSemiSpaceFlag,
  leanProcessEnvironment,
  OPERATOR_NODE_FLAGS,
  SIDECAR_NODE_FLAGS,
} from './node-flags.js';

describe('the V8 flags of the long-running commands', () => {
  for (const [command, flags] of [
    ['sidecar', SIDECAR_NODE_FLAGS],
    ['operator', OPERATOR_NODE_FLAGS],
  ] as const) {
    it(`of the ${command} are accepted by this node, and set a semi-space size`, () => {
      const result = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '', 'no warning about an unknown flag');
      // A relaunched process must not relaunch again.
      assert.equal(hasSemiSpaceFlag(flags, ''), true);
    });
  }

  it('are not added over a semi-space size of the command line or NODE_OPTIONS', () => {
    assert.equal(hasSemiSpaceFlag([], ''), false);
    assert.equal(hasSemiSpaceFlag(['--max-semi-space-size=8'], ''), true);
    assert.equal(hasSemiSpaceFlag(['--max_semi_space_size=8'], ''), true);
    assert.equal(hasSemiSpaceFlag([], '--enable-source-maps --max-semi-space-size=2'), true);
    assert.equal(hasSemiSpaceFlag(['--max-old-space-size=64'], '--inspect'), false);
  });

  it('limit malloc arenas and map large blocks unless the environment says otherwise', () => {
    const lean = leanProcessEnvironment({ PATH: '/bin' });
    assert.equal(lean['MALLOC_ARENA_MAX'], '2');
    assert.equal(lean['MALLOC_MMAP_THRESHOLD_'], '131072');
    assert.equal(lean['MALLOC_TRIM_THRESHOLD_'], '131072');
    assert.equal(lean['PATH'], '/bin');
    const chosen = leanProcessEnvironment({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '65536' });
    assert.equal(chosen['MALLOC_ARENA_MAX'], '4');
    assert.equal(chosen['MALLOC_MMAP_THRESHOLD_'], '65536');
    assert.equal(chosen['MALLOC_TRIM_THRESHOLD_'], '131072');
  });
});
