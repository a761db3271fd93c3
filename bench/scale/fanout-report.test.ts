import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFanout, fanoutBetween, readHistogram, readLoopDelays } from './fanout-report.js';

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

  it("reads each replica's event-loop delay and says it beside the fan-out", () => {
    const texts = [
      '# HELP governor_operator_nodejs_eventloop_lag_p99_seconds The 99th percentile\n' +
        'governor_operator_nodejs_eventloop_lag_p99_seconds 0.12\n' +
        'governor_operator_nodejs_eventloop_lag_max_seconds 0.48\n',
      'governor_operator_nodejs_eventloop_lag_p99_seconds 0.09\ngovernor_operator_nodejs_eventloop_lag_max_seconds 0.3\n',
      'governor_operator_sidecar_policy_waiters 3\n',
    ];
    const delays = readLoopDelays(texts);
    assert.deepEqual(delays, [{ p99Ms: 120, maxMs: 480 }, { p99Ms: 90, maxMs: 300 }, undefined]);
    const before = readHistogram([exposition({ '0.1': 0, '+Inf': 0 }, 0, 0)], NAME);
    const after = readHistogram([exposition({ '0.1': 2, '+Inf': 2 }, 0.1, 2)], NAME);
    const loopDelays = delays.filter((d) => d !== undefined);
    assert.equal(
      describeFanout({ ...fanoutBetween(before, after), loopDelays }),
      "2 changes, mean 50 ms, each within 100 ms; the replicas' event-loop delay meanwhile, p99 / max: 120 / 480 ms, 90 / 300 ms",
    );
    assert.equal(
      describeFanout({ ...fanoutBetween(after, after), loopDelays }),
      "none seen; the replicas' event-loop delay meanwhile, p99 / max: 120 / 480 ms, 90 / 300 ms",
    );
  });
  it('says when the mirrors reached the replicas after the publish, beside the fan-out', () => {
    const before = readHistogram([exposition({ '0.1': 0, '+Inf': 0 }, 0, 0)], NAME);
    const after = readHistogram([exposition({ '0.1': 2, '+Inf': 2 }, 0.1, 2)], NAME);
    const arrived = readHistogram([exposition({ '0.1': 1, '0.25': 4, '+Inf': 4 }, 0.6, 4)], NAME);
    assert.equal(
      describeFanout({ ...fanoutBetween(before, after), arrival: fanoutBetween(before, arrived) }),
      '2 changes, mean 50 ms, each within 100 ms; the mirrors reached the replicas 4 times, mean 150 ms after the publish, each within 250 ms',
    );
  });
});
