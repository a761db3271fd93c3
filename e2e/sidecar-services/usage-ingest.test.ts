// Usage ingest against the real API server: a batch is acknowledged only once it is in the agent's
// AgentUsageLedger; (instance, sequence) makes it exactly-once — resent 20× at the same moment, and
// sent to two services replicas writing the same ledger at once (409 conflicts), every batch
// counts once. Bad batches get a 400 naming the field; a follower answers 503.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { UsageAck } from '../../apis/usage-batch.js';
import {
  agentToken,
  call,
  errorMessage,
  metricValue,
  type ServicesEnv,
  type StartedServices,
  servicesEnv,
  startServices,
  uniqueNamespace,
  usageBatchOf,
} from '../../testing/services-fixture.js';

let env: ServicesEnv;
let services: StartedServices;
const namespace = uniqueNamespace('usage');
let token: string;

before(async () => {
  env = await servicesEnv();
  token = await agentToken(env.cluster, namespace);
  services = await startServices(env, { restore: false });
});
after(async () => {
  await services?.close();
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

const ledgerOf = (agent: string) => env.client.get(agentUsageLedgers, { namespace, name: agent });
const post = (s: StartedServices, body: unknown) => call(`${s.url}${USAGE_PATH}`, { token, body });

describe('usage ingest', () => {
  it('acknowledges a batch only once it is recorded in a new ledger', async () => {
    const answer = await post(services, usageBatchOf(namespace, 'support', 'pod-a', 1, 3));
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(answer.json<UsageAck>(), {
      instance: 'pod-a',
      acknowledgedSequence: 1,
      duplicate: false,
    });
    const ledger = await ledgerOf('support');
    assert.equal(ledger?.spec.agent, 'support');
    assert.deepEqual(ledger?.metadata.labels, {
      'app.kubernetes.io/managed-by': 'agent-governor',
      'governor.agents.dev/agent': 'support',
    });
    assert.equal(ledger?.spec.totals.inputTokens, 300);
    assert.equal(ledger?.spec.totals.outputTokens, 30);
    assert.equal(ledger?.spec.instances.find((i) => i.id === 'pod-a')?.sequence, 1);
    assert.deepEqual(services.recorded, [`${namespace}/support`]);
  });

  it('answers a resend as a duplicate and changes nothing', async () => {
    const before = await ledgerOf('support');
    const answer = await post(services, usageBatchOf(namespace, 'support', 'pod-a', 1, 3));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json<UsageAck>(), {
      instance: 'pod-a',
      acknowledgedSequence: 1,
      duplicate: true,
    });
    assert.equal((await ledgerOf('support'))?.metadata.resourceVersion, before?.metadata.resourceVersion);
    assert.equal(services.recorded.length, 1);
  });

  it('counts a batch resent 20 times at once exactly once', async () => {
    const batch = usageBatchOf(namespace, 'concurrent', 'pod-c', 1, 2);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(services, batch)));
    assert.ok(answers.every((a) => a.status === 200));
    const acks = answers.map((a) => a.json<UsageAck>());
    assert.equal(acks.filter((a) => !a.duplicate).length, 1);
    assert.ok(acks.every((a) => a.acknowledgedSequence === 1));
    const ledger = await ledgerOf('concurrent');
    assert.equal(ledger?.spec.totals.requests, 2);
    assert.equal(ledger?.spec.totals.inputTokens, 200);
  });

  it('counts every batch once when two replicas write the same ledger at once', async () => {
    const second = await startServices(env, { restore: false });
    try {
      const instances = Array.from({ length: 6 }, (_, i) => `pod-${i}`);
      const sequences = 8;
      // Each sidecar delivers in order, one batch at a time, but every batch goes to both replicas.
      await Promise.all(
        instances.map(async (instance) => {
          for (let sequence = 1; sequence <= sequences; sequence++) {
            const batch = usageBatchOf(namespace, 'shared', instance, sequence, 1);
            const answers = await Promise.all([post(services, batch), post(second, batch)]);
            for (const answer of answers) {
              assert.equal(answer.status, 200, answer.body);
              assert.ok(answer.json<UsageAck>().acknowledgedSequence >= sequence);
            }
            assert.equal(answers.filter((a) => !a.json<UsageAck>().duplicate).length, 1);
            // Acknowledged means recorded: the ledger already has it.
            const ledger = await ledgerOf('shared');
            assert.ok((ledger?.spec.instances.find((i) => i.id === instance)?.sequence ?? 0) >= sequence);
          }
        }),
      );
      const ledger = await ledgerOf('shared');
      assert.equal(ledger?.spec.totals.requests, instances.length * sequences);
      assert.equal(ledger?.spec.totals.inputTokens, instances.length * sequences * 100);
      assert.equal(ledger?.spec.totals.outputTokens, instances.length * sequences * 10);
      const conflicts =
        (await metricValue(services, 'governor_operator_ledger_writes_total', { result: 'conflict' })) +
        (await metricValue(second, 'governor_operator_ledger_writes_total', { result: 'conflict' }));
      assert.ok(conflicts > 0, 'the replicas met write conflicts (and retried them)');
    } finally {
      await second.close();
    }
  });

  const invalid: [string, unknown, RegExp][] = [
    ['a body that is not JSON', '{"kind":', /not JSON/],
    [
      'a batch with a negative token count',
      (() => {
        const batch = usageBatchOf('NS', 'bad', 'pod-z', 1);
        return { ...batch, entries: [{ ...batch.entries[0], inputTokens: -5 }] };
      })(),
      /entries\[0\]\.inputTokens/,
    ],
    [
      'a batch without a sequence',
      { ...usageBatchOf('NS', 'bad', 'pod-z', 1), sequence: undefined },
      /sequence/,
    ],
  ];
  for (const [name, body, message] of invalid) {
    it(`refuses ${name} with 400 saying what is wrong, recording nothing`, async () => {
      const text =
        typeof body === 'string' ? body : JSON.stringify(body).replaceAll('"NS"', JSON.stringify(namespace));
      const answer = await post(services, text);
      assert.equal(answer.status, 400);
      assert.match(errorMessage(answer), message);
      assert.equal(await ledgerOf('bad'), undefined);
    });
  }

  it('refuses a body over the size limit with 413', async () => {
    const small = await startServices(env, { restore: false, maxBodyBytes: 200 });
    try {
      const answer = await post(small, usageBatchOf(namespace, 'big', 'pod-b', 1));
      assert.equal(answer.status, 413);
      assert.match(errorMessage(answer), /larger than 200 bytes/);
    } finally {
      await small.close();
    }
  });

  it('answers 503 with Retry-After while not the leader, recording nothing', async () => {
    services.leader.value = false;
    try {
      const answer = await post(services, usageBatchOf(namespace, 'follower', 'pod-f', 1));
      assert.equal(answer.status, 503);
      assert.equal(answer.headers['retry-after'], '1');
      assert.equal(await ledgerOf('follower'), undefined);
    } finally {
      services.leader.value = true;
    }
  });
});
