// One AgentSLO as one agent's sidecar applies it: the latency threshold and failure outcomes (so
// the sidecar labels its histograms the same way), and — while the AgentSLO controller reports a
// fast burn in status — the configured actions. SwitchToFallback follows `status.switchedToFallback`
// instead, which outlasts the fast burn by the SLO's switch-back dwell (docs/adr/0040). Shedding
// never applies to a critical agent. Pure.
import type { AgentSLO } from '../../apis/agent-slo.js';
import { parseDuration } from '../../apis/duration.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';

export type EffectiveSLO = EffectivePolicy['slos'][number];

export function agentSLOPolicy(slo: AgentSLO, critical: boolean): EffectiveSLO {
  const name = `${slo.metadata?.namespace}/${slo.metadata?.name}`;
  const latency = slo.spec.objectives.latency;
  const onFastBurn = slo.spec.onFastBurn;
  const burning = slo.status?.fastBurn === true;
  const switched = slo.status?.switchedToFallback !== undefined;
  const actions = (onFastBurn?.actions ?? []).filter((a) => {
    if (a === 'SwitchToFallback') return switched;
    return burning && !(critical && a === 'ShedNonCritical');
  });
  const result: EffectiveSLO = {
    name,
    countAsFailure: [...(slo.spec.objectives.success?.countAsFailure ?? ['ServerError', 'Timeout'])],
    fastBurnActions: actions,
  };
  if (latency) {
    const ms = parseDuration(latency.threshold);
    if (!Number.isFinite(ms) || ms < 1) {
      throw new Error(
        `AgentSLO ${name}: spec.objectives.latency.threshold must be a duration of 1ms or more, got ${JSON.stringify(latency.threshold)}`,
      );
    }
    result.latencyThresholdMs = Math.round(ms);
  }
  if (actions.includes('SwitchToFallback') && onFastBurn?.fallbackRouteRef) {
    result.fallbackRoute = onFastBurn.fallbackRouteRef.name;
  }
  if (actions.includes('LowerReasoningBudget') && onFastBurn?.reasoningBudgetPercent !== undefined) {
    result.reasoningBudgetPercent = onFastBurn.reasoningBudgetPercent;
  }
  return result;
}
