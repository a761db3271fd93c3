// The TokenBudget reconcile in memory (testing/fake-reconcile-context.ts): what it writes, in which
// order, and what it asks for next. The plan's rules are table-tested in token-budget-plan.test.ts;
// here the act step is held to carrying them out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { workloadResources } from '../../agents/agent-workload.js';
import { agentUsageLedgers, tokenBudgets } from '../../agents/governor-resources.js';
import { done, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { deployments } from '../../runtime/kube/resources.js';
import { apiError } from '../../testing/fake-kube-client.js';
import { type FakeReconcileContext, fakeReconcileContext } from '../../testing/fake-reconcile-context.js';
import { ALERTS_SENT_ANNOTATION } from './alert-dedup.js';
import { budgetMetrics } from './budget-metrics.js';
import { RESTORE_FINALIZER } from './restore-finalizer.js';
import { agentDeployment, NOON, PERIOD_START, tokenBudget, usageLedger } from './testdata/budget-objects.js';
import { reconcileTokenBudget } from './token-budget-reconciler.js';

const BUDGET = 'patchStatus tokenbudgets.governor.agents.dev shop/daily';
const key = { namespace: 'shop', name: 'daily' };

function reconciler() {
  let monotonic = 0;
  const options = {
    metrics: budgetMetrics(new Registry()),
    maxRequeueMs: 300_000,
    countersPaceMs: 3_000,
    lastStatusWrites: new Map<string, number>(),
    monotonic: () => monotonic,
  };
  return {
    run: (context: FakeReconcileContext) => reconcileTokenBudget(key, context, options),
    /** Moves the pacing clock. */
    at: (ms: number) => {
      monotonic = ms;
    },
  };
}

function budgetIn(context: FakeReconcileContext) {
  return context.cache(tokenBudgets).get(key);
}

describe('reconcileTokenBudget in memory', () => {
  it('a new budget: the finalizer first, then the period in the ledger, then the status', async () => {
    const context = fakeReconcileContext({ now: NOON });
    const budget = tokenBudget();
    context.seed(tokenBudgets, { ...budget, metadata: { ...budget.metadata, finalizers: [] } });
    context.seed(workloadResources.Deployment, agentDeployment('support'));
    const result = await reconciler().run(context);
    assert.deepEqual(context.client.writes(), [
      'patch tokenbudgets.governor.agents.dev shop/daily',
      'create agentusageledgers.governor.agents.dev shop/support',
      BUDGET,
    ]);
    assert.deepEqual(budgetIn(context)?.metadata.finalizers, [RESTORE_FINALIZER]);
    assert.equal(budgetIn(context)?.status?.phase, 'Active');
    assert.deepEqual(result, requeueAfter(300_000));
  });

  it('Warning → Exhausted: publishes the crossing, scales the agent to 0, then writes Ready', async () => {
    const context = fakeReconcileContext({ now: NOON });
    const alerted = { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` };
    context.seed(tokenBudgets, tokenBudget({ annotations: alerted }));
    context.seed(workloadResources.Deployment, agentDeployment('support'));
    context.seed(agentUsageLedgers, usageLedger('support', 70));
    const budget = reconciler();
    await budget.run(context);
    assert.equal(budgetIn(context)?.status?.phase, 'Warning');

    context.seed(agentUsageLedgers, usageLedger('support', 95));
    const before = context.client.calls.length;
    const result = await budget.run(context);
    const calls = context.client.calls.slice(before);
    assert.deepEqual(
      calls.map((c) => `${c.verb} ${c.resource} ${c.key}`),
      [BUDGET, 'patch deployments.apps shop/support', BUDGET],
    );
    assert.match(
      JSON.stringify(calls[0]?.patch),
      /"phase":"Exhausted".*"suspendedWorkloads":\[\].*"reason":"ApplyingActions"/,
    );
    assert.equal(budgetIn(context)?.status?.conditions?.[0]?.reason, 'BudgetExhausted');
    assert.deepEqual(budgetIn(context)?.status?.suspendedWorkloads, [
      { kind: 'Deployment', name: 'support', previousReplicas: 2 },
    ]);
    assert.equal(context.cache(deployments).get({ namespace: 'shop', name: 'support' })?.spec?.replicas, 0);
    assert.deepEqual(context.events.reasons(), [
      'Warning ScaledToZero Deployment shop/support',
      'Warning ScaledToZero TokenBudget shop/daily',
    ]);
    assert.deepEqual(result, requeueAfter(300_000));
  });

  it('an alert due: the crossing is published, then the Event and the alerts-sent mark, then Ready', async () => {
    const context = fakeReconcileContext({ now: NOON });
    context.seed(tokenBudgets, tokenBudget());
    context.seed(workloadResources.Deployment, agentDeployment('support'));
    context.seed(agentUsageLedgers, usageLedger('support', 70));
    await reconciler().run(context);
    assert.deepEqual(context.client.writes(), [
      BUDGET,
      'patch tokenbudgets.governor.agents.dev shop/daily',
      BUDGET,
    ]);
    assert.deepEqual(context.events.reasons(), ['Warning ThresholdReached TokenBudget shop/daily']);
    assert.equal(budgetIn(context)?.metadata.annotations?.[ALERTS_SENT_ANNOTATION], `${PERIOD_START}=75`);
    assert.equal(budgetIn(context)?.status?.conditions?.[0]?.reason, 'ThresholdReached');
  });

  it('a workload changed meanwhile (409): Reconciling, and again in 250 ms', async () => {
    const context = fakeReconcileContext({ now: NOON });
    context.seed(
      tokenBudgets,
      tokenBudget({ annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` } }),
    );
    context.seed(workloadResources.Deployment, agentDeployment('support'));
    context.seed(agentUsageLedgers, usageLedger('support', 95));
    context.client.failWhen((call) =>
      call.verb === 'patch' && call.resource === 'deployments.apps'
        ? apiError(call, 409, 'Conflict')
        : undefined,
    );
    const result = await reconciler().run(context);
    assert.deepEqual(result, requeueAfter(250));
    const reconciling = budgetIn(context)?.status?.conditions?.find((c) => c.type === 'Reconciling');
    assert.equal(reconciling?.reason, 'WorkloadsChanging');
    assert.deepEqual(context.events.reasons(), []);
  });

  it('counters written at most every 3 s: a reconcile 1 s after a write leaves it to the requeue', async () => {
    const context = fakeReconcileContext({ now: NOON });
    context.seed(tokenBudgets, tokenBudget());
    context.seed(workloadResources.Deployment, agentDeployment('support'));
    context.seed(agentUsageLedgers, usageLedger('support', 10));
    const budget = reconciler();
    await budget.run(context);
    const writes = context.client.writes().length;

    context.seed(agentUsageLedgers, usageLedger('support', 20));
    budget.at(1_000);
    assert.deepEqual(await budget.run(context), requeueAfter(2_000));
    assert.equal(context.client.writes().length, writes);
    assert.equal(budgetIn(context)?.status?.percent, 11);

    budget.at(3_000);
    assert.deepEqual(await budget.run(context), requeueAfter(300_000));
    assert.equal(budgetIn(context)?.status?.percent, 22);
  });

  it('deleted: restores the workloads it holds, then lets the budget go', async () => {
    const context = fakeReconcileContext({ now: NOON });
    context.seed(tokenBudgets, tokenBudget());
    context.seed(
      workloadResources.Deployment,
      agentDeployment('support', { replicas: 0, heldBy: 'daily', kept: 2 }),
    );
    await context.client.delete(tokenBudgets, key);
    const result = await reconciler().run(context);
    assert.deepEqual(result, done);
    assert.deepEqual(context.client.writes().slice(1), [
      'patch deployments.apps shop/support',
      'patch tokenbudgets.governor.agents.dev shop/daily',
    ]);
    assert.equal(context.cache(deployments).get({ namespace: 'shop', name: 'support' })?.spec?.replicas, 2);
    assert.equal(budgetIn(context), undefined);
    assert.deepEqual(context.events.reasons(), [
      'Normal Restored Deployment shop/support',
      'Normal Restored TokenBudget shop/daily',
    ]);
  });

  it('deleted while a workload changes under it: keeps the finalizer and looks again', async () => {
    const context = fakeReconcileContext({ now: NOON });
    context.seed(tokenBudgets, tokenBudget());
    context.seed(
      workloadResources.Deployment,
      agentDeployment('support', { replicas: 0, heldBy: 'daily', kept: 2 }),
    );
    await context.client.delete(tokenBudgets, key);
    context.client.failWhen((call) =>
      call.verb === 'patch' && call.resource === 'deployments.apps'
        ? apiError(call, 409, 'Conflict')
        : undefined,
    );
    assert.deepEqual(await reconciler().run(context), requeueAfter(250));
    assert.deepEqual(budgetIn(context)?.metadata.finalizers, [RESTORE_FINALIZER]);
  });
});
