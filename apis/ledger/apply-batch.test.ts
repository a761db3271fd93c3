import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FINISH_REASONS, TOKEN_SLOTS, usageBatch } from '../usage-batch.js';
import {
  INSTANCE_RETENTION_DAYS,
  MAX_INSTANCES,
  MAX_PERIOD_LINES,
  OTHER_LINE,
  type UsageLedgerSpec,
  usageLedgerSpec,
} from '../usage-ledger.js';
import { applyBatch, settleLedger } from './apply-batch.js';
import { emptyShape } from './bucket-shapes.js';
import { TIERS } from './bucket-tiers.js';
import { emptyLedger } from './ledger-name.js';
import { periodLines, periodTotals } from './period-totals.js';
import { sumLedgers } from './sum-ledgers.js';
import { batch, entry } from './testdata/batches.js';
import { trackPeriods } from './tracked-periods.js';
import { windowCounts } from './window-counts.js';

/** A full ledger with answer shapes in every bucket stays under this (etcd takes 1.5 MiB). */
const SHAPED_LEDGER_BYTES = 150_000;

const BERLIN_DAILY = { reset: 'Daily', timeZone: 'Europe/Berlin' } as const;
const UTC_WEEKLY = { reset: 'Weekly', timeZone: 'UTC' } as const;

/** A ledger tracking Berlin days and UTC weeks since the start of 2025-03-10 (a Monday, 01:00 Berlin). */
function trackedLedger(): UsageLedgerSpec {
  return trackPeriods(emptyLedger('support'), [BERLIN_DAILY, UTC_WEEKLY], new Date('2025-03-10T00:00:00Z'));
}

function apply(ledger: UsageLedgerSpec, ...batches: ReturnType<typeof batch>[]) {
  let current = ledger;
  const results = [];
  for (const b of batches) {
    const result = applyBatch(current, b, new Date(b.sentAt));
    current = result.ledger;
    results.push(result);
  }
  return { ledger: current, results };
}

