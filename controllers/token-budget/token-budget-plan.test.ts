import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentWorkloadsIn } from '../../agents/selected-agents.js';
import type { TokenBudgetStatus } from '../../apis/token-budget.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { ALERTS_SENT_ANNOTATION } from './alert-dedup.js';
import { FORECAST_ALERTED_ANNOTATION } from './forecast-alert.js';
import {
  agentDeployment,
  NAMESPACE,
  NOON,
  PERIOD_START,
  spec,
  tokenBudget,
  usageLedger,
} from './testdata/budget-objects.js';
import {
  type EnforcedBudget,
  planTokenBudget,
  type StepsOutcome,
  settleTokenBudget,
  type TokenBudgetView,
} from './token-budget-plan.js';

const pacing = { countersPaceMs: 3_000, maxRequeueMs: 300_000 };

interface Situation {
  status?: TokenBudgetStatus;
  annotations?: Record<string, string>;
  workloads?: KubeObject[];
  ledgers?: AgentUsageLedger[];
  now?: Date;
}

function view(situation: Situation): TokenBudgetView {
  const ledgers = situation.ledgers ?? [];
  return {
    budget: tokenBudget({
      ...(situation.status ? { status: situation.status } : {}),
      ...(situation.annotations ? { annotations: situation.annotations } : {}),
    }),
    workloads: agentWorkloadsIn(situation.workloads ?? [agentDeployment('support')], NAMESPACE),
    ledger: (agent) => ledgers.find((l) => l.spec.agent === agent),
    now: situation.now ?? NOON,
  };
}

function enforced(situation: Situation): EnforcedBudget {
  const plan = planTokenBudget(view(situation));
  assert.equal(plan.kind, 'enforce');
  return plan as EnforcedBudget;
}

/** The status a settled reconcile leaves when the support agent made `calls` calls (110 tokens each). */
function statusAt(calls: number, situation: Situation = {}): TokenBudgetStatus {
  const settled = settleTokenBudget(
    enforced({ ledgers: [usageLedger('support', calls)], ...situation }),
    { conflicts: [], lastWriteAt: undefined, at: 0 },
    pacing,
  );
  assert.ok('write' in settled);
  return settled.write;
}

/** `Phase percent % Condition/Reason … held=Kind/name,…`: what sidecars and people act on. */
function said(status: TokenBudgetStatus): string {
  const conditions = (status.conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => `${c.type}/${c.reason}`)
    .join(' ');
  const held = (status.suspendedWorkloads ?? []).map((w) => `${w.kind}/${w.name}`).join(',') || '-';
  return `${status.phase} ${status.percent} % ${conditions} held=${held}`;
}

const exhaustedHoldingSupport = (): TokenBudgetStatus =>
  statusAt(95, { workloads: [agentDeployment('support')] });

