// `agent-governor services` as a Deployment of its own (docs/adr/0061), on the real API server: two
// replicas (real processes, HTTPS on loopback, the certificate from files) and the operator as leader
// with --sidecar-services-external. A long-poll held on replica A gets the policy the leader
// compiles; with A killed, B serves the same version; usage batches sent alternately and at once
// to A and B are counted once each; past --max-long-poll-waiters a poll gets 503 saying so; a
// replica with --usage-store redis counts a batch (and its resend) once in a real redis-server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { policyConfigMapName } from '../../agents/policy-config-map.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { CRITICALITY_LABEL } from '../../apis/group-version.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { POLICY_VERSION_HEADER, USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { UsageAck } from '../../apis/usage-batch.js';
import { configMaps, deployments } from '../../runtime/kube/resources.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import { agentDeployment } from '../../testing/budget-fixture.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import { RedisServer } from '../../testing/redis-server.js';
import {
  agentToken,
  call,
  errorMessage,
  eventually,
  type ServicesEnv,
  servicesEnv,
  uniqueNamespace,
  usageBatchOf,
} from '../../testing/services-fixture.js';
import {
  type ServicesReplica,
  startServicesReplica,
  writeLoopbackCertificate,
} from '../../testing/services-replica.js';

const MAX_WAITERS = 3;

let env: ServicesEnv;
const namespace = uniqueNamespace('replicas');
const operatorNamespace = uniqueNamespace('replicas-op');
const certDir = mkdtempSync(join(tmpdir(), 'services-replicas-'));
let token: string;
let trusting: Agent;
let operator: CliProcess | undefined;
const replicas: CliProcess[] = [];

async function startReplica(extra: readonly string[] = []): Promise<ServicesReplica> {
  const replica = await startServicesReplica({
    kubeconfig: env.cluster.kubeconfig,
    namespace: operatorNamespace,
    certDir,
    extra: ['--max-long-poll-waiters', String(MAX_WAITERS), ...extra],
  });
  replicas.push(replica.process);
  return replica;
}

const policyOf = (url: string, after?: string) =>
  call(`${url}/v1/policies/${namespace}/support${after ? `?after=${after}` : ''}`, {
    token,
    dispatcher: trusting,
  });

before(async () => {
  env = await servicesEnv();
  trusting = new Agent({ connections: 16, connect: { ca: await writeLoopbackCertificate(certDir) } });
  token = await agentToken(env.cluster, namespace);
  await env.cluster.kubectl(['create', 'namespace', operatorNamespace]);
  await env.client.create(
    deployments,
    agentDeployment(namespace, 'support', { replicas: 0, labels: {}, serviceAccountName: 'agent' }) as never,
  );
  operator = await startCliProcess(
    operatorCommandLine({
      kubeconfig: env.cluster.kubeconfig,
      namespace: operatorNamespace,
      leaseName: 'replicas-test-leader',
      extra: ['--sidecar-services-external', '--sidecar-services-insecure-plain-http'],
    }),
    /agent-governor operator started as/,
    { timeoutMs: 60_000 },
  );
});

after(async () => {
  await Promise.all([...replicas, ...(operator ? [operator] : [])].map((p) => p.stop('SIGKILL')));
  await trusting?.close();
  rmSync(certDir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'namespace', namespace, operatorNamespace, '--wait=false']);
});

