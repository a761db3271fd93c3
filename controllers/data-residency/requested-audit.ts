// When an audit someone asked for is due (pure): the admission webhook asks for one when it admits
// a workload a policy objects to (Audit and Warn modes), so that the policy's status lists it in
// seconds rather than at the next periodic audit. Two numbers shape it:
// - settle: an audit runs no sooner than `settleMs` after the request, since the webhook answers
//   before the API server stores the object — an audit at once could list the namespace without it;
// - spacing: audits of one policy start at least `spacingMs` apart, so a burst of admissions (a
//   Deployment, its ReplicaSet, each Pod) costs one audit, or two, rather than one per object.
// A request is covered by an audit that starts at or after its settle time; one made while an audit
// runs is not covered by that audit and gets the next.

export interface AuditRequestTiming {
  settleMs: number;
  spacingMs: number;
}

export const AUDIT_REQUEST_TIMING: AuditRequestTiming = { settleMs: 2_000, spacingMs: 5_000 };

/** What is known of one policy's requests and audits (epoch milliseconds). */
export interface RequestedAudit {
  /** Settle time of the oldest request no audit covers yet; undefined when none is outstanding. */
  since?: number;
  /** Settle time of the newest request. */
  latest?: number;
  /** Start of the last audit. */
  lastAuditAt?: number;
}

/** The state after a request at `now`. */
export function withRequest(state: RequestedAudit, now: number, timing: AuditRequestTiming): RequestedAudit {
  const wanted = now + timing.settleMs;
  return {
    ...state,
    since: state.since ?? wanted,
    latest: state.latest === undefined ? wanted : Math.max(state.latest, wanted),
  };
}

/** The state after an audit started at `at`: requests settled by then are covered. */
export function withAudit(state: RequestedAudit, at: number): RequestedAudit {
  if (state.latest === undefined || state.latest <= at) return { lastAuditAt: at };
  // Some request settles after this audit started: the next audit is for it (spacing decides when).
  return { since: at, latest: state.latest, lastAuditAt: at };
}

/** Milliseconds until a requested audit is due (0: now), or undefined when none is outstanding. */
export function requestedAuditIn(
  state: RequestedAudit,
  now: number,
  timing: AuditRequestTiming,
): number | undefined {
  if (state.since === undefined) return undefined;
  const spaced = state.lastAuditAt === undefined ? state.since : state.lastAuditAt + timing.spacingMs;
  return Math.max(0, Math.max(state.since, spaced) - now);
}
