// Whether an AgentSLO's SwitchToFallback is in force (docs/adr/0040-fast-burn-switch-and-hysteresis.md).
// Pure: the last status, this evaluation's fast burn and the clock decide.
//   on:  at the first evaluation that reports fast burn (so within the round trip of the ledger write)
//   off: once fast burn has stayed cleared for `switchBackAfter` — a fast burn that returns in that
//        time keeps the switch and forgets when it cleared, so a flapping SLO never flaps the traffic.
// An SLO without SwitchToFallback among its actions holds no switch; one that cannot be measured
// counts as not burning (its switch, if any, is lifted after the dwell).

/** `status.switchedToFallback` of an AgentSLO. */
export interface SwitchedToFallback {
  since: string;
  fastBurnClearedAt?: string;
}

export interface FallbackSwitchInput {
  /** The switch in the last status, if any. */
  previous: SwitchedToFallback | undefined;
  /** `onFastBurn.actions` includes SwitchToFallback. */
  configured: boolean;
  /** This evaluation's fast burn (false when the SLO cannot be measured). */
  fastBurn: boolean;
  switchBackAfterMs: number;
  now: Date;
}

export interface FallbackSwitchDecision {
  /** The switch to write in status; undefined when the calls go to the first target. */
  switched: SwitchedToFallback | undefined;
  /** A change of the traffic that deserves an Event. */
  transition?: 'SwitchedToFallback' | 'SwitchedBack';
  /** Evaluate again this soon to lift the switch on time (the dwell left), when one is pending. */
  recheckAfterMs?: number;
}

export function fallbackSwitch(input: FallbackSwitchInput): FallbackSwitchDecision {
  const { previous, now } = input;
  if (!input.configured) {
    return previous ? { switched: undefined, transition: 'SwitchedBack' } : { switched: undefined };
  }
  if (input.fastBurn) {
    if (!previous) return { switched: { since: now.toISOString() }, transition: 'SwitchedToFallback' };
    return { switched: { since: previous.since } };
  }
  if (!previous) return { switched: undefined };
  const clearedAt = previous.fastBurnClearedAt ?? now.toISOString();
  const cleared = Date.parse(clearedAt);
  const heldMs = Number.isFinite(cleared) ? now.getTime() - cleared : input.switchBackAfterMs;
  if (heldMs >= input.switchBackAfterMs) return { switched: undefined, transition: 'SwitchedBack' };
  return {
    switched: { since: previous.since, fastBurnClearedAt: clearedAt },
    recheckAfterMs: Math.max(1, input.switchBackAfterMs - heldMs),
  };
}
