import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFanout, fanoutBetween, readHistogram } from './fanout-report.js';

const NAME = 'governor_operator_sidecar_policy_fanout_seconds';
const exposition = (buckets: Record<string, number>, sum: number, count: number) =>
  [
    `# HELP ${NAME} Per policy change …`,
    `# TYPE ${NAME} histogram`,
    ...Object.entries(buckets).map(([le, n]) => `${NAME}_bucket{le="${le}"} ${n}`),
    `${NAME}_sum ${sum}`,
    `${NAME}_count ${count}`,
    'governor_operator_sidecar_policy_waiters 5000',
  ].join('\n');

describe('the replicas fan-out during a crossing', () => {
  it('sums the replicas and takes the difference: changes, mean and the bound all stayed within', () => {
    const before = readHistogram(
      [
        exposition({ '0.01': 1, '0.05': 2, '0.1': 2, '+Inf': 2 }, 0.05, 2),
        exposition({ '0.01': 0, '0.05': 1, '0.1': 1, '+Inf': 1 }, 0.03, 1),
      ],
      NAME,
    );
    assert.equal(before.count, 3);
    const after = readHistogram(
      [
        // Replica A: 10 more changes, 8 within 50 ms, 2 within 100 ms.
        exposition({ '0.01': 1, '0.05': 10, '0.1': 12, '+Inf': 12 }, 0.05 + 0.5, 12),
        // Replica B: 10 more, all within 50 ms.
        exposition({ '0.01': 0, '0.05': 11, '0.1': 11, '+Inf': 11 }, 0.03 + 0.3, 11),
      ],
      NAME,
    );
    const fanout = fanoutBetween(before, after);
    assert.equal(fanout.changes, 20);
    assert.equal(Math.round(fanout.meanMs), 40);
    assert.equal(fanout.withinMs, 100);
    assert.equal(describeFanout(fanout), '20 changes, mean 40 ms, each within 100 ms');
  });

  it('says so when a change went past the last bound, and when nothing fanned out', () => {
    const before = readHistogram([exposition({ '0.1': 0, '+Inf': 0 }, 0, 0)], NAME);
    const after = readHistogram([exposition({ '0.1': 0, '+Inf': 1 }, 3, 1)], NAME);
    assert.equal(
      describeFanout(fanoutBetween(before, after)),
      '1 change, mean 3000 ms, each within the last bucket',
    );
    assert.equal(describeFanout(fanoutBetween(after, after)), 'none seen');
  });
});
