import { applyBatch } from '../../../apis/ledger/apply-batch.js';
import { emptyLedger } from '../../../apis/ledger/ledger-name.js';
import { LATENCY_BUCKETS_MS, type UsageEntry } from '../../../apis/usage-batch.js';
import type { UsageLedgerSpec } from '../../../apis/usage-ledger.js';

const MINUTE = 60_000;

/** Calls in one minute: how many, how many failed (ServerError), and their latency. */
export interface Minute {
  calls: number;
  failed?: number;
  /** Latency of every call, or of the slow share given by `slow`. */
  latencyMs?: number;
  /** How many calls took `slowMs` instead (default 0). */
  slow?: number;
  slowMs?: number;
}

/**
 * A ledger fed with traffic: `shape(minutesAgo)` gives the calls of each minute over the last
 * `minutes` minutes before `now` (undefined: no calls), recorded as it would arrive, in hourly batches.
 */
export function ledgerWithTraffic(
  now: Date,
  minutes: number,
  shape: (minutesAgo: number) => Minute | undefined,
) {
  let ledger: UsageLedgerSpec = emptyLedger('support');
  const last = Math.floor(now.getTime() / MINUTE) * MINUTE;
  let entries: UsageEntry[] = [];
  let sequence = 0;
  const flush = (at: number) => {
    if (entries.length === 0) return;
    sequence += 1;
    const batch = {
      apiVersion: 'governor.agents.dev/v1alpha1' as const,
      kind: 'UsageBatch' as const,
      agent: { namespace: 'agents', name: 'support' },
      instance: 'pod-a',
      sequence,
      sentAt: new Date(at).toISOString(),
      entries,
    };
    ledger = applyBatch(ledger, batch, new Date(Math.min(at, now.getTime()))).ledger;
    entries = [];
  };
  for (let ago = minutes - 1; ago >= 0; ago--) {
    const at = last - ago * MINUTE;
    const m = shape(ago);
    if (m && m.calls > 0) entries.push(minuteEntry(at, m));
    if (ago % 60 === 0) flush(at + MINUTE);
  }
  flush(now.getTime());
  return ledger;
}

function minuteEntry(at: number, m: Minute): UsageEntry {
  const latencyBuckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const slot = (ms: number) => {
    const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    return i === -1 ? LATENCY_BUCKETS_MS.length : i;
  };
  const slow = m.slow ?? 0;
  latencyBuckets[slot(m.latencyMs ?? 300)]! += m.calls - slow;
  if (slow > 0) latencyBuckets[slot(m.slowMs ?? 2500)]! += slow;
  const failed = m.failed ?? 0;
  return {
    minute: new Date(at).toISOString(),
    model: 'gpt-4o',
    requests: m.calls,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 0,
    outcomes: { Success: m.calls - failed, ...(failed > 0 ? { ServerError: failed } : {}) },
    latencyBuckets,
  };
}
