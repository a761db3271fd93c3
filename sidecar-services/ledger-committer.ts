// Records usage batches in their agent's AgentUsageLedger, exactly once, wherever the ledgers are
// kept (agents/ledger-documents.ts: the API server or a shared store). One PUT (or the create)
// with the resourceVersion read carries the counts and the instance's sequence together, so a
// batch is recorded atomically and a resend — to this process, another replica or after a restart —
// finds its sequence and changes nothing (apis/ledger/apply-batch.ts). Batches that wait for the
// same ledger are committed together (group commit): one read and one write for many batches — and
// no read when the ledger is as this process last wrote it (the write's resourceVersion proves it).
// A 409 means someone wrote in between: read again, apply again, after a jittered pause.
// Each write also names the (instance, sequence) of the batches it records: a store that keeps every
// instance's sequence beyond the ledger's list of MAX_INSTANCES (Redis, ADR 0071) refuses a write
// holding a batch recorded before, saying which; those are acknowledged as duplicates and the rest
// written again.
import { LRUCache } from 'lru-cache';
import {
  BatchesRecordedBefore,
  type LedgerDocuments,
  type SequencesRecorded,
} from '../agents/ledger-documents.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../agents/policy-config-map.js';
import { AGENT_LABEL, API_VERSION } from '../apis/group-version.js';
import { applyBatch } from '../apis/ledger/apply-batch.js';
import { recordedSequence } from '../apis/ledger/instance-sequences.js';
import { emptyLedger, ledgerName } from '../apis/ledger/ledger-name.js';
import type { UsageAck, UsageBatch } from '../apis/usage-batch.js';
import { type AgentUsageLedger, type UsageLedgerSpec, usageLedgerSpec } from '../apis/usage-ledger.js';
import { fieldPath } from '../apis/validate.js';
import { isApiError, isConflict, isNotFound } from '../runtime/kube/api-error.js';
import type { ServiceError } from './service-answer.js';

export type CommitOutcome = { ok: true; ack: UsageAck } | { ok: false; error: ServiceError };

export type LedgerWrite = 'written' | 'conflict' | 'recorded-before' | 'refused' | 'failed';

export interface LedgerCommitterOptions {
  /** Where the ledgers are kept: the API server (`apiServerLedgers`) or a shared store. */
  ledgers: LedgerDocuments;
  /** Clock of the ledger (periods, buckets); default the wall clock. */
  now?: () => Date;
  /** Reads and writes of one group before giving up with 503; default 10. */
  maxAttempts?: number;
  /** Batches committed in one write; default 64. */
  maxGroup?: number;
  random?: () => number;
  /** After a write that recorded at least one new batch of the agent. */
  onCommitted?: (namespace: string, agent: string) => void;
  onWrite?: (result: LedgerWrite) => void;
}

interface Pending {
  batch: UsageBatch;
  resolve: (outcome: CommitOutcome) => void;
}

interface LedgerQueue {
  namespace: string;
  agent: string;
  pending: Pending[];
  draining: boolean;
}

/** Full jitter: a random pause up to 10 ms · 2^attempt, capped at 500 ms. */
export function conflictDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(500, 10 * 2 ** attempt));
}

export class LedgerCommitter {
  private readonly queues = new Map<string, LedgerQueue>();
  /** Each ledger as this process last wrote it (the next batch's base, instead of a read). */
  private readonly written = new LRUCache<string, AgentUsageLedger>({ max: 4_096 });
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: LedgerCommitterOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** Batches waiting for or in a write. */
  get pending(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.pending.length;
    return count;
  }

