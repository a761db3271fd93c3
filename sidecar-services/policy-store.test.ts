import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyChange, StoredPolicy } from './policy-store.js';
import { PolicyStore } from './policy-store.js';
import { policyFor } from './testdata/policies.js';

function clock(start: number) {
  let now = start;
  return { now: () => now, set: (value: number) => (now = value) };
}

describe('PolicyStore', () => {
  it('assigns monotonic versions per agent, whatever the policy says', () => {
    const time = clock(1_000);
    const store = new PolicyStore({ now: time.now });
    const first = store.publish('team-a', 'support', {
      ...policyFor('team-a', 'support'),
      version: '999999',
    });
    const second = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 10 }),
    );
    time.set(500);
    const third = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 20 }),
    );
    assert.deepEqual([first.version, second.version, third.version], ['1000', '1001', '1002']);
    const stored = store.get('team-a', 'support');
    assert.equal(stored?.policy.version, '1002');
    assert.equal(JSON.parse(stored?.body ?? '{}').version, '1002');
  });

  it('keeps the version and wakes nobody when only version or generatedAt changed', () => {
    const store = new PolicyStore({ now: () => 5_000 });
    const woken: (StoredPolicy | undefined)[] = [];
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    store.watch('team-a', 'support', (p) => woken.push(p));
    const again = store.publish('team-a', 'support', {
      ...policyFor('team-a', 'support'),
      version: '42',
      generatedAt: '2030-01-01T00:00:00Z',
    });
    assert.deepEqual(again, { version: '5000', changed: false });
    assert.equal(woken.length, 0);
  });

  it('wakes the watchers of the agent only', () => {
    const store = new PolicyStore();
    const support: string[] = [];
    const billing: string[] = [];
    store.watch('team-a', 'support', (p) => support.push(p?.version ?? 'removed'));
    store.watch('team-a', 'billing', (p) => billing.push(p?.version ?? 'removed'));
    const { version } = store.publish('team-a', 'support', policyFor('team-a', 'support'));
    store.remove('team-a', 'support');
    assert.deepEqual(support, [version, 'removed']);
    assert.deepEqual(billing, []);
  });

  it('refuses an invalid policy, naming the agent and the field, and keeps the previous one', () => {
    const store = new PolicyStore();
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    const bad = { ...policyFor('team-a', 'support'), reasoning: { maxTokensPerRequest: 0, useCases: {} } };
    assert.throws(
      () => store.publish('team-a', 'support', bad),
      /agent team-a\/support is invalid.*reasoning\.maxTokensPerRequest/,
    );
    assert.throws(
      () => store.publish('team-b', 'support', policyFor('team-a', 'support')),
      /names agent team-a\/support/,
    );
    assert.equal(store.get('team-a', 'support')?.policy.reasoning.maxTokensPerRequest, undefined);
  });

  it('restores from the mirror only what is newer, and publishes go above restored versions', () => {
    const store = new PolicyStore({ now: () => 1_000 });
    assert.equal(store.restore({ ...policyFor('team-a', 'support'), version: '7000' }), true);
    assert.equal(store.restore({ ...policyFor('team-a', 'support'), version: '6000' }), false);
    assert.equal(store.restore({ ...policyFor('team-a', 'support'), version: 'hand-written' }), false);
    assert.equal(store.get('team-a', 'support')?.origin, 'restored');
    const next = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 5 }),
    );
    assert.equal(next.version, '7001');
    assert.equal(store.get('team-a', 'support')?.origin, 'published');
  });

  it('turns a restored policy published again unchanged into a published one, same version', () => {
    const store = new PolicyStore({ now: () => 1_000 });
    store.restore({ ...policyFor('team-a', 'support'), version: '7000' });
    assert.deepEqual(store.publish('team-a', 'support', policyFor('team-a', 'support')), {
      version: '7000',
      changed: false,
    });
    assert.equal(store.get('team-a', 'support')?.origin, 'published');
  });

  it('a mirror newer than a published policy only raises the next version', () => {
    const store = new PolicyStore({ now: () => 1_000 });
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    assert.equal(store.restore({ ...policyFor('team-a', 'support'), version: '9000' }), false);
    assert.equal(store.get('team-a', 'support')?.version, '1000');
    assert.equal(
      store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 3 })).version,
      '9001',
    );
  });

  it('goes above a version a sidecar holds, for known agents only', () => {
    const store = new PolicyStore({ now: () => 1_000 });
    store.noteHeldVersion('team-a', 'ghost', '5000');
    assert.equal(store.size, 0);
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    store.noteHeldVersion('team-a', 'support', '8000');
    assert.equal(
      store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 9 })).version,
      '8001',
    );
  });

  it('does not believe a held version more than a day ahead of the clock', () => {
    const store = new PolicyStore({ now: () => 1_000 });
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    store.noteHeldVersion('team-a', 'support', String(Number.MAX_SAFE_INTEGER - 1));
    const next = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 9 }),
    );
    assert.equal(next.version, '1001');
  });

  it('tells subscribers of publishes and removals, not of restores', () => {
    const store = new PolicyStore();
    const changes: PolicyChange['type'][] = [];
    store.subscribe((change) => changes.push(change.type));
    store.restore({ ...policyFor('team-a', 'billing'), version: '10' });
    store.publish('team-a', 'support', policyFor('team-a', 'support'));
    store.remove('team-a', 'support');
    assert.equal(store.remove('team-a', 'support'), false);
    assert.deepEqual(changes, ['published', 'removed']);
  });
});
