// The leader-election rule on a coordination.k8s.io/v1 Lease, as a pure function. Expiry is judged
// by this process's own clock — how long since it last saw the lease record change — never by
// comparing timestamps written by another machine, so clock skew between replicas does not matter
// (client-go does the same).

export interface LeaseRecord {
  holderIdentity?: string | undefined;
  leaseDurationSeconds?: number | undefined;
  leaseTransitions?: number | undefined;
}

export interface LeaseObservation {
  /** The record (holder, renewTime, …) as last read, serialised; a change restarts the expiry clock. */
  record: string;
  /** When this process first saw that record (monotonic ms). */
  seenAt: number;
}

export type LeaseAction =
  | { kind: 'create' }
  /** We hold it: write a fresh renewTime. */
  | { kind: 'renew' }
  /** Free (released) or expired: take it over. */
  | { kind: 'acquire'; previousHolder: string | undefined }
  /** Someone else holds it and it has not expired by our clock. */
  | { kind: 'wait'; holder: string; expiresInMs: number };

export interface LeaseDecisionInput {
  /** Undefined when the Lease does not exist. */
  lease: LeaseRecord | undefined;
  observation: LeaseObservation | undefined;
  identity: string;
  /** Monotonic ms. */
  now: number;
  /** Our own lease duration, used when the record names none. */
  leaseDurationMs: number;
}

export function decideLease(input: LeaseDecisionInput): LeaseAction {
  const { lease } = input;
  if (!lease) return { kind: 'create' };
  const holder = lease.holderIdentity || undefined;
  if (holder === input.identity) return { kind: 'renew' };
  if (!holder) return { kind: 'acquire', previousHolder: undefined };
  const durationMs =
    lease.leaseDurationSeconds && lease.leaseDurationSeconds > 0
      ? lease.leaseDurationSeconds * 1000
      : input.leaseDurationMs;
  const seenAt = input.observation?.seenAt ?? input.now;
  const expiresInMs = seenAt + durationMs - input.now;
  if (expiresInMs > 0) return { kind: 'wait', holder, expiresInMs };
  return { kind: 'acquire', previousHolder: holder };
}

/**
 * The observation after reading `record` at `now`: the expiry clock restarts only when the record
 * changed since the last read (the holder renewed), otherwise it keeps running.
 */
export function observe(
  previous: LeaseObservation | undefined,
  record: string,
  now: number,
): LeaseObservation {
  if (previous && previous.record === record) return previous;
  return { record, seenAt: now };
}
