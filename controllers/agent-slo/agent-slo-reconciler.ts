// Reconciles one AgentSLO: the ledgers of the selected agents summed, evaluated by the pure SLO
// math beside it (slo-evaluation.ts: SLIs, error budget, burn rates over 5m … 3d, fast burn with
// hysteresis from the last status), the status written only when it changed, the PrometheusRule
// kept when its CRD exists, and the gauges. Requeues periodically: burn rates move with time even
// without new usage.
import { workloadResources } from '../../agents/agent-workload.js';
import { agentSLOs, agentUsageLedgers } from '../../agents/governor-resources.js';
import { agentNames, selectedWorkloads } from '../../agents/selected-agents.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import { parseDuration } from '../../apis/duration.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { sumLedgers } from '../../apis/ledger/sum-ledgers.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject, ObjectKey } from '../../runtime/kube/kube-object.js';
import { type ConditionDecision, nextConditions } from '../kstatus/conditions.js';
import { actOnDrift } from './drift-actions.js';
import { type DriftEvaluation, evaluateDrift } from './drift-evaluation.js';
import type { DriftMetrics } from './drift-metrics.js';
import { fallbackSwitch } from './fallback-switch.js';
import { prometheusRule } from './prometheus-rule.js';
import type { PrometheusRuleSync } from './prometheus-rule-sync.js';
import { evaluateSLO } from './slo-evaluation.js';
import type { SLOMetrics } from './slo-metrics.js';
import { type AgentSLOStatus, sloStatus } from './slo-status.js';

/** `onFastBurn.switchBackAfter` when a stored object predates the field. */
const DEFAULT_SWITCH_BACK_AFTER = '5m';

/** Condition type telling whether the SLO's PrometheusRule is in place. */
export const RULES_CONDITION = 'PrometheusRuleReady';

export interface SLOReconcilerOptions {
  metrics: SLOMetrics;
  drift: DriftMetrics;
  /** Alert delivery tuning (tests shorten the backoff). */
  delivery?: { attempts?: number; firstBackoffMs?: number; timeoutMs?: number };
  rules: PrometheusRuleSync;
  /** How often an SLO is evaluated again without a change. */
  periodMs: number;
}

export async function reconcileAgentSLO(
  key: ObjectKey,
  context: ReconcileContext,
  options: SLOReconcilerOptions,
): Promise<ReconcileResult> {
  const slo = context.cache(agentSLOs).get(key);
  if (!slo || slo.metadata.deletionTimestamp) {
    options.metrics.forget(key);
    options.drift.forget(key);
    return done;
  }
  const namespace = key.namespace ?? '';
  const now = context.now();
  const objects: KubeObject[] = Object.entries(workloadResources).flatMap(([kind, resource]) =>
    context
      .cache(resource)
      .list(namespace)
      .map((object) => ({ ...object, kind })),
  );
  const agents = agentNames(selectedWorkloads(objects, namespace, slo.spec.agentSelector));
  const agentLedgers = agents.flatMap((agent) => {
    const ledger = context.cache(agentUsageLedgers).get({ namespace, name: ledgerName(agent) })?.spec;
    return ledger ? [{ agent, ledger }] : [];
  });
  const ledgers: UsageLedgerSpec[] = agentLedgers.map((a) => a.ledger);
  const evaluation = evaluateSLO(slo.spec, sumLedgers(ledgers, now), now, slo.status?.fastBurn === true);
  const status = sloStatus({
    spec: slo.spec,
    ...(slo.metadata.generation !== undefined ? { generation: slo.metadata.generation } : {}),
    evaluation,
    agents: agents.length,
    ...(slo.status ? { previous: slo.status as AgentSLOStatus } : {}),
    now,
  });
  const onFastBurn = slo.spec.onFastBurn;
  const fallback = fallbackSwitch({
    previous: slo.status?.switchedToFallback,
    configured: onFastBurn?.actions.includes('SwitchToFallback') === true,
    fastBurn: status.fastBurn === true,
    switchBackAfterMs: switchBackAfterMs(onFastBurn?.switchBackAfter),
    now,
  });
  if (fallback.switched) status.switchedToFallback = fallback.switched;
  const drift = slo.spec.drift
    ? evaluateDrift(slo.spec.drift, agentLedgers, now, slo.status?.drift)
    : undefined;
  if (drift?.ok) status.drift = drift.status;
  const rules = await syncRules(slo, agents, context, options.rules);
  status.conditions = [
    ...(status.conditions ?? []),
    ...nextConditions(
      slo.status?.conditions,
      drift ? [rules, driftCondition(drift)] : [rules],
      slo.metadata.generation,
      now,
    ),
  ];
  const wrote = await new PlanExecutor(context).writeStatus({
    resource: agentSLOs,
    key,
    current: slo.status,
    next: status,
  });
  if (wrote) {
    if (status.fastBurn !== (slo.status?.fastBurn === true)) {
      const note = status.conditions.find((c) => c.type === 'FastBurn')?.message ?? '';
      if (status.fastBurn) context.events.warning(slo, 'FastBurn', note, 'FastBurn');
      else context.events.normal(slo, 'FastBurnCleared', note, 'FastBurn');
    }
    if (fallback.transition) switchEvent(slo, fallback.transition, onFastBurn, context);
    if (drift?.ok && drift.transitions.length > 0) {
      const since = new Map(drift.status.agents.map((a) => [a.agent, a.since]));
      await actOnDrift(
        slo,
        drift.transitions,
        { since: (agent) => since.get(agent) },
        { context, ...(options.delivery ? { delivery: options.delivery } : {}) },
      );
    }
  }
  if (drift?.ok && slo.spec.drift) options.drift.observe(key, slo.spec.drift.statistic, drift.scores);
  else options.drift.forget(key);
  options.metrics.fallback(key, fallback.switched !== undefined);
  if (evaluation.ok) {
    options.metrics.observe(key, {
      errorBudgetRemaining: evaluation.errorBudgetRemaining,
      burnRates: evaluation.burnRates,
    });
  } else {
    options.metrics.forget(key);
  }
  return requeueAfter(Math.min(options.periodMs, fallback.recheckAfterMs ?? options.periodMs));
}

