// Chaos with nothing lost: the operator (leader, --sidecar-services-external) and two
// `agent-governor services` replicas with --usage-store redis on a real redis-server (append-only
// file fsynced on every write), behind a loopback TCP relay that spreads connections over the
// replicas as a Service does. Four real sidecars of two agents send steady traffic to the mock LLM
// while, in turn: one replica is SIGKILLed and started again (on a new port, as a new pod); the
// redis-server is SIGKILLed and started again on its data; the relay loses the replicas' answers
// (usage recorded, acknowledgement never arriving), then the other replica is SIGKILLed with what
// it holds, every remaining connection is reset (long-polls included), and it comes back. Once
// traffic stops and the sidecars' spools drain: for each agent the mock's tokens = the store's
// ledger = the TokenBudget status, resends were recognised as duplicates (the replicas' metric),
// and a policy change after the chaos reaches every sidecar by its long-poll.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CRITICALITY_LABEL } from '../../apis/group-version.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { eventually } from '../../testing/eventually.js';
import {
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  type SidecarCli,
  startSidecarCli,
} from '../../testing/governed-agents.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import { RedisServer } from '../../testing/redis-server.js';
import {
  type ServicesReplica,
  startServicesReplica,
  writeLoopbackCertificate,
} from '../../testing/services-replica.js';
import { startTcpRelay, type TcpRelay } from '../../testing/tcp-relay.js';
import { Agent, steadyTraffic } from '../operator-scenarios/agent-calls.js';
import { createSupportAgent } from '../operator-scenarios/support-agent.js';
import { assertCountedOnce } from './counted-once.js';

const AGENTS = ['support', 'writer'] as const;
const SIDECARS_PER_AGENT = 2;
/** Calls served between two faults, so each fault hits traffic in full flow. */
const CALLS_BETWEEN_FAULTS = 30;

interface Sidecar {
  agent: string;
  cli: SidecarCli;
  calls: Agent;
}

/** A replica's `governor_operator_sidecar_usage_batches_total{result}` now (0 when never counted). */
async function usageBatches(replica: ServicesReplica, result: string): Promise<number> {
  const text = await (await fetch(`${replica.metricsUrl}/metrics`)).text();
  const line = new RegExp(
    `^governor_operator_sidecar_usage_batches_total\\{result="${result}"\\} (\\d+)`,
    'm',
  );
  return Number(line.exec(text)?.[1] ?? 0);
}

