// Retention against the real API server: a RetentionPolicy keeping 5 days of usage history and
// cached answers for at most 1 minute. The operator cuts a 10-day-old day bucket out of an agent's
// usage ledger (keeping yesterday's and the totals), reports it in the policy's status and an Event,
// and the policy the sidecars receive caps the route's 10-minute cache at 1 minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentUsageLedgers, fallbackRoutes, retentionPolicies } from '../../agents/governor-resources.js';
import { policyConfigMapName, policyInConfigMap } from '../../agents/policy-config-map.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { RetentionPolicy } from '../../apis/retention-policy.js';
import { ledger, route, supportDeployment } from '../../governance/testdata/demo-like-cluster.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { configMaps, deployments, events } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from '../admission/admission-operator.js';

const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date((Math.floor(Date.now() / DAY_MS) - daysAgo) * DAY_MS).toISOString();
const bucket = (start: string) => ({
  start,
  latency: [0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  outcomes: { Success: 5 },
});

describe('retention enforced by the operator', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('ret-op');
  const namespace = uniqueName('ret');

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    // The one RetentionPolicy of the cluster is this suite's while it runs (the examples leave one).
    await client.delete(retentionPolicies, { name: 'default' });
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, namespace);
    await client.create(agentUsageLedgers, {
      ...ledger,
      metadata: { name: 'support', namespace },
      spec: {
        ...ledger.spec,
        observedTargets: [],
        buckets: { ...ledger.spec.buckets, days: [bucket(day(10)), bucket(day(1))] },
      },
    });
    await client.create(fallbackRoutes, {
      ...route,
      metadata: { name: 'gpt-4o', namespace },
      spec: { ...route.spec, cache: { enabled: true, ttl: '10m' } },
    } as unknown as FallbackRoute);
    await client.create(deployments, {
      ...supportDeployment,
      metadata: { name: 'support-agent', namespace },
      spec: { ...supportDeployment.spec, selector: { matchLabels: { app: 'support-agent' } } },
    } as never);
    operator = await startAdmissionOperator(cluster, operatorNamespace);
  });

  after(async () => {
    await operator?.process.stop();
    if (client) {
      await client.delete(retentionPolicies, { name: 'default' });
      await cleanUpAdmission(client, { namespaces: [namespace, operatorNamespace] });
    }
    await close?.();
  });

  it('caches answers for at most 1m in the policy the sidecars receive, once a RetentionPolicy says so', async () => {
    const ttl = async () => {
      const mirror = await client.get(configMaps, { namespace, name: policyConfigMapName('support') });
      const read = mirror ? policyInConfigMap(mirror) : undefined;
      return read?.ok ? read.policy.routes[0]?.cache?.ttlMs : undefined;
    };
    await eventually('the route cache at its own 10m', async () =>
      (await ttl()) === 600_000 ? true : undefined,
    );
    await client.create(retentionPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'RetentionPolicy',
      metadata: { name: 'default' },
      spec: { usageHistory: '5d', responseCache: '1m' },
    } as unknown as RetentionPolicy);
    await eventually('the route cache capped at 1m', async () =>
      (await ttl()) === 60_000 ? true : undefined,
    );
  });

  it('cuts usage history older than 5 days out of the ledger and reports it', async () => {
    const stored = await eventually('the old day bucket gone', async () => {
      const current = await client.get(agentUsageLedgers, { namespace, name: 'support' });
      return current?.spec.buckets.days.length === 1 ? current : undefined;
    });
    assert.equal(stored.spec.buckets.days[0]?.start, day(1));
    assert.equal(stored.spec.totals.requests, ledger.spec.totals.requests, 'totals stay');
    const status = await eventually('the status', async () => {
      const s = (await client.get(retentionPolicies, { name: 'default' }))?.status;
      return s?.settings?.find((x) => x.data === 'usageHistory')?.removed ? s : undefined;
    });
    // The operator governs the whole shared cluster: other suites' ledgers may hold old buckets too,
    // so the counts are at least this suite's one.
    const removed = (data: string) => status.settings?.find((s) => s.data === data);
    assert.equal(removed('usageHistory')?.limit, '5d');
    assert.ok((removed('usageHistory')?.removed ?? 0) >= 1, JSON.stringify(status.settings));
    assert.deepEqual(
      status.settings?.map((s) => [s.data, s.limit]),
      [
        ['usageHistory', '5d'],
        ['responseCache', '1m'],
      ],
    );
    assert.equal(removed('responseCache')?.removed, 0);
    assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    const enforced = await eventually('a RetentionEnforced Event', async () => {
      const list = await client.list(events, { namespace: 'default' });
      return list.find((e) => e.reason === 'RetentionEnforced' && e.regarding?.name === 'default');
    });
    assert.match(
      enforced.note ?? '',
      /removed [1-9]\d* bucket\(s\), period\(s\) and observed target\(s\) older than 5 days/,
    );
    const metrics = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    assert.match(metrics, /governor_retention_removed_total\{data="usageHistory"\} [1-9]/);
  });
});
