// Every sidecar instance's highest recorded sequence, kept in Redis beside its agent's ledger and
// without the ledger's bound of MAX_INSTANCES (docs/adr/0071-instance-sequences-beside-the-ledger.md):
// `agent-governor:instance-sequences:<namespace>/<name>` (a hash: instance → sequence) and
// `agent-governor:instance-seen:<namespace>/<name>` (a sorted set: instance → when its last batch was
// recorded, epoch ms). The commit script (redis-ledger-table.ts) checks and records them in the same
// atomic step as the ledger's counts; an instance silent for the retention is forgotten, at most
// MAX_FORGOTTEN_PER_WRITE in one write, so a batch costs the same with 10 or 100,000 instances.
// Pure: keys, the script's arguments and its answer.
import type { SequencesRecorded } from '../../agents/ledger-documents.js';
import { INSTANCE_RETENTION_DAYS } from '../../apis/usage-ledger.js';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';

const KEY_PREFIX = 'agent-governor:';
export const SEQUENCES_PREFIX = `${KEY_PREFIX}instance-sequences:`;
export const SEEN_PREFIX = `${KEY_PREFIX}instance-seen:`;

/**
 * How long an instance's sequence is kept after its last batch: the ledger's own retention (seven
 * days), far beyond any resend a sidecar's spool makes (it retries for as long as its pod lives, and
 * a pod silent for a week has no spool left to resend).
 */
export const INSTANCE_SEQUENCE_RETENTION_MS = INSTANCE_RETENTION_DAYS * 86_400_000;

/** Silent instances forgotten by one write at most; the rest by the next writes. */
export const MAX_FORGOTTEN_PER_WRITE = 64;

/** The hash of sequences and the sorted set of last batches of a ledger. */
export function instanceSequenceKeys(key: ObjectKey): [sequences: string, seen: string] {
  const name = `${key.namespace ?? ''}/${key.name}`;
  return [`${SEQUENCES_PREFIX}${name}`, `${SEEN_PREFIX}${name}`];
}

/**
 * The commit script's arguments after its first four: when (epoch ms), forget instances silent
 * since before, keys expire at, at most so many forgotten, then (instance, sequence) pairs. No
 * sequences: four empty strings, and the script leaves the instances as they are.
 */
export function sequenceArguments(
  sequences: SequencesRecorded | undefined,
  retentionMs: number = INSTANCE_SEQUENCE_RETENTION_MS,
): string[] {
  if (!sequences || sequences.batches.length === 0) return ['', '', '', ''];
  const at = Math.floor(sequences.atMs);
  const args = [
    String(at),
    String(at - retentionMs),
    String(at + retentionMs),
    String(MAX_FORGOTTEN_PER_WRITE),
  ];
  for (const { instance, sequence } of sequences.batches) args.push(instance, String(sequence));
  return args;
}

/** The script's `recorded` answer after its verdict and revision: instance, sequence, … as a map. */
export function recordedBefore(pairs: readonly string[], where: string): Map<string, number> {
  const recorded = new Map<string, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const sequence = Number(pairs[i + 1]);
    if (!Number.isSafeInteger(sequence) || sequence < 0) {
      throw new Error(
        `${where}: instance ${pairs[i]} has sequence "${pairs[i + 1]}", expected a whole number; ` +
          'the hash is written only by agent-governor: delete it, the ledger’s own list then guards the last instances',
      );
    }
    recorded.set(pairs[i]!, sequence);
  }
  return recorded;
}
