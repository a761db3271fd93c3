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
  const recorded = { id, sequence, lastSeen: now.toISOString() };
  return (
    recordedInPlace(instances, recorded, now) ??
    pruneInstances([recorded, ...instances.filter((i) => i.id !== id)], now)
  );
}

/**
 * recordSequence's common case in one pass, with no sort (it runs for every batch recorded: the
 * sorts cost about 80 µs a batch on a full list): a list sorted by id and at most MAX_INSTANCES
 * long, as every list this module writes is. The others within retention are kept in their order,
 * the one least recently seen goes when the list is full (the last of equals, as the stable sort of
 * pruneInstances drops it; the new instance itself when it is older than all of them), and the new
 * instance goes in its place by id. Undefined for any other list: pruneInstances decides.
 */
function recordedInPlace(
  instances: Instances,
  recorded: Instances[number],
  now: Date,
): Instances | undefined {
  if (instances.length > MAX_INSTANCES) return undefined;
  const oldest = now.getTime() - INSTANCE_RETENTION_DAYS * DAY;
  const others: Instances = [];
  let leastSeen = Number.POSITIVE_INFINITY;
  let least = -1;
  let previousId: string | undefined;
  for (const instance of instances) {
    if (previousId !== undefined && !(previousId < instance.id)) return undefined;
    previousId = instance.id;
    if (instance.id === recorded.id) continue;
    const seen = instantMs(instance.lastSeen);
    if (!(seen >= oldest)) continue;
    if (seen <= leastSeen) {
      leastSeen = seen;
      least = others.length;
    }
    others.push(instance);
  }
  if (others.length >= MAX_INSTANCES) {
    if (now.getTime() < leastSeen) return others;
    others.splice(least, 1);
  }
  let low = 0;
  let high = others.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((others[middle] as Instances[number]).id < recorded.id) low = middle + 1;
    else high = middle;
  }
  others.splice(low, 0, recorded);
  return others;
}

/**
 * Drops instances unseen for INSTANCE_RETENTION_DAYS and keeps the MAX_INSTANCES seen last, by id.
 * Each `lastSeen` is read once, through a memo (it runs for every batch recorded: a sort that
 * parsed dates in its comparator cost about 2 ms a batch on a full list, and Date.parse of the 256
 * instants alone most of the rest); ties keep the order given.
 */
export function pruneInstances(instances: Instances, now: Date): Instances {
  const oldest = now.getTime() - INSTANCE_RETENTION_DAYS * DAY;
  let kept: { instance: Instances[number]; seen: number }[] = [];
  for (const instance of instances) {
    const seen = instantMs(instance.lastSeen);
    if (seen >= oldest) kept.push({ instance, seen });
  }
  if (kept.length > MAX_INSTANCES) kept = kept.sort((a, b) => b.seen - a.seen).slice(0, MAX_INSTANCES);
  return kept.map((k) => k.instance).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Date.parse, remembered: the same instants come back batch after batch (bounded, forgets all at once). */
const parsedInstants = new Map<string, number>();
const MAX_PARSED_INSTANTS = 65_536;

function instantMs(instant: string): number {
  let ms = parsedInstants.get(instant);
  if (ms === undefined) {
    if (parsedInstants.size >= MAX_PARSED_INSTANTS) parsedInstants.clear();
    ms = Date.parse(instant);
    parsedInstants.set(instant, ms);
  }
  return ms;
}
