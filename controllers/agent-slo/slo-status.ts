import type { z } from 'zod';
import { type AgentSLOSpec, type agentSLOStatus, BURN_RATE_WINDOWS } from '../../apis/agent-slo.js';
import {
  type ConditionDecision,
  type Health,
  kstatusConditions,
  nextConditions,
} from '../kstatus/conditions.js';
import { FAST_BURN } from './burn-rate-alerts.js';
import { formatMs } from './latency-threshold.js';
import type { SLOEvaluation } from './slo-evaluation.js';

export type AgentSLOStatus = z.infer<typeof agentSLOStatus>;

/** Condition type that is True while the fast-burn actions are applied (`kubectl wait --for=condition=FastBurn`). */
export const FAST_BURN_CONDITION = 'FastBurn';

export interface SLOStatusInput {
  spec: Pick<AgentSLOSpec, 'window' | 'objectives' | 'onFastBurn'>;
  /** `metadata.generation` the status describes. */
  generation?: number;
  evaluation: SLOEvaluation;
  /** How many agents the SLO selects, for the message. */
  agents: number;
  previous?: AgentSLOStatus;
  /** Overrides the verdict, e.g. Stalled for a cross-object problem found by the reconciler. */
  health?: Health;
  now: Date;
}

/**
 * The AgentSLO status: observed latency at the target percentile, good / success percentages and the
 * error budget left over the window, burn rates over 5m … 3d, fast burn, and conditions (kstatus
 * `Ready`, plus `FastBurn`). An SLO that cannot be measured is Stalled, with no numbers and no fast
 * burn, so its actions are reverted.
 */
export function sloStatus(input: SLOStatusInput): AgentSLOStatus {
  const { evaluation: e, generation, now } = input;
  const conditionsOf = (health: Health, fastBurn: boolean, why: string) =>
    nextConditions(
      input.previous?.conditions,
      [...kstatusConditions(health), fastBurnCondition(fastBurn, why)],
      generation,
      now,
    );
  const observedGeneration = generation !== undefined ? { observedGeneration: generation } : {};
  if (!e.ok) {
    const health: Health = input.health ?? { state: 'Stalled', reason: e.reason, message: e.message };
    return {
      fastBurn: false,
      conditions: conditionsOf(health, false, 'not measured'),
      ...observedGeneration,
    };
  }
  const status: AgentSLOStatus = {
    ...(e.latency
      ? {
          latency: {
            ...(e.latency.observed
              ? {
                  observed: e.latency.observed.overflow
                    ? `> ${formatMs(e.latency.observed.ms)}`
                    : formatMs(e.latency.observed.ms),
                }
              : {}),
            ...(e.latency.goodRatio !== undefined ? { goodPercent: percentText(e.latency.goodRatio) } : {}),
          },
        }
      : {}),
    ...(e.success
      ? {
          success:
            e.success.goodRatio !== undefined ? { observedPercent: percentText(e.success.goodRatio) } : {},
        }
      : {}),
    errorBudgetRemainingPercent: percentText(e.errorBudgetRemaining),
    burnRates: BURN_RATE_WINDOWS.map((window) => ({ window, rate: e.burnRates[window].toFixed(2) })),
    fastBurn: e.fastBurn,
  };
  const health = input.health ?? readyHealth(input, e);
  const rates = `${e.burnRates[FAST_BURN.long].toFixed(1)}× over 1h, ${e.burnRates[FAST_BURN.short].toFixed(1)}× over 5m`;
  return { ...status, conditions: conditionsOf(health, e.fastBurn, rates), ...observedGeneration };
}

function fastBurnCondition(burning: boolean, rates: string): ConditionDecision {
  return burning
    ? {
        type: FAST_BURN_CONDITION,
        status: 'True',
        reason: 'BurnRateAbove14x',
        message: `The error budget burns at ${FAST_BURN.factor}× or more (${rates}); the onFastBurn actions apply until both windows fall below.`,
      }
    : {
        type: FAST_BURN_CONDITION,
        status: 'False',
        reason: 'BurnRateBelow14x',
        message: `No fast burn (${rates}).`,
      };
}

type Evaluated = Extract<SLOEvaluation, { ok: true }>;

function readyHealth(input: SLOStatusInput, e: Evaluated): Health {
  const { spec } = input;
  const window = e.windowClipped ? `${Math.round(e.windowMs / 86_400_000)}d` : spec.window;
  const notes: string[] = [];
  if (e.windowClipped)
    notes.push(
      `the window ${spec.window} is longer than usage ledgers keep, so it is computed over ${window}`,
    );
  if (e.latency && !e.latency.exact && spec.objectives.latency)
    notes.push(
      `the threshold ${spec.objectives.latency.threshold} falls inside a latency bucket, so calls count as fast ` +
        `up to ${formatMs(e.latency.boundMs)} (the bound below): the latency SLI is conservative`,
    );
  const noted = notes.length > 0 ? ` Note: ${notes.join('; ')}.` : '';
  const calls = Math.max(e.latency?.calls ?? 0, e.success?.calls ?? 0);
  if (calls === 0) {
    return {
      state: 'Ready',
      reason: 'NoTraffic',
      message: `No calls over the last ${window} from the ${input.agents} selected agent(s) yet.${noted}`,
    };
  }
  const parts: string[] = [];
  if (e.latency && spec.objectives.latency) {
    const observed = e.latency.observed
      ? `${e.latency.observed.overflow ? '> ' : ''}${formatMs(e.latency.observed.ms)}`
      : 'n/a';
    parts.push(
      `P${spec.objectives.latency.target} ${observed} (objective ${spec.objectives.latency.threshold})`,
    );
  }
  if (e.success?.goodRatio !== undefined && spec.objectives.success)
    parts.push(
      `${percentText(e.success.goodRatio)} % success (objective ${spec.objectives.success.target} %)`,
    );
  const budget = `${percentText(e.errorBudgetRemaining)} % of the error budget left over ${window}`;
  const summary = `${parts.join(', ')}; ${budget}.`;
  const alerts = [
    ...new Set([...(e.latency?.alerts ?? []), ...(e.success?.alerts ?? [])].map((a) => a.name)),
  ];
  if (e.fastBurn) {
    const actions = spec.onFastBurn?.actions.join(', ');
    return {
      state: 'Ready',
      reason: 'FastBurn',
      message: `${summary} Fast burn: ${actions ? `${actions} applied` : 'no onFastBurn actions configured'}.${noted}`,
    };
  }
  if (e.errorBudgetRemaining < 0)
    return { state: 'Ready', reason: 'ErrorBudgetExhausted', message: `${summary}${noted}` };
  if (alerts.length > 0)
    return {
      state: 'Ready',
      reason: 'ErrorBudgetBurning',
      message: `${summary} Burn-rate alerts holding: ${alerts.join(', ')}.${noted}`,
    };
  return { state: 'Ready', reason: 'ObjectivesMet', message: `${summary}${noted}` };
}

/** 0.99623 → "99.623", 1 → "100", -0.3512 → "-35.12". */
export function percentText(ratio: number): string {
  return String(Number((ratio * 100).toFixed(3)));
}