/** Condition type telling whether a selected agent drifts from its baseline (with spec.drift only). */
export const DRIFT_CONDITION = 'Drifting';

function driftCondition(drift: DriftEvaluation): ConditionDecision {
  const type = DRIFT_CONDITION;
  if (!drift.ok) return { type, status: 'Unknown', reason: drift.reason, message: drift.message };
  const drifting = drift.status.agents.filter((a) => a.drifting.length > 0);
  if (drifting.length === 0) {
    return {
      type,
      status: 'False',
      reason: 'NoDrift',
      message: 'No selected agent drifts from its baseline.',
    };
  }
  return {
    type,
    status: 'True',
    reason: 'DriftDetected',
    message: drifting.map((a) => `${a.agent}: ${a.drifting.join(', ')}`).join('; '),
  };
}

function switchBackAfterMs(text: string | undefined): number {
  const ms = parseDuration(text ?? DEFAULT_SWITCH_BACK_AFTER);
  return Number.isFinite(ms) && ms > 0 ? ms : parseDuration(DEFAULT_SWITCH_BACK_AFTER);
}

function switchEvent(
  slo: AgentSLO,
  transition: 'SwitchedToFallback' | 'SwitchedBack',
  onFastBurn: AgentSLO['spec']['onFastBurn'],
  context: ReconcileContext,
): void {
  const routes = onFastBurn?.fallbackRouteRef
    ? `route ${onFastBurn.fallbackRouteRef.name}`
    : 'every route of the selected agents';
  if (transition === 'SwitchedToFallback') {
    context.events.warning(
      slo,
      transition,
      `Fast burn: calls on ${routes} now go to the next target first.`,
      'SwitchToFallback',
    );
  } else {
    context.events.normal(
      slo,
      transition,
      `Fast burn cleared for ${onFastBurn?.switchBackAfter ?? DEFAULT_SWITCH_BACK_AFTER} (or SwitchToFallback removed): calls on ${routes} go to the first target again.`,
      'SwitchToFallback',
    );
  }
}

async function syncRules(
  slo: AgentSLO,
  agents: readonly string[],
  context: ReconcileContext,
  sync: PrometheusRuleSync,
): Promise<ConditionDecision> {
  const type = RULES_CONDITION;
  if (slo.spec.prometheusRule?.enabled === false) {
    return {
      type,
      status: 'False',
      reason: 'Disabled',
      message: 'spec.prometheusRule.enabled is false: no rules generated.',
    };
  }
  let rule: ReturnType<typeof prometheusRule>;
  try {
    rule = prometheusRule({
      slo: {
        metadata: {
          name: slo.metadata.name ?? '',
          namespace: slo.metadata.namespace ?? '',
          uid: slo.metadata.uid ?? '',
        },
        spec: slo.spec,
      },
      agents,
    });
  } catch (err) {
    return { type, status: 'False', reason: 'InvalidObjective', message: (err as Error).message };
  }
  const outcome = await sync.sync(context.client, rule);
  if (outcome === 'no-crd') {
    return {
      type,
      status: 'False',
      reason: 'CRDNotInstalled',
      message:
        'The prometheusrules.monitoring.coreos.com CRD is not installed, so no PrometheusRule was generated; ' +
        'install the Prometheus Operator CRDs to get recording rules and burn-rate alerts.',
    };
  }
  return {
    type,
    status: 'True',
    reason: 'RulesInPlace',
    message: `PrometheusRule ${rule.metadata.name} holds the recording rules and burn-rate alerts for ${agents.length} agent(s).`,
  };
}
