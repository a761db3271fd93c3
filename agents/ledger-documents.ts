// Where the AgentUsageLedgers are kept, as the writers of ledgers see it: usage ingest (group commit),
// the TokenBudget controller (registering its period) and the RetentionPolicy controller (pruning);
// and as their readers see it outside the operator's cache: the cockpit, dataflows, audit reports. Both read a ledger, change it and write
// it back at the revision they read: a newer revision refuses the write (409) and they read again.
// The API server is the default keeper; a shared store (sidecar-services/usage-store/) answers in
// the same terms — 404 NotFound, 409 Conflict, 409 AlreadyExists — so one exactly-once algorithm
// serves both (docs/adr/0060-usage-counters-in-a-shared-store.md).
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import type { ObjectKey } from '../runtime/kube/kube-object.js';
import { agentUsageLedgers } from './governor-resources.js';

export interface LedgerDocuments {
  /** The ledger as stored now, with its revision in `metadata.resourceVersion`; undefined when there is none. */
  get(key: ObjectKey): Promise<AgentUsageLedger | undefined>;
  /**
   * Creates the ledger; 409 AlreadyExists when one is there. `sequences`: see `update`.
   */
  create(ledger: AgentUsageLedger, sequences?: SequencesRecorded): Promise<AgentUsageLedger>;
  /**
   * Replaces the ledger at `metadata.resourceVersion`; 409 Conflict when it changed since, 404 when gone.
   * `sequences`: the batches this write records (usage ingest). A store that keeps every instance's
   * sequence beside the ledger (Redis: no bound of MAX_INSTANCES) checks and records them in the same
   * atomic write, and refuses it with `BatchesRecordedBefore` when one was recorded already; the
   * API server keeps them in the ledger's own list only and ignores them.
   */
  update(ledger: AgentUsageLedger, sequences?: SequencesRecorded): Promise<AgentUsageLedger>;
}

/** The batches one ledger write records: each (instance, sequence), in the order applied, as of `atMs`. */
export interface SequencesRecorded {
  atMs: number;
  batches: readonly { instance: string; sequence: number }[];
}

/**
 * A write refused, nothing written: some of its batches were recorded before, by instances the
 * ledger's own list no longer holds. `recorded` maps each such instance to its highest recorded
 * sequence; apply the batches again without those at or below it and write again.
 */
export class BatchesRecordedBefore extends Error {
  constructor(
    where: string,
    readonly recorded: ReadonlyMap<string, number>,
  ) {
    super(
      `${where}: ${[...recorded].map(([id, seq]) => `instance ${id} recorded up to sequence ${seq}`).join(', ')}` +
        ' already; write again without those batches',
    );
  }
}

/** The ledgers as AgentUsageLedger objects in the API server (the embedded default). */
export function apiServerLedgers(client: KubeClient): LedgerDocuments {
  return {
    get: (key) => client.get(agentUsageLedgers, key),
    create: (ledger) => client.create(agentUsageLedgers, ledger),
    update: (ledger) => client.update(agentUsageLedgers, ledger),
  };
}

/** The ledgers as the readers of usage see them (docs/adr/0064-usage-readers-through-the-store.md). */
export interface LedgerReader {
  /** Every ledger as stored now, or those of one namespace. */
  list(namespace?: string): Promise<AgentUsageLedger[]>;
}

/** The ledgers' readers in the API server (the embedded default). */
export function apiServerLedgerReader(client: KubeClient): LedgerReader {
  return {
    list: (namespace) => client.list(agentUsageLedgers, namespace === undefined ? {} : { namespace }),
  };
}

/**
 * The keeper the operator chose, set by the CLI before the controllers start (`--usage-store`);
 * unset, each reader falls back to the API server through its own client.
 */
export class LedgerDocumentsChoice {
  private chosen: LedgerDocuments | undefined;

  use(ledgers: LedgerDocuments): void {
    this.chosen = ledgers;
  }

  of(client: KubeClient): LedgerDocuments {
    return this.chosen ?? apiServerLedgers(client);
  }
}