describe('chaos with nothing lost: replicas, store and long-polls broken under traffic', {
  timeout: 240_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let redis: RedisServer;
  let store: UsageStore;
  let operator: CliProcess | undefined;
  let relay: TcpRelay | undefined;
  const certDir = mkdtempSync(join(tmpdir(), 'chaos-services-'));
  const replicas: ServicesReplica[] = [];
  const sidecars: Sidecar[] = [];
  const usageStore = () => ['--usage-store', 'redis', '--redis-url', redis.url];
  const startReplica = async () => {
    const replica = await startServicesReplica({
      kubeconfig: env.cluster.kubeconfig,
      namespace: env.operatorNamespace,
      certDir,
      extra: usageStore(),
    });
    replicas.push(replica);
    return replica;
  };
  const live = () => replicas.filter((r) => r.process.child.exitCode === null && !r.process.child.signalCode);

  before(async () => {
    env = await governedAgents('chaos');
    mock = await startMockLlm({ chunkDelayMs: 2 });
    // Fsynced on every write: a SIGKILL of the store then loses nothing acknowledged (docs/scale.md).
    redis = await RedisServer.start({ appendfsync: 'always' });
    store = redisUsageStore(redisConnection({ url: redis.url }));
    await store.ready();
    for (const agent of AGENTS) await createSupportAgent(env, mock.baseUrl, agent);
    const caFile = join(certDir, 'ca.crt');
    await writeLoopbackCertificate(certDir);
    operator = await startCliProcess(
      operatorCommandLine({
        kubeconfig: env.cluster.kubeconfig,
        namespace: env.operatorNamespace,
        leaseName: 'chaos-leader',
        extra: ['--sidecar-services-external', '--sidecar-services-insecure-plain-http', ...usageStore()],
      }),
      /agent-governor operator started as/,
      { timeoutMs: 60_000 },
    );
    const [a, b] = await Promise.all([startReplica(), startReplica()]);
    relay = await startTcpRelay([a?.url ?? '', b?.url ?? '']);
    for (const agent of AGENTS) {
      const policy = await mirroredPolicy(env.client, env.namespace, agent, (p) => p.budgets.length === 1);
      for (let i = 0; i < SIDECARS_PER_AGENT; i++) {
        const spool = join(env.dir, `spool-${agent}-${i}`);
        const cli = await startSidecarCli(env, agent, relay.url, policy, spool, caFile);
        sidecars.push({ agent, cli, calls: new Agent(agent, cli.url, mock) });
      }
    }
  });

  after(async () => {
    await Promise.all(sidecars.map((s) => s.cli.stop('SIGKILL')));
    await Promise.all(replicas.map((r) => r.process.stop('SIGKILL')));
    await operator?.stop('SIGKILL');
    await relay?.close();
    await store?.close();
    await redis?.close();
    await mock?.close();
    await env?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('counts every served token once per agent: mock LLM = store = budget status', async (t) => {
    const began = performance.now();
    const traffic = sidecars.map((s) => steadyTraffic(s.calls, 2));
    const served = () => mock.served.length;
    const afterMore = async (what: string) => {
      const from = served();
      await eventually(`${CALLS_BETWEEN_FAULTS} calls served after ${what}`, () =>
        served() >= from + CALLS_BETWEEN_FAULTS ? true : undefined,
      );
    };
    /** Requests the store counted for both agents; undefined while the test's own client reconnects. */
    const stored = async () => {
      let requests = 0;
      try {
        for (const agent of AGENTS) {
          const ledger = await store.ledgers.get({ namespace: env.namespace, name: ledgerName(agent) });
          requests += ledger?.spec.totals.requests ?? 0;
        }
      } catch {
        return undefined;
      }
      return requests;
    };
    const storeMoves = async (what: string) => {
      const from = await eventually('the store to answer', stored);
      await eventually(`usage recorded in the store after ${what}`, async () =>
        ((await stored()) ?? 0) > from ? true : undefined,
      );
    };
    try {
      await storeMoves('the start');

      // 1. A replica dies (SIGKILL) and comes back as a new pod on another port.
      const [a, b] = replicas as [ServicesReplica, ServicesReplica];
      assert.equal(await a.process.stop('SIGKILL'), 'SIGKILL');
      await afterMore('replica A was killed');
      await storeMoves('replica A was killed');
      const a2 = await startReplica();
      relay?.setTargets([a2.url, b.url]);
      await afterMore('replica A came back');

      // 2. The store crashes (SIGKILL) and starts again on its append-only file.
      const refusals = () =>
        live()
          .map((r) => (r.process.output().match(/usage not recorded/g) ?? []).length)
          .reduce((x, y) => x + y, 0);
      const refusedBefore = refusals();
      await redis.kill();
      await eventually(
        'usage refused while the store is away',
        () => (refusals() > refusedBefore ? true : undefined),
        { timeoutMs: 30_000 },
      );
      await redis.restart();
      await afterMore('the store came back');
      await storeMoves('the store came back');

      // 3. Answers are lost (batches recorded, acknowledgements dropped); then replica B dies with the
      // long-polls and batches it holds, every other connection is reset, and B comes back.
      const recorded = async () =>
        (await Promise.all(live().map((r) => usageBatches(r, 'recorded')))).reduce((x, y) => x + y, 0);
      const recordedBefore = await recorded();
      relay?.loseAnswers();
      // A sidecar sends one batch at a time, over a connection it keeps: a few are enough.
      await eventually('batches recorded whose answers are lost', async () =>
        (await recorded()) >= recordedBefore + 2 ? true : undefined,
      );
      assert.equal(await b.process.stop('SIGKILL'), 'SIGKILL');
      relay?.cut();
      await new Promise((resolve) => setTimeout(resolve, 500));
      relay?.restore();
      const b2 = await startReplica();
      relay?.setTargets([a2.url, b2.url]);
      await afterMore('the connections were reset');
      await storeMoves('the connections were reset');
    } finally {
      await Promise.all(traffic.map((lane) => lane.stop()));
    }
    const chaosMs = performance.now() - began;
    // A call is served, or — only while its lease renewal was unanswered (answers lost, a replica
    // gone) — refused with a retryable 429 naming the slice: not served, no tokens, recorded as a
    // request the sidecar refused (every call through a sidecar is), nothing lost.
    let sliceRefusals = 0;
    const refusedBy = new Map<string, number>();
    for (const s of sidecars) {
      const notServed = s.calls.answers.filter((answer) => answer.status !== 200);
      const sliceShort = notServed.filter(
        (a) =>
          a.status === 429 &&
          a.errorCode === 'budget_insufficient' &&
          /has room, but this sidecar's lease/.test(a.errorMessage ?? ''),
      );
      sliceRefusals += sliceShort.length;
      refusedBy.set(s.agent, (refusedBy.get(s.agent) ?? 0) + sliceShort.length);
      assert.deepEqual(
        notServed.filter((a) => !sliceShort.includes(a)),
        [],
        `every call through a sidecar of ${s.agent} was served or refused for want of its lease slice`,
      );
    }
    t.diagnostic(`${sliceRefusals} calls refused for want of a lease slice while a renewal went unanswered`);

    // The long-polls came back: a policy change now reaches every sidecar within seconds.
    for (const agent of AGENTS) {
      await env.cluster.kubectl(
        [
          'patch',
          'deployment',
          agent,
          '-n',
          env.namespace,
          '--type=merge',
          '-p',
          JSON.stringify({
            spec: { template: { metadata: { labels: { [CRITICALITY_LABEL]: 'critical' } } } },
          }),
        ],
        { check: true },
      );
      const policy = await mirroredPolicy(env.client, env.namespace, agent, (p) => p.agent.critical);
      const version = policy.version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const changed = new RegExp(`"policyVersion":"${version}"[^\\n]*"msg":"policy changed"`);
      for (const s of sidecars.filter((s) => s.agent === agent)) {
        await eventually(
          `a sidecar of ${agent} to get policy version ${policy.version}`,
          () => (changed.test(s.cli.output()) ? true : undefined),
          { timeoutMs: 10_000 },
        );
      }
    }

    for (const agent of AGENTS) {
      const { calls, tokens } = await assertCountedOnce(env, store, mock, agent, {
        refused: refusedBy.get(agent) ?? 0,
      });
      t.diagnostic(`${agent}: ${calls} calls, ${tokens} tokens served and counted once`);
    }
    const duplicates = (await Promise.all(live().map((r) => usageBatches(r, 'duplicate')))).reduce(
      (x, y) => x + y,
      0,
    );
    const resends = sidecars
      .map((s) => (s.cli.output().match(/not delivered to/g) ?? []).length)
      .reduce((x, y) => x + y, 0);
    t.diagnostic(
      `${served()} calls in ${Math.round(chaosMs / 1000)} s of chaos; ${resends} failed sends retried, ${duplicates} resent batches recognised as duplicates`,
    );
    assert.ok(duplicates > 0, 'batches whose answers were lost were resent and recognised as duplicates');
    assert.ok(resends > 0, 'the sidecars retried failed sends');
  });
});
