import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batch, onThisClock, type PolicySummary, summarizePolicy, workerOf } from './poll-answers.js';

describe('summarizePolicy', () => {
  it('keeps the version and each budget’s phase, counts and thresholds, and nothing else', () => {
    const policy = {
      version: '42',
      targets: [{ name: 'primary', provider: 'openai', baseUrl: 'https://llm.example' }],
      budgets: [
        {
          name: 'team/monthly',
          phase: 'Warning',
          actions: ['Notify'],
          usedTokens: 800,
          limitTokens: 1_000,
          periodEnd: '2026-12-31T00:00:00Z',
          thresholds: [{ percent: 75, actions: ['Notify'] }],
        },
        { name: 'team/cost', phase: 'Active', actions: [], usedTokens: 3, limitCostMicros: 9 },
      ],
    } as unknown as PolicySummary;
    assert.deepEqual(summarizePolicy(policy), {
      version: '42',
      budgets: [
        {
          name: 'team/monthly',
          phase: 'Warning',
          usedTokens: 800,
          limitTokens: 1_000,
          thresholds: [{ percent: 75, actions: ['Notify'] }],
        },
        { name: 'team/cost', phase: 'Active', usedTokens: 3 },
      ],
    });
  });
});

describe('onThisClock', () => {
  it('puts an absolute moment on the performance clock of the thread whose time origin is given', () => {
    assert.equal(onThisClock(1_700_000_001_500.25, 1_700_000_000_000), 1_500.25);
    const now = performance.now();
    assert.ok(Math.abs(onThisClock(performance.timeOrigin + now, performance.timeOrigin) - now) < 0.01);
  });
});

describe('workerOf', () => {
  it('shares the sidecars round robin', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 10; i++) {
      const worker = workerOf(i, 3);
      counts[worker] = (counts[worker] ?? 0) + 1;
    }
    assert.deepEqual(counts, [4, 3, 3]);
  });

  it('names the count it cannot use', () => {
    assert.throws(() => workerOf(1, 0), /poll workers must be a whole number ≥ 1, got 0/);
  });
});

describe('Batch', () => {
  it('delivers everything added before its one scheduled flush together', () => {
    const scheduled: Array<() => void> = [];
    const delivered: number[][] = [];
    const batch = new Batch<number>(
      (flush) => scheduled.push(flush),
      (items) => delivered.push(items),
    );
    batch.add(1);
    batch.add(2);
    batch.add(3);
    assert.equal(scheduled.length, 1);
    assert.equal(batch.size, 3);
    scheduled[0]?.();
    assert.deepEqual(delivered, [[1, 2, 3]]);
    batch.add(4);
    assert.equal(scheduled.length, 2, 'the first item after a flush schedules the next');
    batch.flush();
    batch.flush();
    scheduled[1]?.();
    assert.deepEqual(delivered, [[1, 2, 3], [4]], 'an empty batch delivers nothing');
  });
});
