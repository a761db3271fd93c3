// The DataResidencyPolicy reconcile in memory (testing/fake-reconcile-context.ts): when it audits,
// what it writes, and when it comes back. The schedule and the record are table-tested in
// residency-audit-plan.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { workloadResources } from '../../agents/agent-workload.js';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { type FakeReconcileContext, fakeReconcileContext } from '../../testing/fake-reconcile-context.js';
import { dataResidencyControllerWith } from './data-residency-controller.js';
import { ResidencyAuditRequests } from './residency-audit-requests.js';

const NOW = '2025-03-11T12:00:00.000Z';
const key = { name: 'eu-only' };

function setUp(status?: DataResidencyPolicy['status']) {
  const context = fakeReconcileContext({ now: NOW });
  context.seed(dataResidencyPolicies, {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name: 'eu-only', generation: 1 },
    spec: {
      mode: 'Audit',
      namespaceSelector: {},
      allowedRegions: ['eu-central-1'],
      unknownEndpoints: 'Deny',
      auditInterval: '10m',
    },
    ...(status ? { status } : {}),
  });
  context.seed(namespaces, { metadata: { name: 'shop' } });
  // Not an agent: no agent label on its pod template, so the audit lists it.
  context.seed(workloadResources.Deployment, {
    metadata: { namespace: 'shop', name: 'crawler' },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'main', env: [{ name: 'LLM_URL', value: 'https://api.openai.com/v1' }] }],
        },
      },
    },
  } as KubeObject);
  let now = Date.parse(NOW);
  const requests = new ResidencyAuditRequests({ now: () => now });
  requests.subscribe(() => {});
  const controller = dataResidencyControllerWith({ auditRequests: requests })({
    registry: new Registry(),
    log: pino({ level: 'silent' }),
    now: context.now,
    identity: 'test',
    namespace: 'governor',
  });
  return {
    context,
    requests,
    reconcile: () => controller.reconcile(key, context),
    advance: (ms: number) => {
      now += ms;
      context.clock.advance(ms);
    },
  };
}

const policyIn = (context: FakeReconcileContext) => context.cache(dataResidencyPolicies).get(key);

describe('the DataResidencyPolicy reconcile in memory', () => {
  it('audits a policy never audited: the violation in status, one Event, back in the interval', async () => {
    const { context, reconcile } = setUp();
    const result = await reconcile();
    assert.deepEqual(result, requeueAfter(600_000));
    assert.deepEqual(context.client.writes(), [
      'patchStatus dataresidencypolicies.governor.agents.dev eu-only',
    ]);
    assert.equal(context.client.calls.at(-1)?.patch?.type, 'merge');
    const status = policyIn(context)?.status;
    assert.equal(status?.lastAuditTime, NOW);
    assert.deepEqual(
      status?.violations?.map((v) => `${v.kind} ${v.namespace}/${v.name} ${v.endpoint}`),
      ['Deployment shop/crawler https://api.openai.com/v1'],
    );
    assert.deepEqual(context.events.reasons(), ['Warning ResidencyViolation DataResidencyPolicy eu-only']);
  });

  it('within the interval: writes nothing and comes back when the next audit is due', async () => {
    const { context, reconcile, advance } = setUp();
    await reconcile();
    const writes = context.client.writes().length;
    advance(60_000);
    assert.deepEqual(await reconcile(), requeueAfter(540_000));
    assert.equal(context.client.writes().length, writes);
  });

  it('admission asked: audits once the request settled, before the interval, with no repeated Event', async () => {
    const { context, reconcile, advance, requests } = setUp();
    await reconcile();
    advance(60_000);
    requests.request('eu-only');
    assert.deepEqual(await reconcile(), requeueAfter(2_000));
    advance(2_000);
    assert.deepEqual(await reconcile(), requeueAfter(600_000));
    assert.equal(policyIn(context)?.status?.lastAuditTime, '2025-03-11T12:01:02.000Z');
    assert.equal(context.events.recorded.length, 1, 'the violation was known: no second Event');
  });
});
