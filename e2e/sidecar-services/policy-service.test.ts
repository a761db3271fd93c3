// The policy long-poll and its ConfigMap mirror against the real API server: a publish reaches
// waiting sidecars within a second; an unchanged policy is held and answered 304; a watch streams
// each publish as a line and ends after the hold; the mirror
// ConfigMap appears, matches what is served and follows changes; a restarted operator restores
// from the mirrors and keeps versions monotonic; a follower answers 503.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { configMaps } from '../../runtime/kube/resources.js';
import { PolicyStore } from '../../sidecar-services/policy-store.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import {
  agentToken,
  call,
  eventually,
  metricValue,
  type ServicesEnv,
  type StartedServices,
  servicesEnv,
  startServices,
  uniqueNamespace,
} from '../../testing/services-fixture.js';

let env: ServicesEnv;
let services: StartedServices;
const namespace = uniqueNamespace('policy');
let token: string;

before(async () => {
  env = await servicesEnv();
  token = await agentToken(env.cluster, namespace);
  services = await startServices(env, { longPollMs: 600 });
});
after(async () => {
  await services?.close();
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

const policyUrl = (s: StartedServices, agent: string, after?: string) =>
  `${s.url}/v1/policies/${namespace}/${agent}${after === undefined ? '' : `?after=${after}`}`;

async function mirrorOf(agent: string) {
  return env.client.get(configMaps, { namespace, name: `governor-policy-${agent}` });
}

describe('policy long-poll', () => {
  it('answers every waiting sidecar within one second of a publish', async () => {
    const { version } = services.store.publish(namespace, 'support', policyFor(namespace, 'support'));
    const waiting = Array.from({ length: 20 }, () => {
      const asked = call(policyUrl(services, 'support', version), { token });
      return asked.then((answer) => ({ answer, at: performance.now() }));
    });
    await eventually(
      async () => services.metrics.policyWaiters.get().then((m) => m.values[0]?.value ?? 0),
      (count) => count === 20,
      'twenty polls to wait',
    );
    const publishedAt = performance.now();
    const next = services.store.publish(
      namespace,
      'support',
      policyFor(namespace, 'support', { maxTokensPerRequest: 123 }),
    );
    const answers = await Promise.all(waiting);
    for (const { answer, at } of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['x-governor-policy-version'], next.version);
      assert.equal(answer.json<EffectivePolicy>().reasoning.maxTokensPerRequest, 123);
      assert.ok(at - publishedAt < 1_000, `answered ${Math.round(at - publishedAt)} ms after the publish`);
    }
  });

  it('holds a poll of the current version and answers 304 without a body when nothing changes', async () => {
    const current = services.store.get(namespace, 'support');
    const began = performance.now();
    const answer = await call(policyUrl(services, 'support', current?.version), { token });
    assert.equal(answer.status, 304);
    assert.equal(answer.body, '');
    assert.ok(performance.now() - began >= 500);
  });

  it('streams each publish to a watch as a line, ends it after the hold, and refuses a watch without a token', async () => {
    const current = services.store.publish(
      namespace,
      'support',
      policyFor(namespace, 'support', { maxTokensPerRequest: 200 }),
    );
    const sentBefore = await services.metrics.policiesSent.get();
    const watching = call(`${policyUrl(services, 'support', current.version)}&watch=true`, { token });
    await eventually(
      async () => services.metrics.policyWaiters.get().then((m) => m.values[0]?.value ?? 0),
      (count) => count === 1,
      'the watch to be held',
    );
    const versions = [201, 202].map(
      (maxTokensPerRequest) =>
        services.store.publish(namespace, 'support', policyFor(namespace, 'support', { maxTokensPerRequest }))
          .version,
    );
    const answer = await watching;
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/x-ndjson');
    const lines = answer.body.split('\n');
    assert.equal(lines.pop(), '', 'each line ends with a newline');
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as EffectivePolicy).version),
      versions,
    );
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as EffectivePolicy).reasoning.maxTokensPerRequest),
      [201, 202],
    );
    const sent = (metrics: typeof sentBefore) =>
      metrics.values.find((v) => v.labels.way === 'watch')?.value ?? 0;
    assert.equal(sent(await services.metrics.policiesSent.get()) - sent(sentBefore), 2);
    const refused = await call(`${policyUrl(services, 'support', current.version)}&watch=true`);
    assert.equal(refused.status, 401);
  });

  it('answers 404 naming the agent when no policy was compiled for it', async () => {
    const answer = await call(policyUrl(services, 'nobody'), { token });
    assert.equal(answer.status, 404);
    assert.match(answer.body, new RegExp(`agent ${namespace}/nobody`));
  });

  it('answers 503 with Retry-After while not the leader', async () => {
    services.leader.value = false;
    try {
      const answer = await call(policyUrl(services, 'support'), { token });
      assert.equal(answer.status, 503);
      assert.equal(answer.headers['retry-after'], '1');
    } finally {
      services.leader.value = true;
    }
  });
});

