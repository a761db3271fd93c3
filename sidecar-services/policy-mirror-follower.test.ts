import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyConfigMap } from '../agents/policy-config-map.js';
import type { ConfigMap } from '../runtime/kube/resources.js';
import { followPolicyMirrors, type MirrorSource } from './policy-mirror-follower.js';
import { PolicyStore } from './policy-store.js';
import { policyFor } from './testdata/policies.js';

/** The mirrors as an informer would deliver them: a list, then add / update / delete events. */
class Mirrors implements MirrorSource {
  private readonly objects = new Map<string, ConfigMap>();
  private readonly handlers: Parameters<MirrorSource['on']>[0][] = [];
  readonly cache = { list: () => [...this.objects.values()] };

  on(handlers: Parameters<MirrorSource['on']>[0]): () => void {
    this.handlers.push(handlers);
    return () => this.handlers.splice(this.handlers.indexOf(handlers), 1);
  }

  put(configMap: ConfigMap): void {
    const key = `${configMap.metadata?.namespace}/${configMap.metadata?.name}`;
    const old = this.objects.get(key);
    this.objects.set(key, configMap);
    for (const h of this.handlers) old ? h.update?.(old, configMap) : h.add?.(configMap);
  }

  drop(configMap: ConfigMap): void {
    this.objects.delete(`${configMap.metadata?.namespace}/${configMap.metadata?.name}`);
    for (const h of this.handlers) h.delete?.(configMap);
  }
}

function mirror(version: string, model = 'gpt-4o-mini', resourceVersion = version): ConfigMap {
  const configMap = policyConfigMap({ ...policyFor('team', 'support', { model }), version });
  return { ...configMap, metadata: { ...configMap.metadata, uid: 'u1', resourceVersion } };
}

describe('followPolicyMirrors', () => {
  it('serves the mirrors listed before and wakes a waiter on a newer version', () => {
    const mirrors = new Mirrors();
    mirrors.put(mirror('1000'));
    const store = new PolicyStore();
    const stop = followPolicyMirrors(mirrors, store, assert.fail);
    assert.equal(store.get('team', 'support')?.version, '1000');
    const seen: Array<string | undefined> = [];
    store.watch('team', 'support', (policy) => seen.push(policy?.version));
    mirrors.put(mirror('2000', 'gpt-4o'));
    assert.deepEqual(seen, ['2000']);
    assert.equal(store.get('team', 'support')?.policy.routes[0]?.model, 'gpt-4o');
    stop();
    mirrors.put(mirror('3000'));
    assert.equal(store.get('team', 'support')?.version, '2000', 'no change after the unsubscribe');
  });

  it('never moves a policy back to an older mirror (a replayed watch)', () => {
    const mirrors = new Mirrors();
    const store = new PolicyStore();
    followPolicyMirrors(mirrors, store, assert.fail);
    mirrors.put(mirror('2000', 'gpt-4o'));
    mirrors.put(mirror('1500', 'gpt-4o-mini'));
    assert.equal(store.get('team', 'support')?.version, '2000');
  });

  it('forgets the agent when its mirror is deleted', () => {
    const mirrors = new Mirrors();
    const store = new PolicyStore();
    followPolicyMirrors(mirrors, store, assert.fail);
    const configMap = mirror('1000');
    mirrors.put(configMap);
    mirrors.drop(configMap);
    assert.equal(store.get('team', 'support'), undefined);
  });

  it('reports a broken mirror once per resourceVersion, naming it, and keeps the last policy', () => {
    const mirrors = new Mirrors();
    const store = new PolicyStore();
    const problems: string[] = [];
    followPolicyMirrors(mirrors, store, (problem) => problems.push(problem));
    mirrors.put(mirror('1000'));
    const broken = { ...mirror('1000', 'x', '7'), data: { 'policy.json': '{' } };
    mirrors.put(broken);
    mirrors.put({ ...broken });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /ConfigMap team\/governor-policy-support: policy\.json is not JSON/);
    assert.equal(store.get('team', 'support')?.version, '1000');
  });

  it('tells each version taken from a change as it arrives, not the ones listed at start or not taken', () => {
    const mirrors = new Mirrors();
    mirrors.put(mirror('1000'));
    const store = new PolicyStore();
    const arrived: Array<[string, number]> = [];
    let clock = 5_000;
    // The store wakes the agent's streams after the arrival is timed.
    store.watch('team', 'support', () => {
      clock += 100;
    });
    followPolicyMirrors(
      mirrors,
      store,
      assert.fail,
      (policy, at) => arrived.push([policy.version, at]),
      () => clock,
    );
    mirrors.put(mirror('2000', 'gpt-4o'));
    mirrors.put(mirror('1500'));
    mirrors.put(mirror('2000', 'gpt-4o', '2001'));
    assert.deepEqual(
      arrived,
      [['2000', 5_100]],
      'the listed 1000, the older 1500 and the same 2000 again are not arrivals; the time is before the wake-up',
    );
  });
});
