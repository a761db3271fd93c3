import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentLine } from '../../apis/usage-ledger.js';
import { EXPERIMENT_STATUS_PACE_MS, experimentNumbers, pacedExperiment } from './experiment-status.js';

const NOW = new Date('2025-03-11T10:05:00Z');
const spec = {
  experiment: {
    name: 'support-model',
    stickyBy: 'x-governor-conversation-id',
    variants: [
      { name: 'control', weight: 50 },
      { name: 'mini', weight: 50, model: 'gpt-4o-mini' },
    ],
  },
};

const line = (variant: string, calls: number, overrides: Partial<ExperimentLine> = {}): ExperimentLine => ({
  route: 'gpt-4o',
  experiment: 'support-model',
  variant,
  calls,
  errors: 0,
  inputTokens: 100 * calls,
  outputTokens: 10 * calls,
  tokensSquares: 110 * 110 * calls,
  costMicros: 1_000 * calls,
  costMicrosSquares: 1e6 * calls,
  latencyMs: 200 * calls,
  latencyMsSquares: 40_000 * calls,
  lastSeen: '2025-03-11T10:00:00.000Z',
  ...overrides,
});

describe('experimentNumbers', () => {
  it("sums the lines of the route's experiment across ledgers, per variant in spec order", () => {
    const numbers = experimentNumbers(
      'gpt-4o',
      spec,
      [
        line('mini', 2),
        line('control', 3, { errors: 1 }),
        line('control', 1),
        line('control', 7, { route: 'other-route' }),
        line('control', 7, { experiment: 'earlier-experiment' }),
        line('gone-variant', 7),
      ],
      NOW,
    );
    assert.equal(numbers?.name, 'support-model');
    assert.equal(numbers?.updatedAt, NOW.toISOString());
    assert.deepEqual(
      numbers?.variants.map((v) => [v.name, v.weight, v.calls, v.errors, v.inputTokens, v.latencyMs]),
      [
        ['control', 50, 4, 1, 400, 800],
        ['mini', 50, 2, 0, 200, 400],
      ],
    );
  });

  it('shows every variant of the spec, with zeros before its first call, and nothing without an experiment', () => {
    const numbers = experimentNumbers('gpt-4o', spec, [], NOW);
    assert.deepEqual(
      numbers?.variants.map((v) => v.calls),
      [0, 0],
    );
    assert.equal(experimentNumbers('gpt-4o', {}, [line('control', 1)], NOW), undefined);
  });
});

describe('pacedExperiment', () => {
  const before = experimentNumbers('gpt-4o', spec, [line('control', 1)], new Date(NOW.getTime() - 3_000));
  const after = experimentNumbers('gpt-4o', spec, [line('control', 2)], NOW);
  const at = NOW.getTime();
  const cases: {
    name: string;
    current: typeof before | undefined;
    next: typeof after | undefined;
    lastWriteAt: number | undefined;
    show: 'current' | 'next' | 'none';
    waitMs: number;
  }[] = [
    {
      name: 'the first numbers are written at once',
      current: undefined,
      next: after,
      lastWriteAt: at,
      show: 'next',
      waitMs: 0,
    },
    {
      name: 'moved numbers wait for the pace',
      current: before,
      next: after,
      lastWriteAt: at - 3_000,
      show: 'current',
      waitMs: EXPERIMENT_STATUS_PACE_MS - 3_000,
    },
    {
      name: 'moved numbers are written once the pace has passed',
      current: before,
      next: after,
      lastWriteAt: at - EXPERIMENT_STATUS_PACE_MS,
      show: 'next',
      waitMs: 0,
    },
    {
      name: 'a process that never wrote the route (a new leader) writes at once',
      current: before,
      next: after,
      lastWriteAt: undefined,
      show: 'next',
      waitMs: 0,
    },
    {
      name: 'equal numbers summed later need no write',
      current: before,
      next: { ...before!, updatedAt: NOW.toISOString() },
      lastWriteAt: at - 1,
      show: 'current',
      waitMs: 0,
    },
    {
      name: 'new weights are written at once',
      current: before,
      next: {
        ...after!,
        variants: after!.variants.map((v) => ({ ...v, weight: v.name === 'control' ? 100 : 0 })),
      },
      lastWriteAt: at - 1,
      show: 'next',
      waitMs: 0,
    },
    {
      name: 'an experiment removed from the spec leaves the status',
      current: before,
      next: undefined,
      lastWriteAt: at - 1,
      show: 'none',
      waitMs: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const paced = pacedExperiment({ current: c.current, next: c.next, lastWriteAt: c.lastWriteAt, at });
      const expected = c.show === 'current' ? c.current : c.show === 'next' ? c.next : undefined;
      assert.deepEqual(paced, { show: expected, waitMs: c.waitMs });
    });
  }
});
