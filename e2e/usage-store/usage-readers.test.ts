// The readers of usage with the usage in Redis (`--usage-store redis`): a real redis-server and the
// real API server. Usage is ingested into the store by the same committer the operator runs; then
// `agent-governor dataflows` shows what the sidecars saw, `audit report` carries it, the cockpit
// shows today's tokens, and a RetentionPolicy prunes an old day bucket in the store, at the revision
// read — while the API server holds no AgentUsageLedger at all. A store that does not answer fails
// the command naming the flag.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { agentUsageLedgers, fallbackRoutes, retentionPolicies } from '../../agents/governor-resources.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import type { RetentionPolicy } from '../../apis/retention-policy.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { writeAuditReport } from '../../cli/audit-command.js';
import type { DataflowMap } from '../../governance/dataflow-map.js';
import { ledger, route, supportDeployment } from '../../governance/testdata/demo-like-cluster.js';
import { deployments } from '../../runtime/kube/resources.js';
import { LedgerCommitter } from '../../sidecar-services/ledger-committer.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { AGENT_GOVERNOR_BIN, type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { budgetViewerToken } from '../../testing/cockpit-viewer.js';
import { eventually } from '../../testing/eventually.js';
import {
  type GovernedAgents,
  governedAgents,
  type OperatorCli,
  startOperatorCli,
} from '../../testing/governed-agents.js';
import { RedisServer } from '../../testing/redis-server.js';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date((Math.floor(Date.now() / DAY_MS) - daysAgo) * DAY_MS).toISOString();
const CALLS = 7;
/** 100 input and 10 output tokens a call (apis/ledger/testdata/batches.ts). */
const TOKENS = CALLS * 110;
const VIA = 'route gpt-4o target openai-eu';

