// Writes pruned ledgers where they are kept (agents/ledger-documents.ts: the API server or the shared
// usage store), one after another, each at the revision it was read at: the same revision-checked
// write usage ingest makes. A ledger that changed since (409) or is gone (404) is left for the next
// round; any other failure fails the round.
import type { LedgerDocuments } from '../../agents/ledger-documents.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { isConflict, isNotFound } from '../../runtime/kube/api-error.js';

export interface LedgerPrune {
  /** The ledger as read (its revision in `metadata.resourceVersion`) with the pruned spec. */
  ledger: AgentUsageLedger;
  removed: number;
}

export interface PruneOutcomes<P extends LedgerPrune> {
  applied: P[];
  conflicts: P[];
  gone: P[];
}

export async function writePrunes<P extends LedgerPrune>(
  ledgers: LedgerDocuments,
  prunes: readonly P[],
): Promise<PruneOutcomes<P>> {
  const outcomes: PruneOutcomes<P> = { applied: [], conflicts: [], gone: [] };
  for (const prune of prunes) {
    if (!prune.ledger.metadata?.resourceVersion) {
      // Never a blind write over what ingest may have added since: no revision, no write.
      outcomes.conflicts.push(prune);
      continue;
    }
    try {
      await ledgers.update(prune.ledger);
    } catch (err) {
      if (isConflict(err)) outcomes.conflicts.push(prune);
      else if (isNotFound(err)) outcomes.gone.push(prune);
      else throw err;
      continue;
    }
    outcomes.applied.push(prune);
  }
  return outcomes;
}