describe('policy ConfigMap mirror', () => {
  it('mirrors the served policy into governor-policy-<agent>, labelled, and follows changes', async () => {
    services.store.publish(namespace, 'billing', policyFor(namespace, 'billing'));
    const served = () =>
      call(policyUrl(services, 'billing'), { token }).then((a) => a.json<EffectivePolicy>());
    let first = await served();
    const mirror = await eventually(
      () => mirrorOf('billing'),
      (cm) => cm !== undefined,
      'the mirror ConfigMap',
    );
    assert.deepEqual(mirror?.metadata?.labels, {
      'app.kubernetes.io/managed-by': 'agent-governor',
      'governor.agents.dev/agent': 'billing',
    });
    assert.deepEqual(JSON.parse(mirror?.data?.['policy.json'] ?? ''), first);

    services.store.publish(namespace, 'billing', policyFor(namespace, 'billing', { maxTokensPerRequest: 9 }));
    first = await served();
    const changed = await eventually(
      () => mirrorOf('billing'),
      (cm) => JSON.parse(cm?.data?.['policy.json'] ?? '{}').version === first.version,
      'the mirror to follow the change',
    );
    assert.deepEqual(JSON.parse(changed?.data?.['policy.json'] ?? ''), first);
  });

  it('writes a change published while the previous write was in flight promptly, not as a counters-only change', async () => {
    // The API server's answer to the first create is held until the next publish has happened.
    let created!: () => void;
    const firstCreated = new Promise<void>((resolve) => {
      created = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const real = env.client;
    const holdingCreate: KubeClient = {
      get: (resource, key) => real.get(resource, key),
      list: (resource, options) => real.list(resource, options),
      create: async (resource, object) => {
        const answer = await real.create(resource, object);
        created();
        await released;
        return answer;
      },
      update: (resource, object) => real.update(resource, object),
      updateStatus: (resource, object) => real.updateStatus(resource, object),
      patch: (resource, key, patch) => real.patch(resource, key, patch),
      patchStatus: (resource, key, patch) => real.patchStatus(resource, key, patch),
      delete: (resource, key, options) => real.delete(resource, key, options),
      withSignal: (signal) => real.withSignal(signal),
    };
    const held = await startServices(env, { kube: holdingCreate });
    try {
      held.store.publish(namespace, 'ledger', policyFor(namespace, 'ledger'));
      await firstCreated;
      const next = held.store.publish(
        namespace,
        'ledger',
        policyFor(namespace, 'ledger', { maxTokensPerRequest: 7 }),
      );
      release();
      // A counters-only change would wait 15–45 s; a change of what sidecars enforce is prompt.
      const mirror = await eventually(
        () => mirrorOf('ledger'),
        (cm) => JSON.parse(cm?.data?.['policy.json'] ?? '{}').version === next.version,
        'the mirror to hold the change published during the first write',
        3_000,
      );
      assert.equal(JSON.parse(mirror?.data?.['policy.json'] ?? '{}').reasoning.maxTokensPerRequest, 7);
    } finally {
      release();
      await held.close();
    }
  });

  it('does not rewrite the mirror when a publish changes nothing', async () => {
    await services.flushMirror();
    const before = await mirrorOf('billing');
    const writes = await metricValue(services, 'governor_operator_policy_mirror_writes_total');
    const again = services.store.publish(
      namespace,
      'billing',
      policyFor(namespace, 'billing', { maxTokensPerRequest: 9 }),
    );
    assert.equal(again.changed, false);
    await services.flushMirror();
    assert.equal((await mirrorOf('billing'))?.metadata?.resourceVersion, before?.metadata?.resourceVersion);
    assert.equal(await metricValue(services, 'governor_operator_policy_mirror_writes_total'), writes);
  });

  it('never overwrites a ConfigMap of that name the operator does not manage', async () => {
    await env.cluster.kubectl(
      ['create', 'configmap', 'governor-policy-handmade', '-n', namespace, '--from-literal=policy.json={}'],
      {
        check: true,
      },
    );
    services.store.publish(namespace, 'handmade', policyFor(namespace, 'handmade'));
    await services.flushMirror();
    await eventually(
      () => metricValue(services, 'governor_operator_policy_mirror_writes_total', { result: 'skipped' }),
      (skipped) => skipped >= 1,
      'the write to be skipped',
    );
    assert.equal((await mirrorOf('handmade'))?.data?.['policy.json'], '{}');
  });

  it('deletes the mirror of a removed agent', async () => {
    services.store.publish(namespace, 'retired', policyFor(namespace, 'retired'));
    await eventually(
      () => mirrorOf('retired'),
      (cm) => cm !== undefined,
      'the mirror of retired',
    );
    services.store.remove(namespace, 'retired');
    await eventually(
      () => mirrorOf('retired'),
      (cm) => cm === undefined,
      'the mirror of retired to go',
    );
  });

  it('restores a restarted operator from the mirrors, keeping versions monotonic', async () => {
    await services.flushMirror();
    const before = services.store.get(namespace, 'billing');
    assert.ok(before);
    const restarted = await startServices(env, { store: new PolicyStore(), longPollMs: 600 });
    try {
      const restored = await eventually(
        async () => restarted.store.get(namespace, 'billing'),
        (p) => p !== undefined,
        'the restore',
      );
      assert.equal(restored?.version, before.version);
      assert.equal(restored?.origin, 'restored');
      // A sidecar holding the restored version waits; one holding a newer version is not sent the older one.
      assert.equal((await call(policyUrl(restarted, 'billing', before.version), { token })).status, 304);
      const newer = String(before.versionNumber + 1_000_000);
      assert.equal((await call(policyUrl(restarted, 'billing', newer), { token })).status, 304);
      // The next publish goes above every version a sidecar ever held.
      const next = restarted.store.publish(
        namespace,
        'billing',
        policyFor(namespace, 'billing', { maxTokensPerRequest: 11 }),
      );
      assert.ok(Number(next.version) > Number(newer));
      const answer = await call(policyUrl(restarted, 'billing', newer), { token });
      assert.equal(answer.status, 200);
      assert.equal(answer.json<EffectivePolicy>().version, next.version);
    } finally {
      await restarted.close();
    }
  });
});
