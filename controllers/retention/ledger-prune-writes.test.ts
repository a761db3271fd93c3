import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerDocuments } from '../../agents/ledger-documents.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { ApiError } from '../../runtime/kube/api-error.js';
import { writePrunes } from './ledger-prune-writes.js';

function ledger(name: string, resourceVersion?: string): AgentUsageLedger {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'AgentUsageLedger',
    metadata: { namespace: 'agents', name, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: emptyLedger(name),
  };
}

/** Ledgers kept at a revision each, refusing as the API server and the Redis table do. */
function keeper(revisions: Record<string, string>, failing?: string) {
  const written: string[] = [];
  const ledgers: LedgerDocuments = {
    get: () => Promise.resolve(undefined),
    create: (l) => Promise.resolve(l),
    update: async (l) => {
      const name = l.metadata?.name ?? '';
      if (name === failing) throw new Error('the usage store is not connected (reconnecting); retry');
      const at = revisions[name];
      if (at === undefined) throw new ApiError(`update ${name}`, 404, 'NotFound', 'gone');
      if (at !== l.metadata?.resourceVersion)
        throw new ApiError(`update ${name}`, 409, 'Conflict', 'changed');
      written.push(name);
      return l;
    },
  };
  return { ledgers, written };
}

describe('writing pruned ledgers', () => {
  it('writes each at the revision read; a changed one waits for the next round, a gone one is left', async () => {
    const { ledgers, written } = keeper({ kept: '3', changed: '9' });
    const prunes = [
      { ledger: ledger('kept', '3'), removed: 2 },
      { ledger: ledger('changed', '8'), removed: 1 },
      { ledger: ledger('gone', '4'), removed: 5 },
    ];
    const outcomes = await writePrunes(ledgers, prunes);
    assert.deepEqual(written, ['kept']);
    assert.deepEqual(
      [outcomes.applied, outcomes.conflicts, outcomes.gone].map((l) => l.map((p) => p.ledger.metadata?.name)),
      [['kept'], ['changed'], ['gone']],
    );
  });

  it('never writes a ledger read without a revision', async () => {
    const { ledgers, written } = keeper({ bare: '1' });
    const outcomes = await writePrunes(ledgers, [{ ledger: ledger('bare'), removed: 1 }]);
    assert.deepEqual(written, []);
    assert.equal(outcomes.conflicts.length, 1);
  });

  it('fails the round when the store fails otherwise', async () => {
    const { ledgers } = keeper({ a: '1' }, 'a');
    await assert.rejects(writePrunes(ledgers, [{ ledger: ledger('a', '1'), removed: 1 }]), /not connected/);
  });
});