  /** Resolves once the batch is durably recorded (or found recorded before), or with the error to answer. */
  record(batch: UsageBatch): Promise<CommitOutcome> {
    const { namespace, name: agent } = batch.agent;
    const key = `${namespace}/${agent}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { namespace, agent, pending: [], draining: false };
      this.queues.set(key, queue);
    }
    const target = queue;
    const outcome = new Promise<CommitOutcome>((resolve) => target.pending.push({ batch, resolve }));
    if (!target.draining) void this.drain(key, target);
    return outcome;
  }

  private async drain(key: string, queue: LedgerQueue): Promise<void> {
    queue.draining = true;
    try {
      while (queue.pending.length > 0) {
        const group = queue.pending.splice(0, this.options.maxGroup ?? 64);
        const outcomes = await this.commitGroup(
          queue,
          group.map((p) => p.batch),
        ).catch((err): CommitOutcome[] => group.map(() => ({ ok: false, error: internal(queue, err) })));
        for (const [i, p] of group.entries()) p.resolve(outcomes[i]!);
      }
    } finally {
      queue.draining = false;
      if (queue.pending.length === 0) this.queues.delete(key);
      else void this.drain(key, queue);
    }
  }

  private async commitGroup(queue: LedgerQueue, batches: UsageBatch[]): Promise<CommitOutcome[]> {
    const { ledgers } = this.options;
    const key = { namespace: queue.namespace, name: ledgerName(queue.agent) };
    const where = `AgentUsageLedger ${key.namespace}/${key.name}`;
    const attempts = this.options.maxAttempts ?? 10;
    const memoKey = `${key.namespace}/${key.name}`;
    let lastError: unknown;
    let readAtOnce = false;
    /** Sequences the store said it recorded, of instances the ledger's own list may have forgotten. */
    const recordedInStore = new Map<string, number>();
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0 && !readAtOnce) await sleep(conflictDelayMs(attempt, this.random));
      // The ledger as this process last wrote it saves a read per batch; if anyone wrote since, the
      // write is refused (409) and the next attempt reads it.
      const remembered = attempt === 0 ? this.written.get(memoKey) : undefined;
      readAtOnce = false;
      const current =
        remembered ??
        (await ledgers.get(key).catch((err) => {
          lastError = err;
          return null;
        }));
      if (current === null) continue;
      // The ledger this process wrote is its own output, valid by construction: only one read from
      // the store is checked against the schema (about 0.5 ms for a full ledger, per group).
      const spec = remembered
        ? remembered.spec
        : current
          ? ledgerSpecOf(current, where)
          : emptyLedger(queue.agent);
      if ('error' in spec) return batches.map(() => ({ ok: false, error: spec.error }));

      let ledger: UsageLedgerSpec = spec;
      const acks: UsageAck[] = [];
      const now = this.now();
      const recording: SequencesRecorded['batches'][number][] = [];
      for (const batch of batches) {
        const inStore = recordedInStore.get(batch.instance);
        if (inStore !== undefined && batch.sequence <= inStore) {
          const inLedger = recordedSequence(ledger.instances, batch.instance);
          acks.push({
            instance: batch.instance,
            acknowledgedSequence: Math.max(inStore, inLedger),
            duplicate: true,
          });
          continue;
        }
        const applied = applyBatch(ledger, batch, now);
        ledger = applied.ledger;
        acks.push({
          instance: batch.instance,
          acknowledgedSequence: applied.acknowledgedSequence,
          duplicate: applied.duplicate,
        });
        if (!applied.duplicate) {
          recording.push({ instance: batch.instance, sequence: batch.sequence });
        }
      }
      if (acks.every((ack) => ack.duplicate)) {
        // Only the ledger as stored now may say "recorded before" (it may have been recreated).
        if (remembered) {
          this.written.delete(memoKey);
          readAtOnce = true;
          continue;
        }
        return acks.map((ack) => ({ ok: true, ack }));
      }
      const sequences: SequencesRecorded = { atMs: now.getTime(), batches: recording };
      try {
        const written = current
          ? await ledgers.update({ ...current, spec: ledger }, sequences)
          : await ledgers.create(newLedger(key.namespace, key.name, queue.agent, ledger), sequences);
        this.written.set(memoKey, withoutManagedFields(written));
      } catch (err) {
        if (err instanceof BatchesRecordedBefore) {
          // Nothing was written: apply again without those batches, on the ledger as stored.
          for (const [instance, sequence] of err.recorded) recordedInStore.set(instance, sequence);
          this.written.delete(memoKey);
          readAtOnce = true;
          lastError = err;
          this.options.onWrite?.('recorded-before');
          continue;
        }
        this.written.delete(memoKey);
        readAtOnce = remembered !== undefined && (isConflict(err) || isNotFound(err));
        lastError = err;
        // Conflict / AlreadyExists: another writer was first. NotFound: deleted in between. Again.
        if (isConflict(err) || isNotFound(err)) {
          this.options.onWrite?.('conflict');
          continue;
        }
        if (isApiError(err) && err.status === 422) {
          this.options.onWrite?.('refused');
          // One batch the API server refuses must not hold back the others: try each alone.
          if (batches.length > 1) return this.commitEach(queue, batches);
          return [{ ok: false, error: refused(where, err.detail) }];
        }
        this.options.onWrite?.('failed');
        continue;
      }
      this.options.onWrite?.('written');
      try {
        this.options.onCommitted?.(queue.namespace, queue.agent);
      } catch {
        // The hook only speeds up a recompute; the batch is recorded either way.
      }
      return acks.map((ack) => ({ ok: true, ack }));
    }
    const error: ServiceError = {
      status: 503,
      code: 'unavailable',
      message:
        `usage not recorded: ${where} could not be written in ${attempts} attempts` +
        `${lastError ? ` (last: ${(lastError as Error).message})` : ''}; retry`,
      retryAfterSeconds: 1,
    };
    return batches.map(() => ({ ok: false, error }));
  }

  private async commitEach(queue: LedgerQueue, batches: UsageBatch[]): Promise<CommitOutcome[]> {
    const outcomes: CommitOutcome[] = [];
    for (const batch of batches) outcomes.push(...(await this.commitGroup(queue, [batch])));
    return outcomes;
  }
}

function ledgerSpecOf(ledger: AgentUsageLedger, where: string): UsageLedgerSpec | { error: ServiceError } {
  const parsed = usageLedgerSpec.safeParse(ledger.spec);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return {
    error: {
      status: 500,
      code: 'internal_error',
      message:
        `usage not recorded: ${where} is not a valid ledger ` +
        `(spec.${issue ? `${fieldPath(issue.path)}: ${issue.message}` : parsed.error.message}); ` +
        'it is written only by the operator: restore it from a backup or fix the field',
    },
  };
}

/** managedFields only cost memory here; a PUT without them leaves them as they are. */
function withoutManagedFields(ledger: AgentUsageLedger): AgentUsageLedger {
  if (!ledger.metadata?.managedFields) return ledger;
  const { managedFields: _dropped, ...metadata } = ledger.metadata;
  return { ...ledger, metadata };
}

function newLedger(namespace: string, name: string, agent: string, spec: UsageLedgerSpec): AgentUsageLedger {
  return {
    apiVersion: API_VERSION,
    kind: 'AgentUsageLedger',
    metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [AGENT_LABEL]: agent } },
    spec,
  };
}

function refused(where: string, detail: string): ServiceError {
  return {
    status: 400,
    code: 'invalid_request',
    message: `the usage batch cannot be recorded: the API server refused the update of ${where}: ${detail}`,
  };
}

function internal(queue: LedgerQueue, err: unknown): ServiceError {
  return {
    status: 500,
    code: 'internal_error',
    message: `usage of agent ${queue.namespace}/${queue.agent} not recorded: ${(err as Error).message}`,
  };
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
