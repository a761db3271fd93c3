// Where usage counters, the instances' sequences (dedup) and the ledgers the controllers read are
// kept: the API server (the embedded default: `helm install` needs nothing else) or a shared
// Redis/Valkey (many sidecars: no API-server write per batch). Either way a batch is recorded by
// the same group committer (../ledger-committer.ts) over `ledgers`, exactly once, and the
// operator's ledger cache is filled from the store (`ledgerFeed`; none: the API server's watch).
// Readers outside the operator (cockpit, dataflows, audit reports) list the store (`reader`).
// Nothing here depends on which process ingests usage. docs/adr/0060-usage-counters-in-a-shared-store.md.
import {
  apiServerLedgerReader,
  apiServerLedgers,
  type LedgerDocuments,
  type LedgerReader,
} from '../../agents/ledger-documents.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import type { ListWatchSource } from '../../runtime/informer/list-watch-source.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { LeaseBooks } from './redis-lease-books.js';

export const USAGE_STORE_KINDS = ['apiserver', 'redis'] as const;
export type UsageStoreKind = (typeof USAGE_STORE_KINDS)[number];

export interface UsageStore {
  readonly kind: UsageStoreKind;
  /** For logs: `the API server`, `redis://host:6379/0`. */
  readonly describe: string;
  /** Read a ledger, create it, replace it at the revision read. */
  readonly ledgers: LedgerDocuments;
  /** Every ledger, for the readers outside the operator's cache: cockpit, dataflows, audit reports. */
  readonly reader: LedgerReader;
  /** What fills the operator's AgentUsageLedger cache; undefined: the API server's watch. */
  readonly ledgerFeed?: ListWatchSource<AgentUsageLedger>;
  /** Budget lease books (docs/adr/0062-budget-leases.md); only a shared store keeps them. */
  readonly leases?: LeaseBooks;
  /** Resolves once the store answers; rejects saying what is wrong. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Today's store: one AgentUsageLedger object per agent in the API server. */
export function apiServerUsageStore(client: KubeClient): UsageStore {
  return {
    kind: 'apiserver',
    describe: 'the API server (AgentUsageLedger objects)',
    ledgers: apiServerLedgers(client),
    reader: apiServerLedgerReader(client),
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