describe('planTokenBudget and settleTokenBudget: the order of a reconcile', () => {
  const cases: Array<{
    name: string;
    situation: Situation;
    outcome?: Partial<StepsOutcome>;
    steps: string[];
    published?: string;
    settled: string;
    result: ReconcileResult;
  }> = [
    {
      name: 'a new budget whose agent has no ledger yet: the period is registered, Active written at once',
      situation: {},
      steps: ['register-period'],
      settled: 'write Active 0 % Ready/WithinBudget held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'Active → Warning with an alert due: the crossing is published before the alert goes out',
      situation: { status: statusAt(10), ledgers: [usageLedger('support', 70)] },
      steps: ['publish-crossing', 'send-alerts'],
      published: 'Warning 77 % Reconciling/ApplyingActions held=-',
      settled: 'write Warning 77 % Ready/ThresholdReached held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'Active → Warning, the alert sent already this period: nothing slower to do, one write',
      situation: {
        status: statusAt(10),
        annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` },
        ledgers: [usageLedger('support', 70)],
      },
      steps: [],
      settled: 'write Warning 77 % Ready/ThresholdReached held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'Warning → Exhausted: published with what was held before, then the suspend, then Ready with what is held',
      situation: {
        status: statusAt(70, { annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` } }),
        annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` },
        workloads: [agentDeployment('support'), agentDeployment('triage', { critical: true })],
        ledgers: [usageLedger('support', 95), usageLedger('triage', 0)],
      },
      steps: ['publish-crossing', 'apply-workloads'],
      published: 'Exhausted 104 % Reconciling/ApplyingActions held=-',
      settled: 'write Exhausted 104 % Ready/BudgetExhausted held=Deployment/support',
      result: requeueAfter(300_000),
    },
    {
      name: 'the reset loosens: workloads restored first, the new period written once, after',
      situation: {
        status: exhaustedHoldingSupport(),
        workloads: [agentDeployment('support', { replicas: 0, heldBy: 'daily', kept: 2 })],
        ledgers: [usageLedger('support', 95)],
        now: new Date('2025-03-12T00:00:30Z'),
      },
      steps: ['register-period', 'apply-workloads'],
      settled: 'write Active 0 % Ready/WithinBudget held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'counters moved, last written 1 s ago: the write waits for the rest of the pace',
      situation: { status: statusAt(10), ledgers: [usageLedger('support', 20)] },
      outcome: { lastWriteAt: 1_000, at: 2_000 },
      steps: [],
      settled: 'paced 2000',
      result: requeueAfter(2_000),
    },
    {
      name: 'counters moved, last written 3 s ago: written now',
      situation: { status: statusAt(10), ledgers: [usageLedger('support', 20)] },
      outcome: { lastWriteAt: 0, at: 3_000 },
      steps: [],
      settled: 'write Active 22 % Ready/WithinBudget held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'counters moved, never written by this process (a new leader): written now',
      situation: { status: statusAt(10), ledgers: [usageLedger('support', 20)] },
      outcome: { lastWriteAt: undefined, at: 2_000 },
      steps: [],
      settled: 'write Active 22 % Ready/WithinBudget held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'a crossing 1 s after the last write is not paced',
      situation: {
        status: statusAt(10),
        annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` },
        ledgers: [usageLedger('support', 70)],
      },
      outcome: { lastWriteAt: 1_000, at: 2_000 },
      steps: [],
      settled: 'write Warning 77 % Ready/ThresholdReached held=-',
      result: requeueAfter(300_000),
    },
    {
      name: 'paced just before the reset: look again at the reset',
      situation: {
        status: statusAt(10),
        ledgers: [usageLedger('support', 20)],
        now: new Date('2025-03-11T23:59:59Z'),
      },
      outcome: { lastWriteAt: 1_000, at: 2_000 },
      steps: [],
      settled: 'paced 2000',
      result: requeueAfter(1_000),
    },
    {
      name: 'two minutes before the reset: look again at the reset, not in five minutes',
      situation: {
        status: statusAt(10),
        ledgers: [usageLedger('support', 10)],
        now: new Date('2025-03-11T23:58:00Z'),
      },
      steps: [],
      settled: 'write Active 11 % Ready/WithinBudget held=-',
      result: requeueAfter(120_000),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = enforced(c.situation);
      assert.deepEqual(
        plan.steps.map((s) => s.step),
        c.steps,
      );
      const published = plan.steps.find((s) => s.step === 'publish-crossing');
      assert.equal(published && 'status' in published ? said(published.status) : undefined, c.published);
      const settled = settleTokenBudget(
        plan,
        { conflicts: [], lastWriteAt: undefined, at: 0, ...c.outcome },
        pacing,
      );
      assert.equal(
        'write' in settled ? `write ${said(settled.write)}` : `paced ${settled.pacedMs}`,
        c.settled,
      );
      assert.deepEqual(settled.result, c.result);
    });
  }
});

