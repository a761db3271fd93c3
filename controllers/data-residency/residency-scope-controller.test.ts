// The residency scope reconcile in memory (testing/fake-reconcile-context.ts): what it patches, the
// Events it records, the gauge, and that a second pass changes nothing. The decision is table-tested in
// residency-scope-plan.test.ts and residency/residency-namespace-label.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { RESIDENCY_LABEL } from '../../residency/residency-namespace-label.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { fakeReconcileContext } from '../../testing/fake-reconcile-context.js';
import { RESIDENCY_SCOPE_KEY, residencyScopeController } from './residency-scope-controller.js';

function policy(name: string, mode: 'Enforce' | 'Warn', team: string): DataResidencyPolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name },
    spec: {
      mode,
      namespaceSelector: { matchLabels: { team } },
      allowedJurisdictions: ['EU'],
      unknownEndpoints: 'Deny',
      auditInterval: '10m',
    },
  };
}

function setUp() {
  const context = fakeReconcileContext();
  const registry = new Registry();
  const controller = residencyScopeController({
    registry,
    log: pino({ level: 'silent' }),
    now: context.now,
    identity: 'test',
    namespace: 'governor',
  });
  context.seed(
    dataResidencyPolicies,
    policy('eu-agents', 'Enforce', 'agents'),
    policy('warn-labs', 'Warn', 'labs'),
  );
  context.seed(
    namespaces,
    { metadata: { name: 'agents', labels: { team: 'agents' }, resourceVersion: '1' } },
    { metadata: { name: 'labs', labels: { team: 'labs' }, resourceVersion: '1' } },
    { metadata: { name: 'shop', labels: { [RESIDENCY_LABEL]: 'enforce' }, resourceVersion: '1' } },
    { metadata: { name: 'governor', labels: { team: 'agents' }, resourceVersion: '1' } },
  );
  return { context, registry, controller };
}

const labelOf = (context: ReturnType<typeof setUp>['context'], name: string) =>
  context.cache(namespaces).get({ name })?.metadata?.labels?.[RESIDENCY_LABEL];

describe('residency scope controller', () => {
  it('labels, relabels and unlabels in one pass, an Event each, and counts them', async () => {
    const { context, registry, controller } = setUp();
    assert.deepEqual(await controller.reconcile(RESIDENCY_SCOPE_KEY, context), done);
    assert.deepEqual(context.client.writes(), [
      'patch namespaces agents',
      'patch namespaces labs',
      'patch namespaces shop',
    ]);
    assert.equal(labelOf(context, 'agents'), 'enforce');
    assert.equal(labelOf(context, 'labs'), 'observe');
    assert.equal(labelOf(context, 'shop'), undefined);
    assert.equal(labelOf(context, 'governor'), undefined, "the operator's namespace is exempt");
    assert.deepEqual(context.events.reasons(), [
      'Normal ResidencyEnforced Namespace agents',
      'Normal ResidencyObserved Namespace labs',
      'Normal ResidencyReleased Namespace shop',
    ]);
    const gauge = (await registry.getSingleMetric('governor_operator_residency_namespaces')?.get())?.values;
    assert.deepEqual(
      gauge?.map((v) => [v.labels['label'], v.value]),
      [
        ['enforce', 1],
        ['observe', 1],
      ],
    );

    // Again: nothing left to change.
    context.client.calls.length = 0;
    await controller.reconcile(RESIDENCY_SCOPE_KEY, context);
    assert.deepEqual(context.client.writes(), []);
    assert.equal(context.events.recorded.length, 3);
  });
});
