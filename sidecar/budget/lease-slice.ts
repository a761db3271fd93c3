// The slice of a token budget this sidecar holds (docs/adr/0062-budget-leases.md): what is left of
// it, what the budget has used as the services last said, when to ask again, the rate asked with.
// Pure: the effects are budget-leases.ts (asking) and the gate (admitting against the slice).

/** A lease as held: the services' answer placed on this sidecar's clock and counts. */
export interface HeldLease {
  /** Tokens this sidecar may use from the ask on, calls in flight at the ask included. */
  granted: number;
  /** The ledger's running total of settled tokens sent with the ask. */
  settledAtAsk: number;
  askedAt: number;
  expiresAt: number;
  /** The budget's usage as the services counted it at the ask (every holder's reports, the operator's count). */
  counted: number;
  /** The period the slice belongs to (the policy's `periodEnd`). */
  periodEnd: string;
  /** Ask again once the room left falls below this (`lowWater` at the ask). */
  lowWater: number;
  /**
   * The last ask failed (the services or the store are away): the slice no longer limits calls —
   * the local rule of the last policy does, as with the operator away — but the count still holds.
   */
  failing?: boolean;
}

/** Renew once half the lease time is gone, or when the slice left covers less than half a second of calls. */
const RENEW_AT_FRACTION = 0.5;
const RENEW_WITHIN_MS = 500;

/** Tokens of the slice a new call may still reserve. */
export function sliceRoom(lease: HeldLease, settled: number, reserved: number): number {
  return lease.granted - (settled - lease.settledAtAsk) - reserved;
}

/** The budget's usage as far as this sidecar knows with the lease: the services' count, plus its own since. */
export function leaseUsedTokens(lease: HeldLease, settled: number): number {
  return lease.counted + Math.max(0, settled - lease.settledAtAsk);
}

/** Whether to ask for a slice now. */
export function renewalDue(
  lease: HeldLease | undefined,
  now: number,
  use: { settled: number; reserved: number; ratePerSecond: number; callTokens: number },
): boolean {
  if (!lease) return true;
  if (now >= lease.askedAt + (lease.expiresAt - lease.askedAt) * RENEW_AT_FRACTION) return true;
  return sliceRoom(lease, use.settled, use.reserved) < lowWater(use.callTokens, use.ratePerSecond);
}

/** The room below which a slice is renewed: two of the largest calls, or half a second of the rate. */
export function lowWater(callTokens: number, ratePerSecond: number): number {
  return Math.max(2 * callTokens, (ratePerSecond * RENEW_WITHIN_MS) / 1000);
}

/** Tokens a second, smoothed: half the last rate, half what was settled and reserved since. */
export function nextRate(previous: number, usedSince: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return previous;
  return previous / 2 + (Math.max(0, usedSince) * 1000) / elapsedMs / 2;
}
