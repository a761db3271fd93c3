// The AgentUsageLedger CRD on the real API server: a ledger as applyBatch leaves it after months of
// traffic is accepted and reads back exactly (the structural schema prunes nothing applyBatch
// writes), a write with a stale resourceVersion is refused (the ingest's optimistic concurrency),
// and ledgers stay out of `kubectl get governor`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyBatch } from '../../apis/ledger/apply-batch.js';
import { emptyLedger, ledgerName } from '../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import { trackPeriods } from '../../apis/ledger/tracked-periods.js';
import { CALL_OUTCOMES } from '../../apis/usage-batch.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const namespace = `ledger-crd-${process.pid}`;

/** 40 days of traffic with every outcome, several models and use cases, from many sidecars. */
function busyLedger(): UsageLedgerSpec {
  const start = Date.parse('2025-01-01T00:00:00Z');
  let ledger = trackPeriods(
    emptyLedger('support'),
    [
      { reset: 'Daily', timeZone: 'Europe/Berlin' },
      { reset: 'Monthly', timeZone: 'UTC' },
      { reset: 'Cron', timeZone: 'UTC', schedule: '0 6 * * 1' },
    ],
    new Date(start + 3_600_000),
  );
  const outcomes = Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 1]));
  for (let block = 0; block < 40 * 12; block++) {
    const entries = [];
    for (let m = 0; m < 120; m += 7) {
      const minute = new Date(start + (block * 120 + m) * 60_000).toISOString();
      entries.push(
        entry(minute, CALL_OUTCOMES.length, {
          model: block % 3 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
          ...(m % 2 === 0 ? { useCase: `case-${m % 5}` } : {}),
          outcomes,
          latencyMs: 40 + m * 500,
          cachedInputTokens: 3,
          estimatedTokens: 1,
        }),
      );
    }
    const now = new Date(start + (block + 1) * 120 * 60_000);
    ledger = applyBatch(ledger, batch(block + 1, entries, { instance: `pod-${block % 40}` }), now).ledger;
  }
  return ledger;
}

describe('AgentUsageLedger on the real API server', () => {
  let cluster: TestCluster;
  const spec = busyLedger();
  const name = ledgerName(spec.agent);

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    await cluster.kubectl(['create', 'namespace', namespace], { check: true });
  });
  after(async () => {
    await cluster?.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('stores a busy ledger and reads it back exactly', async () => {
    const object = {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentUsageLedger',
      metadata: { name, namespace },
      spec,
    };
    await cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(object), check: true });
    const stored = JSON.parse(
      (
        await cluster.kubectl(['get', 'agentusageledger', name, '-n', namespace, '-o', 'json'], {
          check: true,
        })
      ).stdout,
    );
    assert.deepEqual(stored.spec, spec);
    assert.ok(spec.buckets.days.length > 30 && spec.buckets.minutes.length > 0, 'every tier is exercised');
    assert.ok(spec.periods.every((p) => p.current.lines.length > 0));
  });

  it('refuses a write from a stale read, so two writers never both record', async () => {
    const get = async () =>
      JSON.parse(
        (
          await cluster.kubectl(['get', 'agentusageledger', name, '-n', namespace, '-o', 'json'], {
            check: true,
          })
        ).stdout,
      );
    const read = await get();
    const next = applyBatch(
      read.spec,
      batch(10_000, [entry(read.spec.updatedAt, 1)]),
      new Date(read.spec.updatedAt),
    );
    const first = { ...read, spec: next.ledger };
    await cluster.kubectl(['replace', '-f', '-'], { input: JSON.stringify(first), check: true });
    const second = await cluster.kubectl(['replace', '-f', '-'], { input: JSON.stringify(first) });
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /the object has been modified/);
    assert.equal((await get()).spec.totals.requests, spec.totals.requests + 1);
  });

  it('shows agent and usage columns, and stays out of `kubectl get governor`', async () => {
    const { stdout } = await cluster.kubectl(['get', 'ledger', '-n', namespace], { check: true });
    assert.match(stdout, /NAME\s+AGENT\s+REQUESTS\s+UPDATED\s+AGE/);
    assert.match(stdout, new RegExp(`${name}\\s+support\\s+${spec.totals.requests + 1}\\s`));
    const governor = await cluster.kubectl(['get', 'governor', '-n', namespace]);
    assert.doesNotMatch(governor.stdout + governor.stderr, /agentusageledger/i);
  });

  it('refuses a ledger that breaks its bounds, naming the field', async () => {
    const tooMany = {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentUsageLedger',
      metadata: { name: 'too-many', namespace },
      spec: {
        ...emptyLedger('x'),
        buckets: { ...emptyLedger('x').buckets, minutes: Array(81).fill(spec.buckets.minutes[0]) },
      },
    };
    const result = await cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(tooMany) });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /spec\.buckets\.minutes: Too many: 81: must have at most 80 items/);
  });
});
