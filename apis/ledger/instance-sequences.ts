import { INSTANCE_RETENTION_DAYS, MAX_INSTANCES, type UsageLedgerSpec } from '../usage-ledger.js';

type Instances = UsageLedgerSpec['instances'];
const DAY = 86_400_000;

/**
 * The highest sequence recorded for a sidecar instance, 0 for an unknown one. Sidecars deliver
 * batches one at a time in sequence order, so a batch at or below it has been recorded: a resend.
 */
export function recordedSequence(instances: Instances, id: string): number {
  return instances.find((i) => i.id === id)?.sequence ?? 0;
}

/**
 * The instance list after recording `sequence` for `id` at `now`: instances not seen for
 * INSTANCE_RETENTION_DAYS are forgotten and at most MAX_INSTANCES kept, the least recently seen
 * going first. (A forgotten instance that resends an old batch would be counted again; a sidecar
 * that has been silent for a week keeps no spool worth resending: its pod is gone.)
 */
export function recordSequence(instances: Instances, id: string, sequence: number, now: Date): Instances {
  const others = instances.filter((i) => i.id !== id);
  return pruneInstances([{ id, sequence, lastSeen: now.toISOString() }, ...others], now);
}

/** Drops instances unseen for INSTANCE_RETENTION_DAYS and keeps the MAX_INSTANCES seen last, by id. */
export function pruneInstances(instances: Instances, now: Date): Instances {
  return instances
    .filter((i) => now.getTime() - Date.parse(i.lastSeen) <= INSTANCE_RETENTION_DAYS * DAY)
    .sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    .slice(0, MAX_INSTANCES)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
