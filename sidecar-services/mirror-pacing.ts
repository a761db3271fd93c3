// How soon an agent's policy mirror is rewritten after a publish. The mirror is the fail-static
// start of sidecars when the operator is down (and where a restarted operator takes its versions
// from), so what changes what a sidecar enforces — a phase, an action, a route, a limit — is written
// promptly. Usage counters change with every usage report, though: rewriting a ConfigMap per agent
// at each report multiplies the API server's writes (and etcd's) by the number of agents a budget
// selects, for counts a starting sidecar does not need to the second. Those wait, coalesced. Pure.
import type { EffectivePolicy } from '../apis/effective-policy.js';

/** The mirror pauses: after a change that matters at once, and after a change of counters only. */
export interface MirrorPacing {
  /** Least time between two writes of one agent's mirror; default 200 ms. */
  promptMs: number;
  /** Delay of a write that only moves usage counters; default 30 s. */
  countersMs: number;
}

export const defaultMirrorPacing: MirrorPacing = { promptMs: 200, countersMs: 30_000 };

/** What of a policy must reach the mirror promptly: all but its version, time and usage counters. */
export function promptContent(policy: EffectivePolicy): string {
  const { version: _version, generatedAt: _generatedAt, budgets, ...rest } = policy;
  return JSON.stringify({
    ...rest,
    budgets: budgets.map(({ usedTokens: _tokens, usedCostMicros: _cost, ...budget }) => budget),
  });
}

/**
 * The pause before writing `policy` to a mirror whose last write held `written` (its
 * promptContent; undefined when this process has not written it): prompt unless only counters moved.
 * Counter writes are spread over countersMs ± 50 % (`random` in [0, 1)), so the mirrors of every
 * agent a busy period touched do not all come due in the same second.
 */
export function mirrorDelay(
  written: string | undefined,
  policy: EffectivePolicy | undefined,
  pacing: MirrorPacing,
  random = 0.5,
): number {
  if (policy === undefined || written === undefined) return pacing.promptMs;
  if (promptContent(policy) !== written) return pacing.promptMs;
  return Math.round(pacing.countersMs * (0.5 + random));
}
