import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyConfigMapName } from '../agents/policy-config-map.js';
import { SIDECAR_CONTAINER } from '../webhooks/injection/sidecar-container.js';
import { operatorMount, SIDECAR_CONTAINER_NAME } from './operator-mounts.js';

describe('operatorMount', () => {
  it('names the injected sidecar as the injection does', () =>
    assert.equal(SIDECAR_CONTAINER_NAME, SIDECAR_CONTAINER));
  it('skips the policy mirror in the sidecar only', () => {
    assert.equal(operatorMount(SIDECAR_CONTAINER, policyConfigMapName('chat')), true);
    assert.equal(operatorMount('agent', policyConfigMapName('chat')), false);
    assert.equal(operatorMount(SIDECAR_CONTAINER, 'llm-files'), false);
  });
});
