import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HOURLY_USAGE_HOURS,
  type HourLine,
  MAX_HOUR_LINES,
  MAX_HOUR_OTHER_LINES,
  MAX_HOUR_USE_CASES,
  OTHER_LINE,
  usageLedgerSpec,
} from '../usage-ledger.js';
import { applyBatch, settleLedger } from './apply-batch.js';
import { boundHour } from './hourly-usage.js';
import { emptyLedger } from './ledger-name.js';
import { batch, entry } from './testdata/batches.js';

const tokens = (lines: readonly HourLine[]) => lines.reduce((n, l) => n + l.inputTokens + l.outputTokens, 0);
const line = (useCase: string | undefined, model: string, calls: number, currency?: string): HourLine => ({
  ...(useCase === undefined ? {} : { useCase }),
  model,
  ...(currency === undefined ? {} : { currency }),
  requests: calls,
  inputTokens: 100 * calls,
  outputTokens: 10 * calls,
  costMicros: 1_000 * calls,
});

describe('hourly usage in the ledger', () => {
  it('counts each entry in the UTC hour of its minute, by use case and model', () => {
    const now = new Date('2025-03-11T10:20:00Z');
    const { ledger } = applyBatch(
      emptyLedger('support'),
      batch(1, [
        entry('2025-03-11T09:59:00Z', 2, { useCase: 'triage' }),
        entry('2025-03-11T10:01:00Z', 3, { useCase: 'triage' }),
        entry('2025-03-11T10:02:00Z', 1, { useCase: 'summarize', model: 'gpt-4o-mini' }),
        entry('2025-03-11T10:03:00Z', 4),
      ]),
      now,
    );
    assert.deepEqual(
      ledger.hourlyUsage?.map((h) => [
        h.start,
        h.lines.map((l) => [l.useCase, l.model, l.requests, l.inputTokens]),
      ]),
      [
        ['2025-03-11T09:00:00.000Z', [['triage', 'gpt-4o', 2, 200]]],
        [
          '2025-03-11T10:00:00.000Z',
          [
            [undefined, 'gpt-4o', 4, 400],
            ['summarize', 'gpt-4o-mini', 1, 100],
            ['triage', 'gpt-4o', 3, 300],
          ],
        ],
      ],
    );
    assert.equal(usageLedgerSpec.safeParse(ledger).success, true);
  });

  it('adds a later batch to the same lines and drops hours older than the window', () => {
    const first = applyBatch(
      emptyLedger('support'),
      batch(1, [entry('2025-03-11T10:00:00Z', 1, { useCase: 'triage' })]),
      new Date('2025-03-11T10:00:30Z'),
    ).ledger;
    const second = applyBatch(
      first,
      batch(2, [entry('2025-03-11T10:30:00Z', 2, { useCase: 'triage' })]),
      new Date('2025-03-11T10:30:30Z'),
    ).ledger;
    assert.deepEqual(second.hourlyUsage?.[0]?.lines[0]?.requests, 3);
    const later = new Date(Date.parse('2025-03-11T10:00:00Z') + (HOURLY_USAGE_HOURS + 1) * 3_600_000);
    assert.deepEqual(settleLedger(second, later).hourlyUsage, []);
    const justInside = new Date(Date.parse('2025-03-11T10:59:00Z') + HOURLY_USAGE_HOURS * 3_600_000);
    assert.equal(settleLedger(second, justInside).hourlyUsage?.length, 1);
  });

  it('a duplicate batch changes no hour', () => {
    const now = new Date('2025-03-11T10:00:30Z');
    const once = applyBatch(emptyLedger('support'), batch(1, [entry('2025-03-11T10:00:00Z', 1)]), now).ledger;
    const again = applyBatch(once, batch(1, [entry('2025-03-11T10:00:00Z', 1)]), now);
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.ledger.hourlyUsage, once.hourlyUsage);
  });
});

describe('boundHour', () => {
  it('keeps the top use cases by tokens and folds the rest into (other), losing no token', () => {
    const input = Array.from({ length: MAX_HOUR_USE_CASES + 3 }, (_, i) =>
      line(`case-${i}`, 'gpt-4o', i + 1),
    );
    const bounded = boundHour(input);
    const named = new Set(bounded.map((l) => l.useCase).filter((u) => u !== OTHER_LINE));
    assert.equal(named.size, MAX_HOUR_USE_CASES);
    assert.equal(named.has('case-0'), false, 'the smallest use case is folded');
    assert.equal(named.has(`case-${MAX_HOUR_USE_CASES + 2}`), true, 'the largest is kept');
    assert.equal(tokens(bounded), tokens(input));
    const other = bounded.find((l) => l.useCase === OTHER_LINE);
    assert.equal(other?.requests, 1 + 2 + 3);
  });

  it('past MAX_HOUR_LINES folds the smallest lines into model (other), never mixing currencies', () => {
    const input = [
      ...Array.from({ length: MAX_HOUR_LINES + 4 }, (_, i) => line('triage', `model-${i}`, i + 1)),
      line('triage', 'mistral-large', 1, 'EUR'),
    ];
    const bounded = boundHour(input);
    assert.ok(bounded.length <= MAX_HOUR_LINES, `${bounded.length} lines`);
    assert.equal(tokens(bounded), tokens(input));
    const folded = bounded.filter((l) => l.model === OTHER_LINE);
    assert.deepEqual(folded.map((l) => l.currency ?? 'USD').sort(), ['EUR', 'USD']);
  });

  it('with more currencies than lines, the rest is one unpriced line with every token', () => {
    const input = Array.from({ length: 30 }, (_, i) =>
      line(
        'triage',
        `model-${i}`,
        1,
        `C${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
      ),
    );
    const bounded = boundHour(input);
    assert.ok(bounded.length <= MAX_HOUR_LINES + MAX_HOUR_OTHER_LINES);
    assert.equal(tokens(bounded), tokens(input));
    assert.ok(bounded.some((l) => l.unpriced && l.model === OTHER_LINE));
  });

  it('a full ledger of hours stays within the stated size', () => {
    const longCase = 'u'.repeat(60);
    const longModel = `anthropic.claude-3-5-sonnet-20241022-v2:0-${'m'.repeat(20)}`;
    let ledger = emptyLedger('support');
    const start = Date.parse('2025-03-11T00:00:00Z');
    for (let h = 0; h <= HOURLY_USAGE_HOURS; h++) {
      const minute = new Date(start + h * 3_600_000).toISOString();
      const entries = Array.from({ length: 40 }, (_, i) =>
        entry(minute, 1_000_000 + i, {
          useCase: `${longCase}${i % 9}`,
          model: `${longModel}${i % 7}`,
          ...(i % 3 === 0 ? { currency: 'EUR' } : {}),
        }),
      );
      ledger = applyBatch(ledger, batch(h + 1, entries), new Date(Date.parse(minute) + 30_000)).ledger;
    }
    assert.equal(ledger.hourlyUsage?.length, HOURLY_USAGE_HOURS + 1);
    for (const hour of ledger.hourlyUsage ?? [])
      assert.ok(hour.lines.length <= MAX_HOUR_LINES + MAX_HOUR_OTHER_LINES);
    assert.equal(usageLedgerSpec.safeParse(ledger).success, true);
    const bytes = Buffer.byteLength(JSON.stringify(ledger.hourlyUsage));
    // docs/adr/0043: at most about 170 kB of hourly usage in a ledger (etcd's limit is 1.5 MiB).
    assert.ok(bytes < 170_000, `${bytes} bytes`);
    if (process.env.SHOW_SIZES) console.log(`hourly usage of a full ledger: ${bytes} bytes`);
  });
});