describe('agent-governor services replicas', { timeout: 180_000 }, () => {
  let a: ServicesReplica;
  let b: ServicesReplica;
  let first: string;

  it('serve the policy the leader compiled, from its mirror, on every replica', async () => {
    assert.doesNotMatch(operator?.output() ?? '', /sidecar services https?:/, 'the operator opens no port');
    [a, b] = await Promise.all([startReplica(), startReplica()]);
    const mirror = await eventually(
      () => env.client.get(configMaps, { namespace, name: policyConfigMapName('support') }),
      (configMap) => configMap !== undefined,
      'the leader to write the policy mirror',
      60_000,
    );
    const mirrored = JSON.parse(mirror?.data?.['policy.json'] ?? '{}') as EffectivePolicy;
    const fromA = await eventually(
      () => policyOf(a.url),
      (answer) => answer.status === 200,
      'replica A to serve the policy',
    );
    const fromB = await eventually(
      () => policyOf(b.url),
      (answer) => answer.status === 200,
      'replica B to serve the policy',
    );
    first = String(fromA.headers[POLICY_VERSION_HEADER]);
    assert.equal(first, mirrored.version, 'the version in the mirror is the version served');
    assert.equal(fromB.headers[POLICY_VERSION_HEADER], first);
    assert.equal(fromA.json<EffectivePolicy>().agent.critical, false);
  });

  it('wake a long-poll held on A with the next policy the leader publishes', async () => {
    const held = policyOf(a.url, first);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const began = Date.now();
    await env.cluster.kubectl(
      [
        'patch',
        'deployment',
        'support',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { template: { metadata: { labels: { [CRITICALITY_LABEL]: 'critical' } } } } }),
      ],
      { check: true },
    );
    const answer = await held;
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.json<EffectivePolicy>().agent.critical, true);
    assert.notEqual(answer.headers[POLICY_VERSION_HEADER], first);
    assert.ok(
      Date.now() - began < 10_000,
      `the held poll was answered ${Date.now() - began} ms after the change`,
    );
  });

  it('count usage sent alternately and at once to A and B exactly once each, resends included', async () => {
    const sends: Array<Promise<void>> = [];
    for (const instance of ['pod-1', 'pod-2']) {
      sends.push(
        (async () => {
          for (let sequence = 1; sequence <= 6; sequence++) {
            const replica = (sequence + (instance === 'pod-1' ? 0 : 1)) % 2 === 0 ? a : b;
            const batch = usageBatchOf(namespace, 'support', instance, sequence, 2);
            const ack = await call(`${replica.url}${USAGE_PATH}`, {
              token,
              body: batch,
              dispatcher: trusting,
            });
            assert.equal(ack.status, 200, ack.body);
            assert.equal(ack.json<UsageAck>().acknowledgedSequence, sequence);
            // The answer was lost: the sidecar resends to the other replica, which finds it recorded.
            const other = replica === a ? b : a;
            const resent = await call(`${other.url}${USAGE_PATH}`, {
              token,
              body: batch,
              dispatcher: trusting,
            });
            assert.equal(resent.status, 200, resent.body);
            assert.equal(resent.json<UsageAck>().duplicate, true);
          }
        })(),
      );
    }
    await Promise.all(sends);
    const ledger = await env.client.get(agentUsageLedgers, { namespace, name: 'support' });
    assert.equal(ledger?.spec.totals.requests, 2 * 6 * 2);
    assert.equal(ledger?.spec.totals.inputTokens, 2 * 6 * 2 * 100);
    assert.deepEqual(ledger?.spec.instances.map((i) => [i.id, i.sequence]).sort(), [
      ['pod-1', 6],
      ['pod-2', 6],
    ]);
  });

  it('keep serving the same policy from B once A is killed', async () => {
    const current = String((await policyOf(a.url)).headers[POLICY_VERSION_HEADER]);
    await a.process.stop('SIGKILL');
    await assert.rejects(policyOf(a.url, current), /ECONNREFUSED/);
    const fromB = await policyOf(b.url, first);
    assert.equal(fromB.status, 200);
    assert.equal(fromB.headers[POLICY_VERSION_HEADER], current);
    assert.equal(fromB.json<EffectivePolicy>().agent.critical, true);
  });

  it(`answer 503 naming the limit past ${MAX_WAITERS} long-polls held`, async () => {
    const current = String((await policyOf(b.url)).headers[POLICY_VERSION_HEADER]);
    const held = Array.from({ length: MAX_WAITERS }, () => policyOf(b.url, current));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refused = await policyOf(b.url, current);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.match(
      errorMessage(refused),
      new RegExp(
        `already holds ${MAX_WAITERS} policy long-polls, its limit \\(--max-long-poll-waiters ${MAX_WAITERS}\\)`,
      ),
    );
    await b.process.stop('SIGTERM');
    const statuses = (await Promise.all(held)).map((answer) => answer.status);
    assert.deepEqual(statuses, Array(MAX_WAITERS).fill(304), 'held polls end with 304 on shutdown');
  });

  it('count usage into the shared store with --usage-store redis, once, and none into the API server', async () => {
    const redis = await RedisServer.start();
    const store = redisUsageStore(redisConnection({ url: redis.url }));
    try {
      await store.ready();
      const c = await startReplica(['--usage-store', 'redis', '--redis-url', redis.url]);
      const batch = usageBatchOf(namespace, 'support', 'pod-3', 1, 2);
      const ack = await call(`${c.url}${USAGE_PATH}`, { token, body: batch, dispatcher: trusting });
      assert.equal(ack.status, 200, ack.body);
      assert.equal(ack.json<UsageAck>().acknowledgedSequence, 1);
      const resent = await call(`${c.url}${USAGE_PATH}`, { token, body: batch, dispatcher: trusting });
      assert.equal(resent.json<UsageAck>().duplicate, true, resent.body);
      const inStore = await store.ledgers.get({ namespace, name: ledgerName('support') });
      assert.equal(inStore?.spec.totals.requests, 2);
      assert.equal(inStore?.spec.totals.inputTokens, 2 * 100);
      assert.deepEqual(
        inStore?.spec.instances.map((i) => [i.id, i.sequence]),
        [['pod-3', 1]],
      );
      const inApi = await env.client.get(agentUsageLedgers, { namespace, name: 'support' });
      assert.equal(inApi?.spec.totals.requests, 2 * 6 * 2, 'the API-server ledger is not touched');
      assert.equal(await c.process.stop('SIGTERM'), 0);
      assert.match(c.process.output(), /agent-governor services stopped \(SIGTERM\)/);
    } finally {
      await store.close();
      await redis.close();
    }
  });
});
