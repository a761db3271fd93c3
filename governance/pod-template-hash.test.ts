import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podTemplateHash } from './pod-template-hash.js';

const template = {
  metadata: { labels: { app: 'support', 'governor.agents.dev/agent': 'support' } },
  spec: { containers: [{ name: 'app', image: 'support:1', env: [{ name: 'MODEL', value: 'gpt-4o' }] }] },
};

test('the order of keys does not change the hash; a value does', () => {
  const reordered = {
    spec: { containers: [{ env: [{ value: 'gpt-4o', name: 'MODEL' }], image: 'support:1', name: 'app' }] },
    metadata: { labels: { 'governor.agents.dev/agent': 'support', app: 'support' } },
  };
  assert.equal(podTemplateHash(reordered), podTemplateHash(template));
  assert.match(podTemplateHash(template), /^[0-9a-f]{16}$/);
  const changed = structuredClone(template);
  (changed.spec.containers[0] as { image: string }).image = 'support:2';
  assert.notEqual(podTemplateHash(changed), podTemplateHash(template));
});

test('the order of list items counts (containers are ordered), an absent field equals undefined', () => {
  const two = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
  const swapped = { spec: { containers: [{ name: 'b' }, { name: 'a' }] } };
  assert.notEqual(podTemplateHash(two), podTemplateHash(swapped));
  assert.equal(podTemplateHash({ spec: { x: undefined } }), podTemplateHash({ spec: {} }));
  assert.equal(podTemplateHash(undefined), podTemplateHash({}));
});
