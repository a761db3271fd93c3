import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { hasSemiSpaceFlag, SIDECAR_NODE_FLAGS, sidecarEnvironment } from './sidecar-node-flags.js';

describe('the sidecar V8 flags', () => {
  it('are accepted by this node', () => {
    const result = spawnSync(process.execPath, [...SIDECAR_NODE_FLAGS, '-e', '0'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('are not added over a semi-space size of the command line or NODE_OPTIONS', () => {
    assert.equal(hasSemiSpaceFlag([], ''), false);
    assert.equal(hasSemiSpaceFlag(['--max-semi-space-size=8'], ''), true);
    assert.equal(hasSemiSpaceFlag(['--max_semi_space_size=8'], ''), true);
    assert.equal(hasSemiSpaceFlag([], '--enable-source-maps --max-semi-space-size=2'), true);
    assert.equal(hasSemiSpaceFlag(['--max-old-space-size=64'], '--inspect'), false);
  });

  it('limit malloc arenas unless the environment says otherwise', () => {
    assert.equal(sidecarEnvironment({ PATH: '/bin' })['MALLOC_ARENA_MAX'], '2');
    assert.equal(sidecarEnvironment({ PATH: '/bin' })['PATH'], '/bin');
    assert.equal(sidecarEnvironment({ MALLOC_ARENA_MAX: '4' })['MALLOC_ARENA_MAX'], '4');
  });
});
