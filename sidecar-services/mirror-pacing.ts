// How soon an agent's policy mirror is rewritten after a publish. The mirror is the fail-static
// start of sidecars when the operator is down (and where a restarted operator takes its versions
// from), and with a services Deployment the way every policy reaches the replicas (ADR 0061). So
// what changes what a sidecar enforces — a phase, an action, a route, a limit — is written at once,
// unless the agent's mirror was written less than promptMs ago: then when that much time has passed
// (ADR 0076). Usage counters change with every usage report, though: rewriting a ConfigMap per
// agent at each report multiplies the API server's writes (and etcd's) by the number of agents a
// budget selects, for counts a starting sidecar does not need to the second. Those wait, coalesced.
// Pure.
import type { EffectivePolicy } from '../apis/effective-policy.js';

/** The mirror pauses: after a change that matters at once, and after a change of counters only. */
export interface MirrorPacing {
  /** Least time between the starts of two writes of one agent's mirror; default 200 ms. */
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

/** Where the agent's mirror stands when a publish is scheduled. */
export interface MirrorMoment {
  /** Time since this process last started a write of the mirror; Infinity when it never did. */
  sinceWriteMs: number;
  /** In [0, 1): where in countersMs ± 50 % a counters-only write falls. */
  random: number;
}

/**
 * The pause before writing `policy` to a mirror whose last write held `written` (its
 * promptContent; undefined when this process has not written it). Prompt unless only counters
 * moved: at once, or what is left of promptMs since the last write began (a burst of changes is
 * one write now and one at the end). Counter writes are spread over countersMs ± 50 %, so the
 * mirrors of every agent a busy period touched do not all come due in the same second.
 */
export function mirrorDelay(
  written: string | undefined,
  policy: EffectivePolicy | undefined,
  pacing: MirrorPacing,
  moment: Partial<MirrorMoment> = {},
): number {
  const prompt = Math.max(0, Math.ceil(pacing.promptMs - (moment.sinceWriteMs ?? Number.POSITIVE_INFINITY)));
  if (policy === undefined || written === undefined) return prompt;
  if (promptContent(policy) !== written) return prompt;
  return Math.round(pacing.countersMs * (0.5 + (moment.random ?? 0.5)));
}