describe('applyBatch', () => {
  it('counts a batch in the totals, every tracked period and the minute bucket', () => {
    const now = new Date('2025-03-11T10:00:30Z');
    const { ledger, duplicate, acknowledgedSequence } = applyBatch(
      trackedLedger(),
      batch(1, [
        entry('2025-03-11T10:00:00Z', 3),
        entry('2025-03-11T09:59:00Z', 2, { model: 'gpt-4o-mini' }),
      ]),
      now,
    );
    assert.equal(duplicate, false);
    assert.equal(acknowledgedSequence, 1);
    assert.deepEqual(ledger.totals, {
      requests: 5,
      inputTokens: 500,
      outputTokens: 50,
      cachedInputTokens: 0,
      estimatedTokens: 0,
      costMicros: 5_000,
    });
    const day = periodTotals(ledger, BERLIN_DAILY, now);
    assert.equal(day?.tokens, 550);
    assert.equal(day?.start.toISOString(), '2025-03-10T23:00:00.000Z');
    const week = periodTotals(ledger, UTC_WEEKLY, now);
    assert.equal(week?.requests, 5);
    assert.deepEqual(
      ledger.periods[0]?.current.lines.map((l) => [l.model, l.requests]),
      [
        ['gpt-4o', 3],
        ['gpt-4o-mini', 2],
      ],
    );
    assert.deepEqual(
      ledger.buckets.minutes.map((b) => [b.start, b.outcomes.Success]),
      [
        ['2025-03-11T09:59:00.000Z', 2],
        ['2025-03-11T10:00:00.000Z', 3],
      ],
    );
    assert.equal(ledger.updatedAt, now.toISOString());
    assert.ok(usageLedgerSpec.safeParse(ledger).success);
  });

  const dedupCases: { name: string; sequences: number[]; counted: number; duplicates: boolean[] }[] = [
    { name: 'a resend of the same batch', sequences: [1, 1], counted: 1, duplicates: [false, true] },
    {
      name: 'an older batch after a newer one',
      sequences: [1, 2, 1],
      counted: 2,
      duplicates: [false, false, true],
    },
    {
      name: 'a gap (a batch the sidecar set aside)',
      sequences: [1, 3, 2],
      counted: 2,
      duplicates: [false, false, true],
    },
    { name: 'every batch once', sequences: [1, 2, 3], counted: 3, duplicates: [false, false, false] },
  ];
  for (const c of dedupCases) {
    it(`is idempotent by (instance, sequence): ${c.name}`, () => {
      const batches = c.sequences.map((s) => batch(s, [entry('2025-03-11T10:00:00Z', 1)]));
      const { ledger, results } = apply(trackedLedger(), ...batches);
      assert.deepEqual(
        results.map((r) => r.duplicate),
        c.duplicates,
      );
      assert.equal(ledger.totals.requests, c.counted);
      assert.equal(periodTotals(ledger, BERLIN_DAILY, new Date('2025-03-11T10:01:00Z'))?.requests, c.counted);
      assert.equal(results.at(-1)?.acknowledgedSequence, Math.max(...c.sequences));
    });
  }

  it('returns the very same ledger for a duplicate, so there is nothing to write', () => {
    const first = applyBatch(
      trackedLedger(),
      batch(4, [entry('2025-03-11T10:00:00Z', 1)]),
      new Date('2025-03-11T10:01:00Z'),
    );
    const again = applyBatch(
      first.ledger,
      batch(4, [entry('2025-03-11T10:00:00Z', 1)]),
      new Date('2025-03-11T10:02:00Z'),
    );
    assert.equal(again.ledger, first.ledger);
  });

  it('records the circuits a batch carries, also a batch without usage; old batches without circuits parse', () => {
    const now = new Date('2025-03-11T10:00:30Z');
    const circuits = {
      observedAt: '2025-03-11T10:00:29.000Z',
      routes: [{ route: 'gpt-4o', activeTarget: 'b', targets: [{ target: 'a', state: 'Open' as const }] }],
    };
    const first = applyBatch(trackedLedger(), { ...batch(1, []), circuits }, now);
    assert.deepEqual(first.ledger.circuitReports, [{ instance: 'pod-a', ...circuits }]);
    assert.equal(first.ledger.totals.requests, 0);
    assert.doesNotThrow(() => usageLedgerSpec.parse(first.ledger));
    // A minute and more later, a batch of an older sidecar: accepted, and the stale report ages out.
    const later = new Date('2025-03-11T10:01:40Z');
    const old = usageBatch.parse(batch(2, [entry('2025-03-11T10:01:00Z', 1, { inputTokens: 5 })]));
    const second = applyBatch(first.ledger, old, later);
    assert.equal(second.ledger.circuitReports, undefined);
    assert.equal(second.ledger.totals.inputTokens, 5);
  });

  it('keeps sequences per instance: the same sequence from another sidecar counts', () => {
    const { ledger, results } = apply(
      trackedLedger(),
      batch(1, [entry('2025-03-11T10:00:00Z', 1)], { instance: 'pod-a' }),
      batch(1, [entry('2025-03-11T10:00:00Z', 1)], { instance: 'pod-b' }),
    );
    assert.deepEqual(
      results.map((r) => r.duplicate),
      [false, false],
    );
    assert.equal(ledger.totals.requests, 2);
    assert.deepEqual(
      ledger.instances.map((i) => [i.id, i.sequence]),
      [
        ['pod-a', 1],
        ['pod-b', 1],
      ],
    );
  });

  const lateCases: { name: string; minute: string; now: string; current: number; previous: number }[] = [
    {
      name: 'a batch sent after midnight for calls before it lands in the previous day',
      minute: '2025-03-11T22:59:00Z',
      now: '2025-03-11T23:04:00Z',
      current: 0,
      previous: 7,
    },
    {
      name: 'calls just after midnight land in the new day',
      minute: '2025-03-11T23:00:00Z',
      now: '2025-03-11T23:04:00Z',
      current: 7,
      previous: 0,
    },
    {
      name: 'calls two days old land in no day period',
      minute: '2025-03-10T12:00:00Z',
      now: '2025-03-12T12:00:00Z',
      current: 0,
      previous: 0,
    },
  ];
  for (const c of lateCases) {
    it(`lands late usage in the period of its timestamp: ${c.name}`, () => {
      const now = new Date(c.now);
      const { ledger } = applyBatch(trackedLedger(), batch(1, [entry(c.minute, 7)]), now);
      const day = ledger.periods.find((p) => p.reset === 'Daily');
      const sum = (lines: { requests: number }[] = []) => lines.reduce((s, l) => s + l.requests, 0);
      assert.equal(sum(day?.current.lines), c.current);
      assert.equal(sum(day?.previous?.lines), c.previous);
      assert.equal(ledger.totals.requests, 7, 'totals count everything');
    });
  }

  it('counts calls dated in the future (a sidecar clock ahead) in the minute of now', () => {
    const now = new Date('2025-03-11T10:00:20Z');
    const { ledger } = applyBatch(trackedLedger(), batch(1, [entry('2025-03-11T10:07:00Z', 2)]), now);
    assert.deepEqual(
      ledger.buckets.minutes.map((b) => b.start),
      ['2025-03-11T10:00:00.000Z'],
    );
    assert.equal(periodTotals(ledger, BERLIN_DAILY, now)?.requests, 2);
  });

  it('folds model × use case lines beyond the bound into one "(other)" line', () => {
    const minute = '2025-03-11T10:00:00Z';
    const entries = Array.from({ length: MAX_PERIOD_LINES + 5 }, (_, i) =>
      entry(minute, 1, { useCase: `uc-${i}` }),
    );
    const now = new Date('2025-03-11T10:01:00Z');
    const { ledger } = applyBatch(trackedLedger(), batch(1, entries), now);
    const lines = ledger.periods[0]?.current.lines ?? [];
    assert.equal(lines.length, MAX_PERIOD_LINES + 1);
    assert.deepEqual(
      lines.filter((l) => l.model === OTHER_LINE).map((l) => [l.useCase, l.requests]),
      [[OTHER_LINE, 5]],
    );
    assert.equal(periodTotals(ledger, BERLIN_DAILY, now)?.requests, MAX_PERIOD_LINES + 5);
    assert.equal(periodTotals(ledger, BERLIN_DAILY, now, ['uc-0'])?.requests, 1);
  });

  it('keeps a line per currency and an unpriced line apart, also in the fold', () => {
    const minute = '2025-03-11T10:00:00Z';
    const now = new Date('2025-03-11T10:01:00Z');
    const { ledger } = applyBatch(
      trackedLedger(),
      batch(1, [
        entry(minute, 1, { model: 'acme' }),
        entry(minute, 2, { model: 'acme', currency: 'EUR' }),
        entry(minute, 3, { model: 'acme', currency: 'USD' }),
        entry(minute, 4, { model: 'llama', costMicros: 0, unpriced: true }),
      ]),
      now,
    );
    const lines = periodLines(ledger, BERLIN_DAILY, now)?.lines ?? [];
    assert.deepEqual(
      lines.map((l) => [l.model, l.currency, l.unpriced, l.requests]),
      [
        ['acme', undefined, undefined, 4],
        ['acme', 'EUR', undefined, 2],
        ['llama', undefined, true, 4],
      ],
    );

    const full = Array.from({ length: MAX_PERIOD_LINES }, (_, i) => entry(minute, 1, { useCase: `uc-${i}` }));
    const folded = applyBatch(
      trackedLedger(),
      batch(1, [
        ...full,
        entry(minute, 1, { model: 'late-eur', currency: 'EUR' }),
        entry(minute, 1, { model: 'late-usd' }),
        entry(minute, 1, { model: 'late-unpriced', costMicros: 0, unpriced: true }),
        entry(minute, 1, { model: 'later-eur', currency: 'EUR' }),
      ]),
      now,
    ).ledger;
    const others = (periodLines(folded, BERLIN_DAILY, now)?.lines ?? []).filter(
      (l) => l.model === OTHER_LINE,
    );
    assert.deepEqual(
      others.map((l) => [l.currency, l.unpriced, l.requests]),
      [
        ['EUR', undefined, 2],
        [undefined, undefined, 1],
        [undefined, true, 1],
      ],
    );
  });

  it('adds ledgers up line by line, currencies kept apart', () => {
    const minute = '2025-03-11T10:00:00Z';
    const now = new Date('2025-03-11T10:01:00Z');
    const one = applyBatch(
      trackedLedger(),
      batch(1, [entry(minute, 1, { model: 'acme', currency: 'EUR' })]),
      now,
    );
    const two = applyBatch(
      trackedLedger(),
      batch(1, [entry(minute, 2, { model: 'acme', currency: 'EUR' }), entry(minute, 5, { model: 'acme' })]),
      now,
    );
    const sum = sumLedgers([one.ledger, two.ledger], now);
    assert.deepEqual(
      (periodLines(sum, BERLIN_DAILY, now)?.lines ?? []).map((l) => [l.currency, l.requests, l.costMicros]),
      [
        ['EUR', 3, 3_000],
        [undefined, 5, 5_000],
      ],
    );
  });

  it('forgets instances unseen for a week and keeps at most MAX_INSTANCES', () => {
    let ledger = trackedLedger();
    const start = Date.parse('2025-03-01T00:00:00Z');
    ledger = applyBatch(
      ledger,
      batch(1, [entry('2025-03-01T00:00:00Z', 1)], { instance: 'old' }),
      new Date(start),
    ).ledger;
    for (let i = 0; i < MAX_INSTANCES + 10; i++) {
      const now = new Date(start + (INSTANCE_RETENTION_DAYS + 1) * 86_400_000 + i * 1000);
      ledger = applyBatch(
        ledger,
        batch(1, [entry(now.toISOString(), 1)], { instance: `pod-${i}` }),
        now,
      ).ledger;
    }
    const ids = new Set(ledger.instances.map((i) => i.id));
    assert.equal(ids.size, MAX_INSTANCES);
    assert.ok(!ids.has('old'), 'unseen for more than a week');
    assert.ok(!ids.has('pod-0'), 'the least recently seen goes first');
    assert.ok(ids.has(`pod-${MAX_INSTANCES + 9}`));
  });

  it('refuses a batch of another agent, naming both', () => {
    assert.throws(
      () => applyBatch(trackedLedger(), batch(1, [], { agent: 'marketing' }), new Date()),
      /ledger of agent "support".*for agent "marketing"/,
    );
  });

  it('stays bounded and schema-valid through 100 days of traffic from many sidecars', () => {
    let ledger = trackPeriods(
      emptyLedger('support'),
      [BERLIN_DAILY, UTC_WEEKLY, { reset: 'Monthly', timeZone: 'America/New_York' }],
      new Date('2025-01-01T00:00:00Z'),
    );
    const start = Date.parse('2025-01-01T00:00:00Z');
    let sequence = 0;
    let calls = 0;
    // One batch per 2 hours, one entry per minute, a new sidecar instance every 12 hours.
    for (let block = 0; block < 100 * 12; block++) {
      const entries = [];
      for (let m = 0; m < 120; m++) {
        const minute = new Date(start + (block * 120 + m) * 60_000).toISOString();
        const shape = emptyShape();
        shape.promptTokens[(block + m) % TOKEN_SLOTS] = 2;
        shape.completionTokens[m % TOKEN_SLOTS] = 2;
        shape.finishReasons[FINISH_REASONS[m % FINISH_REASONS.length]!] = 2;
        shape.reAsks = m % 2;
        entries.push(entry(minute, 2, { latencyMs: 100 + ((block + m) % 40) * 50, shape }));
        calls += 2;
      }
      sequence += 1;
      const now = new Date(start + (block + 1) * 120 * 60_000);
      ledger = applyBatch(
        ledger,
        batch(sequence, entries, { instance: `pod-${Math.floor(block / 6)}` }),
        now,
      ).ledger;
    }
    const parsed = usageLedgerSpec.safeParse(ledger);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.equal(ledger.totals.requests, calls);
    const size = JSON.stringify(ledger).length;
    // With the answer shapes of drift in every bucket (docs/adr/0056-drift-against-a-baseline.md).
    assert.ok(size < SHAPED_LEDGER_BYTES, `ledger is ${size} bytes`);
    if (process.env.SHOW_SIZES) console.log(`ledger with shapes after 100 days: ${size} bytes`);
    const shaped = TIERS.flatMap((tier) => ledger.buckets[tier]).reduce(
      (n, b) => n + (b.shape?.completionTokens.reduce((x, y) => x + y, 0) ?? 0),
      0,
    );
    assert.equal(
      shaped,
      TIERS.flatMap((tier) => ledger.buckets[tier]).reduce((n, b) => n + (b.outcomes.Success ?? 0), 0),
    );
    // Everything within the retention is still in some bucket, each call once.
    const now = new Date(start + 100 * 86_400_000);
    assert.equal(windowCounts(ledger, 90 * 86_400_000, now).calls, 90 * 1440 * 2);
    assert.equal(windowCounts(ledger, 3_600_000, now).calls, 60 * 2);
    assert.equal(windowCounts(ledger, 5 * 60_000, now).calls, 5 * 2);
  });
});

describe('settleLedger', () => {
  it('rolls periods and moves buckets to coarser tiers without losing a call', () => {
    const { ledger } = applyBatch(
      trackedLedger(),
      batch(1, [entry('2025-03-11T10:00:00Z', 3), entry('2025-03-11T10:01:00Z', 4)]),
      new Date('2025-03-11T10:02:00Z'),
    );
    const later = new Date('2025-03-13T10:00:00Z');
    const settled = settleLedger(ledger, later);
    assert.equal(settled.buckets.minutes.length, 0);
    assert.deepEqual(
      settled.buckets.hours.map((b) => [b.start, b.outcomes.Success]),
      [['2025-03-11T10:00:00.000Z', 7]],
    );
    const day = settled.periods.find((p) => p.reset === 'Daily');
    assert.equal(day?.current.start, '2025-03-12T23:00:00.000Z');
    assert.equal(day?.previous?.start, '2025-03-11T23:00:00.000Z', 'the empty day just before');
    assert.equal(day?.previous?.lines.length, 0);
    assert.equal(periodTotals(settled, UTC_WEEKLY, later)?.requests, 7);
  });
});