describe('the readers of usage with the usage in Redis', { timeout: 300_000 }, () => {
  let env: GovernedAgents;
  let redis: RedisServer;
  let store: UsageStore;
  let cockpit: CliProcess | undefined;
  let operator: OperatorCli | undefined;
  const storeFlags = () => ['--usage-store', 'redis', '--redis-url', redis.url];
  const cli = (args: string[]) =>
    run(process.execPath, [AGENT_GOVERNOR_BIN, ...args, '--kubeconfig', env.cluster.kubeconfig], {
      maxBuffer: 16 * 1024 * 1024,
    });
  const dataflows = async (extra: string[]) =>
    JSON.parse((await cli(['dataflows', '-n', env.namespace, '-o', 'json', ...extra])).stdout) as DataflowMap;
  const observedBy = (map: DataflowMap) => map.flows.find((f) => f.via.includes(VIA))?.observed;

  before(async () => {
    env = await governedAgents('readers');
    redis = await RedisServer.start();
    store = redisUsageStore(redisConnection({ url: redis.url }));
    await store.ready();
    const namespace = env.namespace;
    await env.client.create(fallbackRoutes, { ...route, metadata: { name: 'gpt-4o', namespace } });
    await env.client.create(deployments, {
      ...supportDeployment,
      metadata: { name: 'support-agent', namespace },
      spec: { ...supportDeployment.spec, selector: { matchLabels: { app: 'support-agent' } } },
    } as never);
    // What a sidecar of agent `support` sends: calls answered by the route's target openai-eu, now.
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const sent = batch(1, [entry(minute, CALLS, { route: 'gpt-4o', target: 'openai-eu' })], {
      agent: 'support',
    });
    const outcome = await new LedgerCommitter({ ledgers: store.ledgers }).record({
      ...sent,
      agent: { namespace, name: 'support' },
    });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
    // An agent with history: a day bucket of 10 days ago and one of yesterday.
    const bucket = (start: string) => ({
      start,
      latency: [0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      outcomes: { Success: 5 },
    });
    await store.ledgers.create({
      ...ledger,
      metadata: { namespace, name: 'archive' },
      spec: {
        ...ledger.spec,
        agent: 'archive',
        observedTargets: [],
        buckets: { ...ledger.spec.buckets, days: [bucket(day(10)), bucket(day(1))] },
      },
    } as AgentUsageLedger);
  });

  after(async () => {
    await cockpit?.stop('SIGTERM');
    await operator?.stop('SIGKILL');
    await env?.client.delete(retentionPolicies, { name: 'default' }).catch(() => undefined);
    await store?.close();
    await redis?.close();
    await env?.close();
  });

  it('dataflows shows what the sidecars saw, read from the store the flags name', async () => {
    const observed = observedBy(await dataflows(storeFlags()));
    assert.deepEqual(
      observed?.map((o) => [o.model, o.requests, o.inputTokens, o.outputTokens]),
      [['gpt-4o', CALLS, CALLS * 100, CALLS * 10]],
    );
    // The API server holds no ledger: without the flags nothing was seen.
    assert.deepEqual(observedBy(await dataflows([])), []);
    assert.equal((await env.client.list(agentUsageLedgers, { namespace: env.namespace })).length, 0);
  });

  it('the audit report carries the usage in the store', async () => {
    const file = join(env.dir, 'audit.json');
    await writeAuditReport(file, {
      kubeconfig: env.cluster.kubeconfig,
      namespace: env.namespace,
      format: 'json',
      operatorNamespace: env.operatorNamespace,
      usageStore: 'redis',
      redisUrl: redis.url,
      redisTls: false,
    });
    const report = JSON.parse(readFileSync(file, 'utf8')) as { map: DataflowMap };
    assert.equal(observedBy(report.map)?.[0]?.requests, CALLS);
  });

  it("the cockpit shows today's tokens per agent from the store", async () => {
    const namespace = env.namespace;
    const token = await budgetViewerToken(env.cluster, namespace);
    cockpit = await startCliProcess(
      [
        'cockpit',
        '--kubeconfig',
        env.cluster.kubeconfig,
        '-n',
        namespace,
        '--port',
        '0',
        '--refresh',
        '1',
        ...storeFlags(),
      ],
      /cockpit: (http:\/\/\S+)/,
    );
    const page = await fetch(cockpit.ready[1] ?? '', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(page.status, 200);
    const html = await page.text();
    const row = new RegExp(`<tr data-agent="${namespace}/support">(.*?)</tr>`).exec(html)?.[1];
    assert.ok(row, `the cockpit lists agent support:\n${html.slice(0, 2_000)}`);
    // Tokens, input, output, calls: the first four usage cells.
    const cells = [...row.matchAll(/<td class="n">([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(
      cells.slice(0, 4),
      [TOKENS, CALLS * 100, CALLS * 10, CALLS].map((n) => n.toLocaleString('en-US')),
    );
  });

  it('a store that does not answer fails the command, naming the flag', async () => {
    const closed = await RedisServer.start();
    const url = closed.url;
    await closed.close();
    await assert.rejects(
      cli(['dataflows', '-n', env.namespace, '--usage-store', 'redis', '--redis-url', url]),
      (err: { code?: number; stderr?: string }) => {
        assert.equal(err.code, 1);
        assert.match(
          err.stderr ?? '',
          /agent-governor: the usage store redis:\/\/\S+ does not answer: .*check --redis-url/,
        );
        return true;
      },
    );
  });

  it('a RetentionPolicy prunes old usage in the store, at the revision read', async () => {
    const key = { namespace: env.namespace, name: 'archive' };
    const before = await store.ledgers.get(key);
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'readers-operator',
      lease: 'agent-governor-leader',
      extra: storeFlags(),
    });
    await env.client.delete(retentionPolicies, { name: 'default' });
    await env.client.create(retentionPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'RetentionPolicy',
      metadata: { name: 'default' },
      spec: { usageHistory: '5d', responseCache: '1m' },
    } as unknown as RetentionPolicy);
    const pruned = await eventually('the 10-day-old bucket gone from the store', async () => {
      const current = await store.ledgers.get(key);
      return current?.spec.buckets.days.length === 1 ? current : undefined;
    });
    assert.equal(pruned.spec.buckets.days[0]?.start, day(1));
    assert.deepEqual(pruned.spec.totals, before?.spec.totals, 'totals stay');
    assert.ok(
      Number(pruned.metadata?.resourceVersion) > Number(before?.metadata?.resourceVersion),
      'written by the revision-checked commit',
    );
    const status = await eventually('the status', async () => {
      const s = (await env.client.get(retentionPolicies, { name: 'default' }))?.status;
      return s?.settings?.find((x) => x.data === 'usageHistory')?.removed ? s : undefined;
    });
    assert.ok((status.settings?.find((s) => s.data === 'usageHistory')?.removed ?? 0) >= 1);
    // The ingested ledger had nothing old: untouched. Nothing went to the API server.
    assert.equal(
      (await store.ledgers.get({ namespace: env.namespace, name: 'support' }))?.spec.totals.requests,
      CALLS,
    );
    assert.equal((await env.client.list(agentUsageLedgers, { namespace: env.namespace })).length, 0);
  });
});
