import type { EffectiveRoute, EffectiveTarget } from '../../apis/effective-policy.js';

/** What residency says about one target (the shape of `apis/residency-decision.ts`). */
export type TargetResidency =
  | { allowed: true }
  | { allowed: false; mode: 'Enforce' | 'Warn' | 'Audit'; policy: string; region?: string; message: string };

export interface PlannedTarget {
  target: EffectiveTarget;
  /** Model to call at this target. */
  model: string;
}

export interface AttemptPlan {
  targets: PlannedTarget[];
  /** Targets left out, as `name:reason` (reported in x-governor-fallback-reason when another answers). */
  skipped: string[];
  /** Residency Warn/Audit findings on targets that stay in the plan. */
  warnings: string[];
  /** An SLO's SwitchToFallback put the first target last (docs/adr/0040-fast-burn-switch-and-hysteresis.md). */
  switched?: boolean;
  /** Set when residency (Enforce) leaves no target: the call is refused with 403. */
  refusal?: { policy: string; region?: string; message: string };
}

/**
 * The targets to try, in order, and the model to ask each for. Pure: the route, the degraded model
 * (when a budget's Degrade is in force) and the residency verdict of each target decide.
 * - Normally each target gets its own `model`, else the model the agent asked for.
 * - Degraded, every target gets the degraded model, and only `degradeTo.target` when the route names one.
 * - Switched to fallback (an SLO's fast burn), the first target goes last: calls go to the next
 *   target first, and the first stays as a last resort rather than leaving the agent without one.
 * - A target residency refuses in Enforce mode is left out; Warn and Audit keep it and note why.
 */
export function attemptPlan(
  route: EffectiveRoute,
  requestedModel: string,
  degradedModel: string | undefined,
  residency: (target: EffectiveTarget) => TargetResidency,
  switched = false,
): AttemptPlan {
  const plan: AttemptPlan = { targets: [], skipped: [], warnings: [] };
  let candidates = route.targets;
  if (degradedModel !== undefined && route.degradeTo?.target) {
    const only = route.targets.filter((t) => t.name === route.degradeTo?.target);
    if (only.length > 0) candidates = only;
  }
  if (switched && candidates.length > 1) {
    const [first, ...rest] = candidates;
    candidates = first ? [...rest, first] : rest;
    plan.switched = true;
  }
  let firstRefusal: AttemptPlan['refusal'];
  for (const target of candidates) {
    const verdict = residency(target);
    if (!verdict.allowed) {
      if (verdict.mode === 'Enforce') {
        plan.skipped.push(`${target.name}:Residency`);
        firstRefusal ??= {
          policy: verdict.policy,
          message: verdict.message,
          ...(verdict.region !== undefined ? { region: verdict.region } : {}),
        };
        continue;
      }
      plan.warnings.push(`residency-${verdict.mode.toLowerCase()}:${verdict.policy}:${target.name}`);
    }
    plan.targets.push({ target, model: degradedModel ?? target.model ?? requestedModel });
  }
  if (plan.targets.length === 0 && firstRefusal) plan.refusal = firstRefusal;
  return plan;
}