describe('settleTokenBudget after a workload changed under the plan', () => {
  it('writes Reconciling (WorkloadsChanging) at once, whatever the pace, and looks again in 250 ms', () => {
    const plan = enforced({
      status: statusAt(70),
      annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` },
      ledgers: [usageLedger('support', 95)],
    });
    const apply = plan.steps.find((s) => s.step === 'apply-workloads');
    assert.ok(apply && 'changes' in apply);
    const settled = settleTokenBudget(
      plan,
      { conflicts: apply.changes, lastWriteAt: 1_000, at: 1_500 },
      pacing,
    );
    assert.ok('write' in settled);
    assert.equal(
      said(settled.write),
      'Exhausted 104 % Reconciling/WorkloadsChanging held=Deployment/support',
    );
    assert.match(
      settled.write.conditions?.find((c) => c.type === 'Reconciling')?.message ?? '',
      /^Deployment support changed while being acted on/,
    );
    assert.deepEqual(settled.result, requeueAfter(250));
  });
});

describe('planTokenBudget: the forecast', () => {
  const forecastSpec = { ...spec, forecast: { alertPercent: 60 } };
  const plan = (calls: number, annotations?: Record<string, string>) => {
    const built = planTokenBudget({
      ...view({ ledgers: [usageLedger('support', calls)] }),
      budget: tokenBudget({ spec: forecastSpec, ...(annotations ? { annotations } : {}) }),
    });
    assert.equal(built.kind, 'enforce');
    return built as EnforcedBudget;
  };

  it('at noon, 33 % used is on course to 66 %: status, gauge and one forecast alert this period', () => {
    const enforcedPlan = plan(30);
    assert.deepEqual(
      enforcedPlan.steps.map((s) => s.step),
      ['send-forecast-alert'],
    );
    const settled = settleTokenBudget(enforcedPlan, { conflicts: [], lastWriteAt: undefined, at: 0 }, pacing);
    assert.ok('write' in settled);
    assert.deepEqual(settled.write.forecast, {
      percent: 66,
      tokens: 6600,
      method: 'Linear',
      aboveAlert: true,
    });
    assert.equal(enforcedPlan.gauges.forecastPercent, 66);
    assert.equal(settled.write.phase, 'Active', 'a forecast alerts; it does not change the phase');
  });

  it('sends no second forecast alert in the same period, and none below the alert percent', () => {
    assert.deepEqual(
      plan(30, { [FORECAST_ALERTED_ANNOTATION]: PERIOD_START }).steps.map((s) => s.step),
      [],
    );
    const below = plan(20);
    assert.deepEqual(
      below.steps.map((s) => s.step),
      [],
    );
    const settled = settleTokenBudget(below, { conflicts: [], lastWriteAt: undefined, at: 0 }, pacing);
    assert.ok('write' in settled);
    assert.equal(settled.write.forecast?.aboveAlert, false);
  });
});

describe('planTokenBudget', () => {
  it('a period that cannot be computed: Stalled, naming the field, and nothing else done', () => {
    const budget = tokenBudget({
      status: statusAt(10),
      spec: { ...spec, period: { reset: 'Daily', timeZone: 'Mars/Olympus_Mons' } },
    });
    const plan = planTokenBudget({ ...view({}), budget });
    assert.equal(plan.kind, 'stalled');
    assert.ok(plan.kind === 'stalled');
    const stalled = plan.status.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'InvalidPeriod');
    assert.match(stalled?.message ?? '', /^spec\.period: /);
    // The counters of the last good reconcile stay.
    assert.equal(plan.status.percent, 11);
  });

  it('registers the period in ledgers that do not track it, or last wanted it over a day ago', () => {
    const registered = (now: Date) => {
      const plan = enforced({
        workloads: [agentDeployment('support'), agentDeployment('triage')],
        ledgers: [usageLedger('support', 10)],
        now,
      });
      const register = plan.steps.find((s) => s.step === 'register-period');
      assert.ok(register && 'registrations' in register);
      return register.registrations.map((r) =>
        'create' in r ? `create ${r.create.metadata?.name}` : `update ${r.update.metadata?.name}`,
      );
    };
    assert.deepEqual(registered(NOON), ['create triage']);
    assert.deepEqual(registered(new Date('2025-03-12T06:00:00Z')), ['update support', 'create triage']);
  });

  it('publishes nothing when the crossing has nothing slower behind it (Degrade only)', () => {
    const plan = enforced({
      status: statusAt(10),
      ledgers: [usageLedger('support', 70)],
      annotations: { [ALERTS_SENT_ANNOTATION]: `${PERIOD_START}=75` },
    });
    assert.deepEqual(plan.carried, statusAt(10));
  });
});
